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


LISTENING_TTL = 30  # seconds; a rule switched on starts seeing events within this time in every process


def listening(kind: str) -> bool:
    """Whether any enabled rule (or, for follow-ups, a keyword suggestion) wants this kind of event; a bulk
    import then writes no events nobody reads."""
    from django.core.cache import cache

    from .models import Rule, SuggestionRule, Trigger

    key = f"automation:listening:{kind}"
    found = cache.get(key)
    if found is None:
        found = Rule.objects.filter(enabled=True, trigger=kind).exists() or (
            kind == Trigger.FOLLOWUP_ADDED and SuggestionRule.objects.filter(active=True).exists())
        cache.set(key, found, LISTENING_TTL)
    return found


def forget_listeners() -> None:
    from django.core.cache import cache

    from .models import Trigger

    cache.delete_many([f"automation:listening:{k}" for k in Trigger.values])


def emit(kind: str, customer_id: int | None, changes: dict | None = None) -> Event | None:
    if not listening(kind):
        return None
    safe = json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder, default=str))
    event = Event.objects.create(kind=kind, customer_id=customer_id, changes=safe,
                                 caused_by_rule_id=current_rule.get())
    transaction.on_commit(lambda: _enqueue(event.pk))
    return event


def _enqueue(event_id: int) -> None:
    from .tasks import process_event_task  # tasks import the engine, which imports this module

    process_event_task(event_id)
