from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "huike.customers"
    label = "customers"
