from django.apps import AppConfig


class TransactionsConfig(AppConfig):
    name = "huike.transactions"
    label = "transactions"
