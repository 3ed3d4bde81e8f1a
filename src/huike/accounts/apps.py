from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "huike.accounts"
    label = "accounts"
