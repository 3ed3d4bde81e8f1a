"""Admin pages of the classification: the thresholds with their what-if, and the strategies (R-5, R-5.7, R-6)."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huike.accounts import policies
from huike.core.errors import FieldErrors
from huike.core.web import domain_errors, form_errors_from, mark_invalid, redirect
from huike.customers.models import RelationshipType, ValueClass

from .. import services
from ..models import Strategy
from ..templatetags.classification_tags import dimension_titles, label
from .forms import StrategyForm, ThresholdsForm
from .views import _ordered


def _admin(view):
    @login_required
    @domain_errors
    def wrapper(request, *args, **kwargs):
        policies.require_admin(request.user)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _rules_page(request, form: ThresholdsForm, status: int = 200):
    return render(request, "classification/rules.html", {
        "form": form, "rule_order": [(r, label("relationship_type", r)) for r in form.rule_order_values()],
        "today": services.today().isoformat(),
    }, status=status)


@_admin
def rules(request):
    if request.method != "POST":
        return _rules_page(request, ThresholdsForm(initial=services.current_thresholds().as_dict()))
    form = ThresholdsForm(request.POST)
    if form.is_valid():
        try:
            services.thresholds_save(actor=request.user, values=form.cleaned_data)
            messages.success(request, _("Thresholds saved; they apply from the next classification run."))
            return redirect(request, reverse("classification:rules"))
        except FieldErrors as e:
            form_errors_from(form, e.errors)
    mark_invalid(form)
    return _rules_page(request, form, status=400)


def _matrices(result: dict) -> list[dict]:
    """The what-if's [from, to, count] triples as one from × to table per dimension, moves highlighted."""
    out = []
    for dimension, triples in result["matrices"].items():
        counts = {(f, t): n for f, t, n in triples}
        froms = _ordered(dimension, [f for f, _t, _n in triples])
        tos = _ordered(dimension, [t for _f, t, _n in triples])
        out.append({"title": dimension_titles()[dimension], "columns": [label(dimension, t) for t in tos],
                    "moved": sum(n for f, t, n in triples if f != t),
                    "rows": [{"label": label(dimension, f), "cells": [
                        {"count": counts.get((f, t), 0), "moved": f != t} for t in tos]} for f in froms]})
    return out


@_admin
@require_POST
def rules_what_if(request):
    """A dry run over all customers with the form's values; nothing is saved (R-5.7)."""
    form = ThresholdsForm(request.POST)
    errors: dict[str, list[str]] = {}
    result = None
    raw = request.POST.get("what_if_as_of", "")
    try:
        as_of = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        as_of, errors["what_if_as_of"] = None, [_("Enter a date as YYYY-MM-DD.")]
    if not form.is_valid():
        errors.update({k: list(v) for k, v in form.errors.items()})
    if not errors:
        try:
            result = services.what_if(actor=request.user, values=form.cleaned_data, as_of=as_of)
        except FieldErrors as e:
            errors = e.errors
    labels = {name: str(form.fields[name].label) for name in form.fields}
    labels["what_if_as_of"] = _("As of")
    return render(request, "classification/_what_if.html", {
        "result": result, "matrices": _matrices(result) if result else [],
        "errors": [(labels.get(k, k), m) for k, msgs in errors.items() for m in msgs],
    }, status=400 if errors and not request.htmx else 200)  # htmx swaps only 2xx answers


STRATEGY_ORDER = [("relationship_type", RelationshipType), ("value_class", ValueClass)]


def _strategies_page(request, bound: dict[int, StrategyForm] | None = None, status: int = 200):
    bound = bound or {}
    rows = {(s.dimension, s.value): s for s in Strategy.objects.all()}
    editable = request.user.is_admin
    sections = []
    for dimension, choices in STRATEGY_ORDER:
        items = []
        for value in [v for v in choices.values if (dimension, v) in rows]:
            s = rows[(dimension, value)]
            form = bound.get(s.pk) or (StrategyForm(initial={
                "service_level": s.service_level, "owner_role": s.owner_role,
                "contact_frequency": s.contact_frequency, "core_actions": s.core_actions,
                "task_due_days": s.task_due_days, "active": s.active}) if editable else None)
            items.append({"strategy": s, "label": label(dimension, value), "form": form})
        sections.append({"title": dimension_titles()[dimension], "items": items})
    return render(request, "classification/strategies.html", {"sections": sections, "editable": editable},
                  status=status)


@login_required
def strategies(request):
    """Everyone reads the strategies (they say what to do with a class); only admins edit them."""
    return _strategies_page(request)


@_admin
@require_POST
def strategy_edit(request, pk: int):
    strategy = get_object_or_404(Strategy, pk=pk)
    form = StrategyForm(request.POST)
    if form.is_valid():
        try:
            services.strategy_update(actor=request.user, strategy=strategy, data=form.cleaned_data)
            messages.success(request, _("Strategy saved: %(name)s") % {
                "name": label(strategy.dimension, strategy.value)})
            return redirect(request, reverse("classification:strategies") + f"#strategy-{strategy.pk}")
        except FieldErrors as e:
            form_errors_from(form, e.errors)
    mark_invalid(form)
    return _strategies_page(request, {strategy.pk: form}, status=400)

