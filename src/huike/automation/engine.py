"""Runs rules: matches records, records one ActionRun per (rule, record, event or period, action) and
executes them. Everything here runs in the worker (tasks.py), never in a web request."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .domain.conditions import Context, matches
from .domain.schedule import due_period
from .models import ActionRun, ActionStatus, Event, Rule, RuleRun, Trigger
from .records import customer_record, iter_records, live_customers, local_today, local_tz

BACKOFF = [dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2)]
LEASE = dt.timedelta(minutes=5)
STALE = dt.timedelta(minutes=1)
SET_BASED = {"cadence_reminders", "complaint_escalation"}  # built-in actions that sweep whole tables


def process_event(event_id: int) -> int:
    """Match the event against the rules listening for it; returns how many actions were done."""
    with transaction.atomic():
        event = Event.objects.filter(pk=event_id, processed_at__isnull=True).first()
        if event is None:
            return 0
        runs = plan_event(event, now=timezone.now())
        ActionRun.objects.bulk_create(runs, ignore_conflicts=True)
        Event.objects.filter(pk=event_id).update(processed_at=timezone.now())
    return execute_keys([r.key for r in runs])


def plan_event(event: Event, now: dt.datetime) -> list[ActionRun]:
    rules = Rule.objects.filter(enabled=True, trigger=event.kind)
    if event.caused_by_rule_id:
        rules = rules.exclude(pk=event.caused_by_rule_id)
    runs: list[ActionRun] = []
    for rule in rules:
        record = customer_record(event.customer_id, rule.conditions) if event.customer_id else None
        if record is None:
            continue
        ctx = Context(today=local_today(now), changes=event.changes)
        if matches(rule.conditions, record, ctx):
            runs += _runs(rule, event.customer_id, f"e{event.pk}")
    return runs


def _runs(rule: Rule, customer_id: int | None, occasion: str) -> list[ActionRun]:
    return [ActionRun(rule=rule, customer_id=customer_id, action=action,
                      key=f"r{rule.pk}:{occasion}:c{customer_id or 0}:a{i}")
            for i, action in enumerate(rule.actions) if action.get("type") not in SET_BASED]


def run_due_schedules(now: dt.datetime | None = None) -> dict[str, int]:
    """Called every minute: each scheduled rule whose period is due and not yet done runs once."""
    now = now or timezone.now()
    done = {}
    for rule in Rule.objects.filter(enabled=True, trigger=Trigger.SCHEDULE):
        period = due_period(rule.schedule, now, local_tz()) if rule.schedule else None
        if period and not RuleRun.objects.filter(rule=rule, period=period, finished_at__isnull=False).exists():
            done[rule.name] = run_scheduled(rule, period, now)
    return done


def run_scheduled(rule: Rule, period: str, now: dt.datetime) -> int:
    """One occurrence of a scheduled rule. Safe to repeat: every insert is keyed on the period."""
    from . import builtins

    run, _created = RuleRun.objects.get_or_create(rule=rule, period=period)
    created = 0
    for action in rule.actions:
        if action.get("type") == "cadence_reminders":
            created += builtins.cadence_sweep(action, period, now)
        elif action.get("type") == "complaint_escalation":
            created += builtins.complaint_sweep(action, now)
    matched = 0
    if any(a.get("type") not in SET_BASED for a in rule.actions):
        ctx = Context(today=local_today(now))
        keys: list[str] = []
        for record in iter_records(live_customers(), rule.conditions):
            if matches(rule.conditions, record, ctx):
                matched += 1
                runs = _runs(rule, record["id"], f"p{period}")
                ActionRun.objects.bulk_create(runs, ignore_conflicts=True)
                keys += [r.key for r in runs]
        created += execute_keys(keys)
    RuleRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), matched=matched, created=created)
    return created


def execute_keys(keys: list[str]) -> int:
    ids = ActionRun.objects.filter(key__in=keys, status=ActionStatus.PENDING).values_list("id", flat=True)
    return sum(execute(i) for i in list(ids))


def claim(run_id: int, now: dt.datetime) -> bool:
    """A second worker's claim fails while the lease lasts; a killed worker's lease runs out."""
    return bool(ActionRun.objects.filter(pk=run_id, status=ActionStatus.PENDING)
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .update(next_attempt_at=now + LEASE))


def execute(run_id: int, now: dt.datetime | None = None) -> int:
    from .actions import ActionFailed, perform

    if not claim(run_id, now or timezone.now()):
        return 0
    run = ActionRun.objects.select_related("rule", "customer__owner__team__manager").get(pk=run_id)
    try:
        with transaction.atomic():
            perform(run)
            ActionRun.objects.filter(pk=run.pk).update(status=ActionStatus.DONE, done_at=timezone.now(),
                                                       attempts=run.attempts + 1, last_error="")
    except ActionFailed as e:
        _failed(run, str(e))
        return 0
    except Exception as e:  # noqa: BLE001 — any bug in an action is shown to the admin, not lost
        _failed(run, f"{type(e).__name__}: {e}")
        return 0
    return 1


def _failed(run: ActionRun, error: str) -> None:
    attempts = run.attempts + 1
    if attempts > len(BACKOFF):
        ActionRun.objects.filter(pk=run.pk).update(status=ActionStatus.FAILED, attempts=attempts,
                                                   last_error=error[:2000], next_attempt_at=None)
    else:
        ActionRun.objects.filter(pk=run.pk).update(attempts=attempts, last_error=error[:2000],
                                                   next_attempt_at=timezone.now() + BACKOFF[attempts - 1])


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Pick up what a dead worker left: unprocessed events and pending actions whose time came."""
    now = now or timezone.now()
    events = list(Event.objects.filter(processed_at__isnull=True, created_at__lte=now - STALE)
                  .order_by("id").values_list("id", flat=True)[:1000])
    done = sum(process_event(e) for e in events)
    pending = (ActionRun.objects.filter(status=ActionStatus.PENDING)
               .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=now - STALE))
               .order_by("id").values_list("id", flat=True)[:1000])
    done += sum(execute(i, now) for i in list(pending))
    return {"events": len(events), "done": done}


def classification_events(batch: int = 5000) -> int:
    """Classification runs write their changes in bulk; turn the new changes that took effect into events here
    (one per dimension moved) instead of inside the classifier's hot loop. Returns how many."""
    from huike.classification.models import Change

    from .events import emit
    from .models import Cursor

    if not Rule.objects.filter(enabled=True, trigger=Trigger.CLASSIFICATION_CHANGED).exists():
        last = Change.objects.order_by("-id").values_list("id", flat=True).first() or 0
        Cursor.objects.update_or_create(name="classification", defaults={"position": last})
        return 0
    with transaction.atomic():
        cursor, _c = Cursor.objects.select_for_update().get_or_create(name="classification")
        # A value class change a manager approved later is announced by the approval itself (decided_at is
        # set); one still waiting is announced by nothing yet. Its row's other dimensions took effect at once.
        changes = list(Change.objects.filter(pk__gt=cursor.position).order_by("id")[:batch])
        events = 0
        for ch in changes:
            for dimension, moved in ch.moves().items():
                if dimension != "value_class" or ch.decided_at is None:
                    emit(Trigger.CLASSIFICATION_CHANGED, ch.customer_id, {dimension: moved})
                    events += 1
        if changes:
            cursor.position = changes[-1].pk
            cursor.save(update_fields=["position"])
    return events


def retry(*, actor, run: ActionRun) -> None:
    from django.utils.translation import gettext as _

    from huike.core.errors import Forbidden

    if not actor.is_admin:
        raise Forbidden(_("Only an admin can retry a failed action."))
    ActionRun.objects.filter(pk=run.pk).update(status=ActionStatus.PENDING, attempts=0, next_attempt_at=None)
    transaction.on_commit(lambda: _enqueue_execute(run.pk))


def _enqueue_execute(run_id: int) -> None:
    from .tasks import execute_action_task

    execute_action_task(run_id)


KEEP = dt.timedelta(days=90)


def prune(now: dt.datetime | None = None, batch: int = 10_000) -> int:
    """Processed events and finished runs older than KEEP go; their periods and events never come back,
    so the keys are not needed for idempotency any more. Failed actions stay until an admin retries."""
    now = now or timezone.now()
    removed = 0
    for qs in (Event.objects.filter(processed_at__lt=now - KEEP),
               ActionRun.objects.filter(status=ActionStatus.DONE, done_at__lt=now - KEEP),
               RuleRun.objects.filter(finished_at__lt=now - KEEP)):
        ids = list(qs.values_list("id", flat=True)[:batch])
        if ids:
            removed += qs.model.objects.filter(id__in=ids).delete()[0]
    return removed
