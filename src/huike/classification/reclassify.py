"""Queue a one-customer reclassification after the transaction that changed its inputs commits."""
from django.db import transaction


def reclassify_on_commit(customer_id: int) -> None:
    from .tasks import classify_customer_task

    transaction.on_commit(lambda: classify_customer_task(customer_id))
