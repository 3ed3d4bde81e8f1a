"""Customer pages: the list (HTMX live search) and the detail page with its timeline."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from huike.accounts import policies
from huike.accounts.models import Role, Team
from huike.core.web import domain_errors, paginate, query_without
from huike.customers import options
from huike.customers.models import Intent, Stage, Tag
from huike.customers.selectors import (REPORT_FILTERS, SORTS, customer_get, customer_list, customer_timeline,
                                       for_rows, normalize_query)
from huike.followups.web.forms import FollowUpForm
from huike.reports.selectors import stage_counts

from .forms import AssignForm
from .rows import customer_rows
from .timeline import present

LIST_FILTERS = ["stage", "intent", "industry", "source", "tag", "value_tier", "value_class", "relationship_type"]
SORT_COLUMNS = ["code", "name", "next_followup", "created"]
# Reached from a report's numbers; kept as hidden fields while the list is refined.
LINK_FILTERS = ["province", "lost_reason", "created_from", "created_to", *REPORT_FILTERS]


def assignable_owners(user):
    """Who a manager (own team) or an admin (everyone) may hand a customer to."""
    if not policies.can_assign(user):
        return []
    return [u for u in policies.users_visible(user).filter(is_active=True)
            if u.role in (Role.REP, Role.MANAGER) or u.pk == user.pk]


def _filters(request) -> dict:
    g = request.GET
    filters = {k: g.get(k) for k in LIST_FILTERS + LINK_FILTERS if g.get(k)}
    for key in ("created_from", "created_to"):
        if key in filters and not _is_date(filters[key]):
            del filters[key]
    if g.get("overdue"):
        filters["overdue"] = True
    if policies.can_assign(request.user):
        for key in ("owner", "team"):
            if g.get(key, "").isdigit():
                filters[key] = int(g[key])
    return filters


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
        return True
    except ValueError:
        return False


@login_required
def customer_list_view(request):
    user = request.user
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else ""
    filters, search = _filters(request), request.GET.get("q", "")
    # the whole book of the user's scope: its size is the kept per-owner counts' sum (no count of every row)
    known = None if filters or normalize_query(search) else sum(r["count"] for r in stage_counts(user=user))
    page = paginate(request, for_rows(customer_list(user=user, filters=filters, search=search, sort=sort)),
                    count=known)
    context = {
        "page": page, "rows": customer_rows(page.object_list, timezone.now(), viewer=request.user),
        "sort": sort, "query_keep": query_without(request, "page"),
        "sort_keep": query_without(request, "page", "sort"),
        "sort_columns": SORT_COLUMNS,
    }
    if request.htmx and request.htmx.target == "customer-results":
        return render(request, "customers/_results.html", context)
    manager_view = policies.can_assign(user)
    context.update({
        "stages": Stage.choices, "intents": Intent.choices,
        "industries": options.choices("industry"), "sources": options.choices("source"),
        "tags": list(Tag.objects.order_by("name").values_list("name", flat=True)[:200]),
        "owners": list(policies.users_visible(user).filter(is_active=True)) if manager_view else [],
        "teams": list(Team.objects.all()) if user.is_admin else [],
        "manager_view": manager_view, "params": request.GET,
        "link_params": [(k, request.GET[k]) for k in LINK_FILTERS if request.GET.get(k)],
    })
    return render(request, "customers/list.html", context)


@login_required
@domain_errors
def customer_detail(request, pk: int):
    return render_detail(request, customer_get(user=request.user, pk=pk))


def render_detail(request, customer, followup_form=None, status: int = 200):
    """The detail page; the follow-up view re-renders it with a bound form when the input was refused."""
    user = request.user
    owners = assignable_owners(user)
    context = {
        "customer": customer,
        "timeline": present(customer_timeline(customer=customer),
                            masked=not policies.can_see_contacts(request.user, customer.owner_id)),
        "followup_form": followup_form or FollowUpForm(),
        "assign_form": AssignForm(owners=owners, initial={"owner": customer.owner_id}) if owners else None,
        "can_delete": policies.can_delete(user),
        "can_assign": policies.can_assign(user),
        "options": {k: options.label(k, getattr(customer, k)) for k in
                    ("industry", "source", "company_size", "customer_type", "lost_reason")},
    }
    return render(request, "customers/detail.html", context, status=status)
