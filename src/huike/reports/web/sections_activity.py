"""Builders for the follow-up efficiency, health and service reports."""
from __future__ import annotations

from django.utils.translation import gettext as _

from .. import selectors
from ..filters import ReportFilters
from .links import customers_url, for_owner
from .sections_satisfaction import satisfaction
from .table import Column, Section, label_of


def followups(user, filters: ReportFilters) -> list[Section]:
    data = selectors.followup_efficiency(user=user, filters=filters)

    def links(scope):
        cohort = customers_url(scope, "created")
        return {"customers": cohort,
                "responded": customers_url(scope, "created", followed_up=1),
                "avg_first_response_hours": customers_url(scope, "created", followed_up=1),
                "overdue": customers_url(ReportFilters(team=scope.team, owner=scope.owner), overdue=1),
                "high_intent": customers_url(scope, "created", intent="high"),
                "high_intent_closed": customers_url(scope, "created", intent="high", stage="closed"),
                "high_intent_conversion": customers_url(scope, "created", intent="high", stage="closed")}
    rows = [{**r, "_links": links(for_owner(filters, r["key"]))} for r in data["rows"]]
    total = {**data["total"], "label": _("Total"), "_links": links(filters)}
    return [Section("followups", _("Follow-up efficiency by owner"), "bar",
                    [Column("label", _("Owner"), "text"), Column("customers", _("New customers")),
                     Column("responded", _("Followed up")),
                     Column("avg_first_response_hours", _("Average hours to first follow-up"), "num"),
                     Column("overdue", _("Overdue follow-ups now")), Column("high_intent", _("High intent")),
                     Column("high_intent_closed", _("High intent closed")),
                     Column("high_intent_conversion", _("High-intent conversion"), "rate")],
                    rows, ["avg_first_response_hours", "overdue"], total,
                    _("New customers: created in the period; first follow-up measured from the first contact "
                      "(or from registration when none was recorded)."))]


def health(user, filters: ReportFilters) -> list[Section]:
    data = selectors.health(user=user, filters=filters)

    def links(scope):
        base = customers_url(scope, None, created_to=scope.period_end, active_from=scope.period_start)
        lost = customers_url(scope, "stage_changed", stage="lost")
        high = customers_url(scope, None, created_to=scope.period_end, active_from=scope.period_start,
                             value_tier="high")
        return {"base": base, "churned": lost, "churn_rate": lost, "high_value": high,
                "high_value_lost": customers_url(scope, "stage_changed", stage="lost", value_tier="high"),
                "high_value_retention": high}
    rows = [{**r, "_links": links(for_owner(filters, r["key"]))} for r in data["rows"]]
    total = {**data["total"], "label": _("Total"), "_links": links(filters)}
    reasons = [{"label": label_of("lost_reason", r["key"]), "count": r["count"],
                "_links": {"count": customers_url(filters, "stage_changed", stage="lost", lost_reason=r["key"])}}
               for r in data["reasons"]]
    reasons_total = {"label": _("Total"), "count": data["total"]["churned"],
                     "_links": {"count": customers_url(filters, "stage_changed", stage="lost")}}
    return [
        Section("health", _("Churn and high-value retention by owner"), "bar",
                [Column("label", _("Owner"), "text"), Column("base", _("Customers on the books")),
                 Column("churned", _("Lost in the period")), Column("churn_rate", _("Churn rate"), "rate"),
                 Column("high_value", _("High-value customers")), Column("high_value_lost", _("High value lost")),
                 Column("high_value_retention", _("High-value retention"), "rate")],
                rows, ["churn_rate", "high_value_retention"], total,
                _("On the books: created before the end of the period and not lost before its start.")),
        Section("health-reasons", _("Churn reasons"), "pie",
                [Column("label", _("Churn reason"), "text"), Column("count", _("Customers lost"))],
                reasons, ["count"], reasons_total),
    ]


def service(user, filters: ReportFilters) -> list[Section]:
    data = selectors.service(user=user, filters=filters)

    def url(**params):
        return customers_url(filters, "complaint", **params)
    keys = ("count", "responded_on_time", "response_decided", "response_rate", "resolved_on_time",
            "resolve_decided", "resolve_rate")
    urgency = [{**r, "label": label_of("urgency", r["key"]), "_links": {k: url(complaint_urgency=r["key"])
                                                                       for k in keys}} for r in data["urgency"]]
    total = {**data["total"], "label": _("Total"), "_links": {k: url(complaint_any=1) for k in keys}}
    causes = [{"label": label_of("cause", r["key"]), "count": r["count"],
               "_links": {"count": url(complaint_cause=r["key"])}} for r in data["causes"]]
    return [
        Section("service-urgency", _("Complaints by urgency and deadline compliance"), "bar",
                [Column("label", _("Urgency"), "text"), Column("count", _("Complaints")),
                 Column("responded_on_time", _("Responded on time")), Column("response_decided", _("Response due")),
                 Column("response_rate", _("Response compliance"), "rate"),
                 Column("resolved_on_time", _("Closed on time")), Column("resolve_decided", _("Resolution due")),
                 Column("resolve_rate", _("Resolution compliance"), "rate")],
                urgency, ["count", "responded_on_time", "resolved_on_time"], total,
                _("Complaints received in the period. Due: answered, or past the deadline.")),
        Section("service-causes", _("Complaints by cause"), "pie",
                [Column("label", _("Cause"), "text"), Column("count", _("Complaints"))],
                causes, ["count"], {"label": _("Total"), "count": data["total"]["count"],
                                    "_links": {"count": url(complaint_any=1)}}),
        *satisfaction(user, filters),
    ]
