"""Customers as plain dicts for the pure condition checks: local times, tag names, related counts."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from huike.customers.models import Customer

# Related counts a condition may name, and how to count them.
COUNTS = {
    "followup_count": ("followups", _("number of follow-ups")),
    "order_count": ("orders", _("number of orders")),
    "complaint_count": ("complaints", _("number of complaints")),
}
SKIP = {"search_text", "id"}


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_today(now: dt.datetime | None = None) -> dt.date:
    from django.utils import timezone

    return (now or timezone.now()).astimezone(local_tz()).date()


def condition_fields() -> list[tuple[str, str]]:
    """(name, label) of every field a condition may use, for the rule builder."""
    fields = [(f.attname if f.is_relation else f.name, str(f.verbose_name))
              for f in Customer._meta.concrete_fields if f.name not in SKIP and not f.name.endswith("_search")]
    fields.append(("tags", str(Customer._meta.get_field("tags").verbose_name)))
    fields += [(name, str(label)) for name, (_rel, label) in COUNTS.items()]
    return fields


def field_names() -> set[str]:
    return {name for name, _label in condition_fields()}


def _counts_needed(conditions: list[dict]) -> dict[str, Count]:
    names = {c.get("field") for c in conditions}
    return {name: Count(rel, distinct=True) for name, (rel, _label) in COUNTS.items() if name in names}


def _localize(row: dict, tz: ZoneInfo) -> dict:
    for k, v in row.items():
        if isinstance(v, dt.datetime):
            row[k] = v.astimezone(tz)
    return row


def customer_record(customer_id: int, conditions: list[dict]) -> dict | None:
    qs = Customer.objects.filter(pk=customer_id, deleted_at__isnull=True).annotate(**_counts_needed(conditions))
    rows = list(iter_records(qs, conditions))
    return rows[0] if rows else None


def iter_records(qs, conditions: list[dict], chunk: int = 2000):
    """Rows of `qs` as records, in primary-key batches so memory stays flat over a million customers."""
    tz = local_tz()
    wants_tags = any(c.get("field") == "tags" for c in conditions)
    qs = qs.annotate(**{k: v for k, v in _counts_needed(conditions).items() if k not in qs.query.annotations})
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk").values()[:chunk])
        if not batch:
            return
        tags: dict[int, list[str]] = {}
        if wants_tags:
            through = Customer.tags.through.objects.filter(customer_id__in=[r["id"] for r in batch])
            for cid, name in through.values_list("customer_id", "tag__name"):
                tags.setdefault(cid, []).append(name)
        for row in batch:
            row["tags"] = tags.get(row["id"], [])
            yield _localize(row, tz)
        last = batch[-1]["id"]


def live_customers():
    return Customer.objects.filter(deleted_at__isnull=True).filter(~Q(owner_id=None))
