"""Admin pages for automation rules: list, builder (no code), dry run, failed actions with retry."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huike.accounts.models import User
from huike.core.errors import FieldErrors
from huike.core.web import domain_errors, redirect

from .. import engine
from ..dryrun import dry_run
from huike.customers.models import Customer

from ..models import ActionRun, ActionStatus, Rule, RuleRun, SuggestionRule
from ..rules import clean_rule, rule_delete, rule_save, rule_set_enabled
from ..suggestions import suggestion_rule_add, suggestion_rule_delete
from . import rule_form


def _admin(request) -> None:
    if not request.user.is_admin:
        raise PermissionDenied(_("Only an admin can manage automation rules."))


@login_required
def rule_list(request):
    _admin(request)
    from huike.notifications.selectors import failed_deliveries

    rules = list(Rule.objects.all())
    for r in rules:  # a handful of rules; each lookup uses the (rule, period) index
        r.last_run = RuleRun.objects.filter(rule=r, finished_at__isnull=False).order_by("-finished_at").first()
    failed = ActionRun.objects.filter(status=ActionStatus.FAILED).select_related("rule", "customer")[:100]
    return render(request, "automation/rules.html", {
        "rules": rules, "failed": failed, "failed_deliveries": failed_deliveries()[:100],
        "keyword_rules": _keyword_rules(), "value_choices": _value_choices()})


def _value_choices() -> list[tuple[str, str]]:
    from huike.customers.models import Intent, Stage

    return ([(f"stage:{v}", f"{Customer._meta.get_field('stage').verbose_name} → {label}") for v, label in Stage.choices]
            + [(f"intent:{v}", f"{Customer._meta.get_field('intent').verbose_name} → {label}")
               for v, label in Intent.choices])


def _keyword_rules():
    labels = dict(_value_choices())
    rows = list(SuggestionRule.objects.all())
    for r in rows:
        r.label = labels.get(f"{r.field}:{r.value}", f"{r.field} → {r.value}")
    return rows


@login_required
@require_POST
@domain_errors
def keyword_rule_add(request):
    _admin(request)
    field, _sep, value = request.POST.get("change", "").partition(":")
    try:
        suggestion_rule_add(actor=request.user, keyword=request.POST.get("keyword", ""), field=field, value=value)
    except FieldErrors as e:
        for msgs in e.errors.values():
            for m in msgs:
                messages.error(request, m)
    return redirect(request, reverse("rules:list") + "#keyword-rules")


@login_required
@require_POST
@domain_errors
def keyword_rule_delete(request, pk: int):
    _admin(request)
    suggestion_rule_delete(actor=request.user, rule=get_object_or_404(SuggestionRule, pk=pk))
    return redirect(request, reverse("rules:list") + "#keyword-rules")


def _form_page(request, rule: Rule | None, data: dict, errors: dict | None = None, status: int = 200):
    return render(request, "automation/rule_form.html", {
        "rule": rule, "data": data, "errors": errors or {}, "users": User.objects.filter(is_active=True),
        **rule_form.rows_for(data)}, status=status)


@login_required
@domain_errors
def rule_edit(request, pk: int | None = None):
    _admin(request)
    rule = get_object_or_404(Rule, pk=pk) if pk else None
    if request.method != "POST":
        data = ({k: getattr(rule, k) for k in ("name", "description", "enabled", "trigger", "schedule",
                                                "conditions", "actions")} if rule else
                {"enabled": True, "trigger": "customer_changed", "schedule": {"kind": "daily", "at": "09:00"},
                 "conditions": [], "actions": []})
        return _form_page(request, rule, data)
    data = rule_form.parse(request.POST)
    try:
        saved = rule_save(actor=request.user, data=data, rule=rule)
    except FieldErrors as e:
        return _form_page(request, rule, data, e.errors, status=400)
    messages.success(request, _("Rule “%(name)s” saved.") % {"name": saved.name})
    return redirect(request, reverse("rules:list"))


@login_required
@require_POST
def rule_dry_run(request):
    """The builder's dry run of what is on the form now (saved or not); writes nothing."""
    _admin(request)
    data = rule_form.parse(request.POST)
    try:
        cleaned = clean_rule(data)
    except FieldErrors as e:
        return render(request, "automation/_dryrun.html", {"errors": e.errors}, status=400)
    return render(request, "automation/_dryrun.html", {"result": dry_run(cleaned), "data": cleaned})


@login_required
@require_POST
@domain_errors
def rule_toggle(request, pk: int):
    _admin(request)
    rule = get_object_or_404(Rule, pk=pk)
    rule_set_enabled(actor=request.user, rule=rule, enabled=not rule.enabled)
    return redirect(request, reverse("rules:list"))


@login_required
@require_POST
@domain_errors
def rule_remove(request, pk: int):
    _admin(request)
    rule = get_object_or_404(Rule, pk=pk)
    rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("Rule deleted."))
    return redirect(request, reverse("rules:list"))


@login_required
@require_POST
@domain_errors
def action_retry(request, pk: int):
    _admin(request)
    engine.retry(actor=request.user, run=get_object_or_404(ActionRun, pk=pk, status=ActionStatus.FAILED))
    messages.success(request, _("The action will be tried again."))
    return redirect(request, reverse("rules:list"))


@login_required
@require_POST
@domain_errors
def delivery_retry(request, pk: int):
    from huike.notifications.models import Delivery, DeliveryStatus
    from huike.notifications.services import delivery_retry as retry

    _admin(request)
    retry(actor=request.user, delivery=get_object_or_404(Delivery, pk=pk, status=DeliveryStatus.FAILED))
    messages.success(request, _("The message will be sent again."))
    return redirect(request, reverse("rules:list"))
