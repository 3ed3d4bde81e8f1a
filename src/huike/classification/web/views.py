"""Classification pages for everyone in scope: overview, transitions, the customer panel's reclassify, approvals."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huike.accounts import policies
from huike.core.errors import FieldErrors
from huike.core.web import domain_errors, paginate, query_without, redirect
from huike.customers.selectors import customer_get
from huike.reports.selectors import distribution

from .. import selectors, services
from ..domain.rfm import RfmModel, describe
from ..domain.rules import CLASS_CODES, RELATIONSHIP_CODES, TIER_CODES
from ..domain.windows import months_before
from ..locks import RunInProgress
from ..evidence import explain, explain_customer, money
from ..models import Run, RunStatus
from ..templatetags.classification_tags import colour_hex, dimension_titles, label

DIMENSIONS = {"value_tier": TIER_CODES, "value_class": CLASS_CODES, "relationship_type": RELATIONSHIP_CODES}
# the seeds expect the tiers to bring about 80 / 15 / 5 % of the revenue.
EXPECTED_SHARE = {"high": 80, "medium": 15, "low": 5}
RECENT_RUNS = 5


def _ordered(dimension: str, values) -> list[str]:
    codes = DIMENSIONS[dimension]
    return sorted(set(values), key=lambda v: (codes.index(v) if v in codes else len(codes), v))


def _distributions(user) -> dict[str, dict]:
    out = {}
    list_url = reverse("customers:list")
    for dimension, title in dimension_titles().items():
        counts = {r["key"]: r["count"] for r in distribution(user=user, by=dimension)}
        total = sum(counts.values())
        rows = [{"key": key, "label": label(dimension, key), "count": counts[key],
                 "pct": round(100 * counts[key] / total, 1) if total else 0,
                 "url": f"{list_url}?{urlencode({dimension: key})}" if key else ""}
                for key in _ordered(dimension, counts)]
        out[dimension] = {"title": title, "rows": rows, "total": total}
    return out


def _revenue(user, as_of: dt.date) -> dict:
    months = services.current_thresholds().tier_window_months
    by_tier = {r["tier"]: r for r in selectors.tier_revenue_share(user=user, as_of=as_of, months=months)}
    empty = {"amount": 0, "customers": 0, "share": 0.0}  # a tier without revenue still shows against its expectation
    rows = [{"key": key, "label": label("value_tier", key), "amount": money(int(r["amount"] * 100)),
             "customers": r["customers"], "pct": round(100 * r["share"], 1), "expected": EXPECTED_SHARE.get(key)}
            for key in _ordered("value_tier", [*by_tier, *EXPECTED_SHARE]) for r in [by_tier.get(key, empty)]]
    if not by_tier:
        rows = []
    return {"rows": rows, "months": months, "as_of": as_of}


def _transition_form(params) -> tuple[dict, dict[str, str]]:
    today = services.today()
    form = {"dimension": params.get("dimension") or "relationship_type",
            "start": params.get("start") or months_before(today, 3).isoformat(),
            "end": params.get("end") or today.isoformat()}
    errors = {}
    if form["dimension"] not in DIMENSIONS:
        errors["dimension"] = _("Choose value tier, value class or relationship type.")
    for name in ("start", "end"):
        try:
            form[f"{name}_date"] = dt.date.fromisoformat(form[name])
        except ValueError:
            errors[name] = _("Enter a date as YYYY-MM-DD.")
    if not errors and form["start_date"] >= form["end_date"]:
        errors["end"] = _("The end date must be after the start date.")
    return form, errors


def _transitions(user, form: dict) -> dict:
    rows = selectors.transitions(user=user, dimension=form["dimension"], start=form["start_date"],
                                 end=form["end_date"])
    counts = {(r["from"], r["to"]): r["count"] for r in rows}
    froms = _ordered(form["dimension"], [r["from"] for r in rows])
    tos = _ordered(form["dimension"], [r["to"] for r in rows])
    base = reverse("classification:transition_customers")
    keep = {k: form[k] for k in ("dimension", "start", "end")}
    matrix = [{"label": label(form["dimension"], f), "cells": [
        {"count": counts.get((f, t), 0), "url": f"{base}?{urlencode({**keep, 'from': f, 'to': t})}"} for t in tos]}
        for f in froms]
    return {"columns": [label(form["dimension"], t) for t in tos], "matrix": matrix,
            "total": sum(counts.values())}


def _segments(user, run: Run | None) -> list[dict]:
    model = RfmModel.from_dict((run.model or {}).get("rfm")) if run else None
    if model is None:
        return []
    counts = {r["key"]: r["count"] for r in distribution(user=user, by="segment")}
    out = []
    for n in range(1, len(model.centres) + 1):
        centre = describe(model, n)
        out.append({"n": n, "count": counts.get(str(n), 0), "text": _(
            "last order about %(days)d days ago, %(orders)s orders a year, %(amount)s a year") % {
            "days": centre["recency_days"], "orders": centre["orders"], "amount": money(centre["amount"] * 100)}})
    return out


@login_required
def overview(request):
    user = request.user
    run = services.latest_run()
    form, errors = _transition_form(request.GET)
    dists = _distributions(user)
    revenue = _revenue(user, run.as_of if run else services.today())
    charts = {dim: [{"name": r["label"], "value": r["count"], "color": colour_hex(dim, r["key"])} for r in d["rows"]]
              for dim, d in dists.items()}
    charts["revenue"] = {"labels": [r["label"] for r in revenue["rows"]],
                         "actual": [r["pct"] for r in revenue["rows"]],
                         "expected": [r["expected"] or 0 for r in revenue["rows"]],
                         "names": [_("Actual share %"), _("Expected share %")]}
    can_manage = policies.can_manage_classification(user)
    shown = request.GET.get("run", "")
    return render(request, "classification/overview.html", {
        "run": run, "dists": dists, "revenue": revenue, "charts": charts,
        "form": form, "errors": errors, "dimensions": dimension_titles(),
        "transitions": None if errors else _transitions(user, form),
        "segments": _segments(user, run), "can_manage": can_manage,
        "runs": list(Run.objects.order_by("-id")[:RECENT_RUNS]) if can_manage else [],
        "shown_run": Run.objects.filter(pk=shown).first() if can_manage and shown.isdigit() else None,
        "today": services.today().isoformat(),
    })


@login_required
@domain_errors
@require_POST
def run_start(request):
    policies.require_manage_classification(request.user)
    raw = request.POST.get("as_of", "")
    error, run = "", None
    try:
        as_of = dt.date.fromisoformat(raw) if raw else None
        run = services.run_create(actor=request.user, as_of=as_of)
    except ValueError:
        error = _("Enter a date as YYYY-MM-DD.")
    except FieldErrors as e:
        error = " ".join(m for msgs in e.errors.values() for m in msgs)
    if request.htmx:  # htmx swaps only 2xx answers: the refusal is in the card
        return render(request, "classification/_run_card.html", {
            "shown_run": run, "run_error": error, "as_of_value": raw, "today": services.today().isoformat()})
    if error:
        messages.error(request, error)
        return redirect(request, reverse("classification:overview"))
    return redirect(request, reverse("classification:overview") + f"?run={run.pk}")


@login_required
@domain_errors
def run_status(request, pk: int):
    policies.require_manage_classification(request.user)
    run = Run.objects.filter(pk=pk).first()
    if run is None:
        raise Http404()
    return render(request, "classification/_run_status.html", {"shown_run": run, "RunStatus": RunStatus})


@login_required
def transition_customers_view(request):
    form, errors = _transition_form(request.GET)
    frm, to = request.GET.get("from", ""), request.GET.get("to", "")
    if not to:
        errors["to"] = _("Choose the class the customers moved to.")
    page = None
    if not errors:
        page = paginate(request, selectors.transition_customers(
            user=request.user, dimension=form["dimension"], start=form["start_date"], end=form["end_date"],
            from_value=frm, to_value=to))
    return render(request, "classification/transition_customers.html", {
        "form": form, "errors": errors, "page": page, "query_keep": query_without(request, "page"),
        "from_label": label(form["dimension"], frm) if not errors else frm,
        "to_label": label(form["dimension"], to) if not errors else to,
        "dimension_title": dimension_titles().get(form["dimension"], ""),
    }, status=400 if errors else 200)


@login_required
@domain_errors
@require_POST
def reclassify(request, pk: int):
    customer = customer_get(user=request.user, pk=pk)  # out of scope → 404 before anything else
    policies.require_manage_classification(request.user)
    try:
        changed = services.classify_customer(customer.pk, wait=False)
    except RunInProgress:
        messages.warning(request, _("A classification run is in progress and will classify this customer too. "
                                    "Reclassify again once it has finished."))
    else:
        messages.success(request, _("Reclassified: the classification changed.") if changed
                         else _("Reclassified: nothing changed."))
    return redirect(request, reverse("customers:detail", args=[customer.pk]) + "#classification-panel")


def _decision(request) -> tuple[list[int], bool | None]:
    for key, approve in (("approve_one", True), ("reject_one", False)):
        if request.POST.get(key, "").isdigit():
            return [int(request.POST[key])], approve
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    decision = request.POST.get("decision")
    return ids, {"approve": True, "reject": False}.get(decision)


@login_required
@domain_errors
def approvals(request):
    user = request.user
    policies.require_manage_classification(user)
    if request.method == "POST":
        ids, approve = _decision(request)
        if not ids or approve is None:
            messages.error(request, _("Select at least one change, then approve or reject."))
        else:
            n = services.change_decide(actor=user, change_ids=ids, approve=approve)
            messages.success(request, (_("%(n)d changes approved.") if approve else _("%(n)d changes rejected."))
                             % {"n": n})
        return redirect(request, reverse("classification:approvals"))
    page = paginate(request, selectors.approval_queue(user=user))
    rows = [{"change": c, "summary": (explain_customer(c.customer).get("value_class") or {}).get("summary", "")}
            for c in page.object_list]
    return render(request, "classification/approvals.html", {"page": page, "rows": rows,
                                                             "query_keep": query_without(request, "page")})
