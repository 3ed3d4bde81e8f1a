"""Report pages: filters within the user's scope, an ECharts chart and its table, csv/xlsx export."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huike.accounts import policies
from huike.accounts.models import Team
from huike.core.errors import FieldErrors

from ..filters import ReportFilters, parse_filters
from . import sections, sections_activity
from .exports import export_response

REPORTS = {  # name → (title, icon, builder, what it answers)
    "distribution": (_("Customer distribution"), "bi-pie-chart", sections.distribution,
                     _("Industry, region, intent, stage, value tier, relationship type")),
    "sales": (_("Sales"), "bi-bar-chart", sections.sales, _("Amount, orders and customers by owner and by month")),
    "growth": (_("Customer growth"), "bi-graph-up", sections.growth, _("New customers per month and source channels")),
    "funnel": (_("Sales funnel"), "bi-funnel", sections.funnel, _("Conversion between stages, days in each stage")),
    "followups": (_("Follow-up efficiency"), "bi-stopwatch", sections_activity.followups,
                  _("Time to first follow-up, overdue follow-ups, high-intent conversion")),
    "health": (_("Customer health"), "bi-heart-pulse", sections_activity.health,
               _("High-value retention, churn rate, churn reasons")),
    "service": (_("Service"), "bi-chat-square-text", sections_activity.service,
                _("Complaints by urgency and cause, deadline compliance, satisfaction")),
}


def default_filters(params) -> dict:
    """Without any period in the address, the last twelve months up to today."""
    data = {k: params.get(k, "") for k in ("period_start", "period_end", "team", "owner")}
    if "period_start" not in params and "period_end" not in params:
        today = timezone.localdate()
        data["period_start"] = (today - dt.timedelta(days=364)).isoformat()
        data["period_end"] = today.isoformat()
    return data


@login_required
def index(request):
    return render(request, "reports/index.html", {"reports": [(k, *v) for k, v in REPORTS.items()]})


@login_required
def report(request, name: str):
    if name not in REPORTS:
        raise Http404
    title, icon, builder, _about = REPORTS[name]
    form = default_filters(request.GET)
    try:
        filters, errors = parse_filters(form), {}
    except FieldErrors as exc:
        filters, errors = ReportFilters(), exc.errors
    extra = {}
    if name == "distribution":
        by = request.GET.get("by", "industry")
        extra["by"] = by if by in sections.DISTRIBUTION_BY else "industry"
    built = builder(request.user, filters, **extra) if not errors else []
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx") and not errors:
        return export_response(user=request.user, report=name, fmt=fmt, sections=built,
                               params={**filters.as_params(), **extra})
    context = {
        "name": name, "title": title, "icon": icon, "sections": built, "form": form, "errors": errors,
        "reports": [(k, v[0], v[1]) for k, v in REPORTS.items()],
        "teams": list(Team.objects.order_by("name")) if request.user.is_admin else [],
        "owners": list(policies.users_visible(request.user).filter(is_active=True).order_by("username"))
        if not request.user.is_rep else [],
        "distribution_by": list(sections.DISTRIBUTION_BY.items()), "extra": extra,
        "charts": [s.chart_data() for s in built],
    }
    return render(request, "reports/report.html", context, status=400 if errors else 200)
