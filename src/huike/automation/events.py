"""Record events for the rules (R-7.1). The Event row is written in the caller's transaction (an outbox)
and handed to the worker after commit; a worker that dies leaves it unprocessed for the sweep."""
from __future__ import annotations

import contextvars
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from .models import Event

# The rule whose action is running: its own changes must not trigger it again.
current_rule: contextvars.ContextVar[int | None] = contextvars.ContextVar("current_rule", default=None)


def emit(kind: str, customer_id: int | None, changes: dict | None = None) -> Event:
    safe = json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder, default=str))
    event = Event.objects.create(kind=kind, customer_id=customer_id, changes=safe,
                                 caused_by_rule_id=current_rule.get())
    transaction.on_commit(lambda: _enqueue(event.pk))
    return event


def _enqueue(event_id: int) -> None:
    from .tasks import process_event_task  # tasks import the engine, which imports this module

    process_event_task(event_id)
