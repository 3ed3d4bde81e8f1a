"""What a route's pk names, per target kind: f(world, owner) → the record (owner from the ownership column)."""
from __future__ import annotations


def _global(model_path: str):
    def find(world, owner):
        from django.apps import apps

        return apps.get_model(model_path).objects.order_by("pk").first()

    return find


def _record(kind: str):
    return lambda world, owner: getattr(world.records[owner.username], kind)


def _team(world, owner):
    # an admin has no team: "own" and "team" both mean team A for it, "other" team B
    return owner.team or world.org.team_a


def _run(world, owner):
    from huike.classification.models import Run
    from huike.classification.services import run_create

    # runs belong to the whole company, not to whoever started them
    return Run.objects.order_by("pk").first() or run_create(actor=world.org.admin)


class _Absent:
    """A pk no row has: for routes over records the world does not build (failed deliveries and actions)."""

    pk = 999999


TARGETS = {
    **{kind: _record(kind) for kind in
       ("customer", "followup", "attachment", "order", "contract", "complaint", "reminder", "user", "notification",
        "export", "import_job", "suggestion", "deleted_customer", "binned", "merge")},
    "rule": _global("automation.Rule"),
    "keyword": _global("automation.SuggestionRule"),
    "absent": lambda world, owner: _Absent,
    "team": _team,
    "run": _run,
    "option": _global("customers.Option"),
    "cadence": _global("followups.CadenceRuleRow"),
    "deadline": _global("service.ComplaintDeadline"),
    "strategy": _global("classification.Strategy"),
}
