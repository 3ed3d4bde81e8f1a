"""Classification writes: runs (whole population or one customer), approvals, thresholds, strategies."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huike.accounts import policies
from huike.accounts.models import User
from huike.audit.services import audit_record
from huike.automation.events import emit
from huike.automation.models import Trigger
from huike.core.errors import FieldErrors, Forbidden
from huike.customers.models import Customer

from . import engine, features_sql, locks, writer
from .domain.rules import CLASS_CODES, RELATIONSHIP_CODES, TIER_CODES
from .domain.thresholds import Thresholds, validate
from .models import Change, ChangeStatus, Result, Run, RunKind, RunStatus, Strategy, ThresholdSet


def current_thresholds() -> Thresholds:
    return current_threshold_set()[1]


def current_threshold_set() -> tuple[int, Thresholds]:
    """(id, thresholds) in force; id 0 means the built-in defaults. Saved sets never change."""
    row = ThresholdSet.objects.order_by("-id").first()
    return (row.pk, Thresholds.from_dict(row.values)) if row else (0, Thresholds())


def today() -> dt.date:
    return timezone.localdate()


def run_create(*, actor: User | None, as_of: dt.date | None = None, kind: str = RunKind.MANUAL) -> Run:
    """Queue a run; the worker executes it after commit (never inside a web request)."""
    if actor is not None and not (actor.is_admin or actor.is_manager):
        raise Forbidden(_("Only managers and admins can start a classification run."))
    as_of = as_of or today()
    if as_of > today():
        raise FieldErrors.single("as_of", _("A classification cannot be computed for a future date."))
    run = Run.objects.create(as_of=as_of, kind=kind, requested_by=actor)
    from .tasks import run_task

    transaction.on_commit(lambda: run_task(run.pk))
    return run


def run_execute(run_id: int) -> Run:
    """Compute and store every customer's classification as of the run's date. Idempotent."""
    # Claim the run: a retry or a second worker finds it taken and does nothing.
    claimed = Run.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.FAILED]).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), error="")
    run = Run.objects.get(pk=run_id)
    if not claimed:
        return run
    ts_id, t = current_threshold_set()
    run.thresholds = {**t.as_dict(), "id": ts_id}
    run.save(update_fields=["thresholds"])
    try:
        with transaction.atomic():
            locks.hold_run()
            snap = features_sql.load(run.as_of, t)
            res = engine.compute(snap, t, run.as_of)
            counts = writer.apply(snap=snap, res=res, run_id=run.pk, as_of=run.as_of, t=t, thresholds_id=ts_id)
            counts["customers"] = len(snap.features)
            for name, codes, arr in (("value_tier", TIER_CODES, res.tier), ("value_class", CLASS_CODES, res.klass),
                                     ("relationship_type", RELATIONSHIP_CODES, res.rel)):
                counts[name] = {code: int((arr == i).sum()) for i, code in enumerate(codes)}
            run.model, run.counts, run.status = res.model, counts, RunStatus.DONE
            run.progress, run.finished_at = 100, timezone.now()
            run.save(update_fields=["model", "counts", "status", "progress", "finished_at"])
    except Exception as e:  # the run is shown as failed with its error; the data stays as it was
        Run.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=repr(e)[:2000], finished_at=timezone.now())
        raise
    return run


def latest_run() -> Run | None:
    return Run.objects.filter(status=RunStatus.DONE).order_by("-as_of", "-id").first()


@transaction.atomic
def classify_customer(customer_id: int, as_of: dt.date | None = None, wait: bool = True) -> bool:
    """Reclassify one customer after a change (order, contract, complaint, flags). True when something changed.

    The Pareto tier and the RFM segment are relative to everyone: they use the last run's cut points. A run in
    progress is waited for (its result would overwrite this one), or refused with locks.RunInProgress.
    """
    locks.hold_customer(customer_id, wait=wait)
    as_of = as_of or today()
    ts_id, t = current_threshold_set()
    snap = features_sql.load(as_of, t, customer_id=customer_id)
    if not len(snap.features):
        return False
    run = latest_run()
    model = run.model if run and run.model else {"tier_cuts": None, "rfm": None}
    res = engine.compute(snap, t, as_of, previous_model=model)
    counts = writer.apply(snap=snap, res=res, run_id=None, as_of=as_of, t=t, thresholds_id=ts_id)
    return counts["changed"] > 0


@transaction.atomic
def change_decide(*, actor: User, change_ids: list[int], approve: bool) -> int:
    """A manager approves or rejects pending value-class changes of their team (bulk). Returns how many."""
    if not (actor.is_admin or actor.is_manager):
        raise Forbidden(_("Only managers and admins approve classification changes."))
    qs = policies.scoped(actor, Change.objects.select_for_update(), "customer__").filter(
        pk__in=change_ids, status=ChangeStatus.PENDING)
    decided = 0
    for change in qs.select_related("customer"):
        change.status = ChangeStatus.APPLIED if approve else ChangeStatus.REJECTED
        change.decided_by, change.decided_at = actor, timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        customer = change.customer
        if approve:
            before = customer.value_class
            customer.value_class = change.value_class_to
            customer.save(update_fields=["value_class"])
            Result.objects.filter(customer=customer).update(value_class_pending=False)
            audit_record(actor=actor, action="approve", obj=customer, customer_id=customer.pk,
                         changes={"value_class": [before, change.value_class_to]})
            emit(Trigger.CLASSIFICATION_CHANGED, customer.pk, {"value_class": [before, change.value_class_to]})
        else:
            audit_record(actor=actor, action="reject", obj=customer, customer_id=customer.pk,
                         changes={"value_class": [change.value_class_to, customer.value_class]})
        decided += 1
    return decided


@transaction.atomic
def thresholds_save(*, actor: User, values: dict[str, Any]) -> Thresholds:
    policies.require_admin(actor)
    current = current_thresholds().as_dict()
    unknown = set(values) - set(current)
    if unknown:
        raise FieldErrors({k: [_("Unknown field.")] for k in sorted(unknown)})
    try:
        t = Thresholds.from_dict({**current, **values})
    except (TypeError, ValueError):
        raise FieldErrors({k: [_("Enter a whole number.")] for k in values}) from None
    problems = validate(t)
    if problems:
        raise FieldErrors({k: [threshold_message(v)] for k, v in problems.items()})
    row = ThresholdSet.objects.create(values=t.as_dict(), created_by=actor)
    before = {k: v for k, v in current.items() if current[k] != t.as_dict()[k]}
    audit_record(actor=actor, action="update", obj=row,
                 changes={k: [v, t.as_dict()[k]] for k, v in before.items()})
    return t


def threshold_message(problem: str) -> str:
    return {
        "negative": _("Cannot be negative."),
        "window": _("A window is 1 to 120 months (years for cooperation)."),
        "sum": _("The three tier percentages must add up to 100."),
        "pct": _("Enter a percentage between 1 and 99."),
        "overlap": _("This band overlaps the next one; bands must follow each other."),
        "band": _("The lower bound must be below the upper bound."),
        "order": _("List each relationship rule exactly once."),
        "count": _("Must be at least 1."),
        "k": _("Use 0 (automatic) or 2 to 10 segments."),
    }.get(problem, problem)


@transaction.atomic
def strategy_update(*, actor: User, strategy: Strategy, data: dict[str, Any]) -> Strategy:
    policies.require_admin(actor)
    allowed = ["service_level", "owner_role", "contact_frequency", "core_actions", "task_due_days", "active"]
    errors = {k: [_("Unknown field.")] for k in data if k not in allowed}
    for k in ("service_level", "owner_role", "contact_frequency"):
        if k in data and not (0 < len((data[k] or "").strip()) <= 200):
            errors[k] = [_("Enter 1 to 200 characters.")]
    if "task_due_days" in data and not (isinstance(data["task_due_days"], int) and 0 <= data["task_due_days"] <= 365):
        errors["task_due_days"] = [_("Enter a whole number of days between 0 and 365.")]
    if errors:
        raise FieldErrors(errors)
    before = {k: getattr(strategy, k) for k in data}
    for k, v in data.items():
        setattr(strategy, k, v.strip() if isinstance(v, str) else v)
    strategy.save()
    audit_record(actor=actor, action="update", obj=strategy,
                 changes={k: [before[k], getattr(strategy, k)] for k in data if before[k] != getattr(strategy, k)})
    return strategy


def what_if(*, actor: User, values: dict[str, Any], as_of: dt.date | None = None) -> dict[str, Any]:
    """Dry run (R-5.7): how many customers would move from which class to which under new thresholds."""
    policies.require_admin(actor)
    proposed = Thresholds.from_dict({**current_thresholds().as_dict(), **values})
    problems = validate(proposed)
    if problems:
        raise FieldErrors({k: [threshold_message(v)] for k, v in problems.items()})
    as_of = as_of or today()
    snap = features_sql.load(as_of, proposed)
    res = engine.compute(snap, proposed, as_of, previous_model={"tier_cuts": None, "rfm": None})
    from .domain.rules import value_tier_batch

    tier, _cuts = value_tier_batch(snap.features.amt_tier, proposed)
    matrices = {}
    for name, codes, arr in (("value_tier", TIER_CODES, tier), ("value_class", CLASS_CODES, res.klass),
                             ("relationship_type", RELATIONSHIP_CODES, res.rel)):
        matrix: dict[tuple[str, str], int] = {}
        for before, after in zip(snap.current[name], arr):
            key = (before or "", codes[after])
            matrix[key] = matrix.get(key, 0) + 1
        matrices[name] = sorted(([b, a, n] for (b, a), n in matrix.items()), key=lambda x: (x[0], x[1]))
    return {"as_of": as_of.isoformat(), "customers": len(snap.features), "matrices": matrices}
