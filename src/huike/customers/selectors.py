"""Reads on customers, always scoped through accounts.policies, joins chosen up front."""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.db.models.expressions import RawSQL
from django.utils import timezone

from huike.accounts import policies
from huike.accounts.models import User

from .models import Customer, Tag

SORTS = {
    "created": "-created_at", "-created": "created_at",
    "name": "name", "-name": "-name",
    "code": "code", "-code": "-code",
    "next_followup": "next_followup_at", "-next_followup": "-next_followup_at",
    "updated": "-updated_at",
    "expected_close": "expected_close_date",
}
BLANK = "-"  # a filter value meaning "not set"
REPORT_FILTERS = ["ordered_from", "ordered_to", "closed_from", "closed_to", "followed_up", "complaint_urgency", "complaint_cause", "complaint_from",
                  "complaint_to", "complaint_any", "stage_changed_from", "stage_changed_to", "active_from",
                  "reached_stage", "surveyed_from", "surveyed_to", "survey_owner", "survey_team", "survey_cause",
                  "survey_periodic", "survey_score"]
FILTER_FIELDS = [
    "stage", "intent", "industry", "source", "kind", "customer_type", "company_size", "province", "city",
    "value_tier", "value_class", "relationship_type", "lost_reason",
]


def normalize_query(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().lower()


def search_terms(q: str) -> list[str]:
    """The query, plus its digits alone when it is a spaced or dashed number (138 1234 → 1381234)."""
    digits = q.replace(" ", "").replace("-", "")
    return [q, digits] if digits.isdigit() and digits != q else [q]


def search_filter(q: str) -> Q:
    """Substring search over search_text (name, contact, phone, email, code).

    SQLite answers terms of 3+ characters from its trigram full-text index (migration 0004);
    PostgreSQL's LIKE uses its trigram GIN index. Shorter terms scan the narrow covering index.
    """
    terms = search_terms(q)
    if connection.vendor == "sqlite" and min(len(t) for t in terms) >= 3:
        phrase = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        return Q(pk__in=RawSQL("SELECT rowid FROM customer_search WHERE customer_search MATCH %s", [phrase]))
    combined = Q()
    for t in terms:
        combined |= Q(search_text__contains=t)
    return combined


def customer_base(user: User) -> QuerySet:
    return policies.scoped(user, Customer.objects.all()).select_related("owner", "owner__team")


def customer_list(*, user: User, filters: dict[str, Any] | None = None, search: str = "", sort: str = "") -> QuerySet:
    """The customer list: search, filters, sort (R-2.5). Tags are prefetched (one extra query)."""
    filters = filters or {}
    qs = customer_base(user)
    q = normalize_query(search)
    if q:
        qs = qs.filter(search_filter(q))
    for field in FILTER_FIELDS:
        value = filters.get(field)
        if value == BLANK:
            qs = qs.filter(**{field: ""})
        elif value:
            qs = qs.filter(**{f"{field}__in" if isinstance(value, (list, tuple)) else field: value})
    if filters.get("owner"):
        qs = qs.filter(owner_id=filters["owner"])
    if filters.get("team"):
        qs = qs.filter(owner__team_id=filters["team"])
    if filters.get("tag"):
        qs = qs.filter(tags__name=filters["tag"])
    if filters.get("overdue"):
        # The same rule as overdue_customers: a lost customer with no planned follow-up is not overdue.
        qs = qs.filter(next_followup_at__lt=timezone.now()).exclude(stage="lost", next_followup_reason="")
    if filters.get("registered_late"):
        qs = qs.filter(registered_late=True)
    if filters.get("created_from"):
        qs = qs.filter(created_at__date__gte=filters["created_from"])
    if filters.get("created_to"):
        qs = qs.filter(created_at__date__lte=filters["created_to"])
    qs = report_filters(qs, filters)
    order = SORTS.get(sort, "-created_at")
    return qs.order_by(order, "-id").prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name")))


class _NamesAsJSON(Func):
    """The names of a subquery's rows as one JSON array text, on either database."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="json_group_array", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="json_agg(%(expressions)s)::text", **extra)


def with_tag_names(qs: QuerySet) -> QuerySet:
    """Each customer's tag names read in the same statement as the customer (`tag_names_json`), instead of a
    prefetch that builds a tag object and two managers per row; for wide outputs such as the API's."""
    names = (Customer.tags.through.objects.filter(customer_id=OuterRef("pk")).order_by()
             .values("customer_id").annotate(names=_NamesAsJSON("tag__name")).values("names"))
    return qs.prefetch_related(None).annotate(  # no tag: the subquery has no row, hence "[]"
        tag_names_json=Coalesce(Subquery(names, output_field=TextField()), Value("[]"), output_field=TextField()))


def tag_names(customer: Customer) -> list[str]:
    """The customer's tag names in name order, from with_tag_names() when it was applied, else its tags."""
    names = getattr(customer, "tag_names_json", None)
    if names is not None:
        return sorted(json.loads(names))
    return sorted(t.name for t in customer.tags.all())


# What a row of the list page shows (customers/web/rows.py); the wide columns (a dozen dates, the search
# text) are neither read nor converted for the 50 rows of a page.
ROW_FIELDS = ("code", "name", "contact_name", "contact_title", "phone", "email", "stage", "intent",
              "next_followup_at", "owner_id")


def for_rows(qs: QuerySet) -> QuerySet:
    """A customer_list queryset narrowed to the columns the list page's rows show: tag names and the owner's
    name (`owner_label`, as User.__str__ gives it) read in the same statement, no user or tag objects built."""
    label = (User.objects.filter(pk=OuterRef("owner_id")).order_by()  # a subquery: the page's count joins nothing
             .values(label=Coalesce(NullIf(F("display_name"), Value("")), F("username"))))
    return with_tag_names(qs.select_related(None).only(*ROW_FIELDS).annotate(owner_label=Subquery(label)))


def _day(value) -> dt.date | None:
    if not value or isinstance(value, dt.date):
        return value or None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _related(model, filters: dict[str, Any], conditions: dict[str, str]) -> Q | None:
    """Customers with one related row matching every condition given; None when none is given.
    Bad dates are ignored, as the customer list ignores unknown filter values."""
    lookups = {}
    for key, lookup in conditions.items():
        value = filters.get(key)
        if value in (None, ""):
            continue
        if "__date__" in lookup or lookup.startswith("date__"):
            value = _day(value)
            if value is None:
                continue
        if lookup == "pk__isnull":
            value = False  # "any": the row exists
        elif lookup.endswith("__isnull"):
            value = True  # e.g. a survey without a complaint
        lookups[lookup] = "" if value == BLANK else value
    if not lookups:
        return None
    return Q(Exists(model.objects.filter(customer_id=OuterRef("pk"), **lookups)))


def report_filters(qs: QuerySet, filters: dict[str, Any]) -> QuerySet:
    """The filters behind report numbers (R-10): orders, follow-ups, complaints, stage moves."""
    from huike.followups.models import FollowUp
    from huike.service.models import Complaint, SatisfactionSurvey
    from huike.transactions.models import Order

    from .models import StageChange

    related = [
        _related(Order, filters, {"ordered_from": "date__gte", "ordered_to": "date__lte"}),
        _related(Complaint, filters, {"complaint_urgency": "urgency", "complaint_cause": "cause",
                                      "complaint_from": "received_at__date__gte",
                                      "complaint_to": "received_at__date__lte", "complaint_any": "pk__isnull"}),
        _related(StageChange, {**filters, "to_closed": "closed" if filters.get("closed_from") or filters.get(
            "closed_to") else None}, {"to_closed": "to_stage", "closed_from": "at__date__gte",
                                      "closed_to": "at__date__lte"}),
        Q(Exists(FollowUp.objects.filter(customer_id=OuterRef("pk")))) if filters.get("followed_up") else None,
        _related(SatisfactionSurvey, filters, {"surveyed_from": "created_at__date__gte",
                                               "surveyed_to": "created_at__date__lte", "survey_owner": "owner_id",
                                               "survey_team": "team_id", "survey_cause": "complaint__cause",
                                               "survey_periodic": "complaint__isnull", "survey_score": "score"}),
    ]
    for q in related:
        if q is not None:
            qs = qs.filter(q)
    for key, lookup in (("stage_changed_from", "stage_changed_at__date__gte"),
                        ("stage_changed_to", "stage_changed_at__date__lte")):
        if _day(filters.get(key)):
            qs = qs.filter(**{lookup: _day(filters[key])})
    if _day(filters.get("active_from")):
        qs = qs.exclude(stage="lost", stage_changed_at__date__lt=_day(filters["active_from"]))
    forward = ["potential", "intent", "closed"]
    if filters.get("reached_stage") in forward:
        later = forward[forward.index(filters["reached_stage"]):]
        qs = qs.filter(Q(stage__in=later) | Q(Exists(StageChange.objects.filter(customer_id=OuterRef("pk"),
                                                                               to_stage__in=later))))
    return qs


def customer_get(*, user: User, pk) -> Customer:
    return policies.get_visible(
        user, customer_base(user).select_related("classification_result").prefetch_related("tags"), pk)


def overdue_customers(*, user: User, now: dt.datetime | None = None) -> QuerySet:
    """Customers whose next follow-up is past, within the user's scope (own, team or all)."""
    now = now or timezone.now()
    return (
        customer_base(user)
        .filter(next_followup_at__lt=now)
        .exclude(stage="lost", next_followup_reason="")
        .order_by("next_followup_at", "id")
    )


@dataclass
class TimelineEvent:
    at: dt.datetime
    kind: str   # followup | order | contract | complaint | change
    obj: Any


def _as_datetime(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def customer_timeline(*, customer: Customer, limit: int = 100) -> list[TimelineEvent]:
    """One timeline (R-2.6): follow-ups, orders, contracts, complaints and recorded changes, newest first."""
    from huike.audit.models import AuditEntry

    events: list[TimelineEvent] = []
    for f in customer.followups.select_related("author", "reviewed_by").prefetch_related("attachments")[:limit]:
        events.append(TimelineEvent(f.occurred_at, "followup", f))
    for o in customer.orders.all()[:limit]:
        events.append(TimelineEvent(_as_datetime(o.date), "order", o))
    for c in customer.contracts.all()[:limit]:
        events.append(TimelineEvent(_as_datetime(c.start_date), "contract", c))
    for c in customer.complaints.all()[:limit]:
        events.append(TimelineEvent(c.received_at, "complaint", c))
    changes = AuditEntry.objects.filter(customer_id=customer.pk).select_related("actor")[:limit]
    for a in changes:
        events.append(TimelineEvent(a.at, "change", a))
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]
