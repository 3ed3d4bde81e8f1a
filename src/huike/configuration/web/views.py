"""Admin pages for the settings rows: choice lists, cadence rules, complaint deadlines."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huike.accounts import policies
from huike.core.errors import FieldErrors
from huike.core.web import domain_errors, redirect
from huike.customers.models import Option, OptionKind
from huike.followups.domain.cadence import KINDS
from huike.followups.models import CadenceRuleRow
from huike.service.models import ComplaintDeadline

from ..services import cadence_rule_update, deadline_update, option_save


def _admin(view):
    @login_required
    @domain_errors
    def wrapper(request, *args, **kwargs):
        policies.require_admin(request.user)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _int(value: str | None):
    try:
        return int(value or "")
    except ValueError:
        return value  # the service names the field


def _report(request, errors: FieldErrors) -> None:
    for field, msgs in errors.errors.items():
        for m in msgs:
            messages.error(request, f"{field}: {m}" if field not in ("__all__",) else m)


@_admin
def index(request):
    lists = []
    by_kind: dict[str, list[Option]] = {}
    for o in Option.objects.order_by("kind", "position", "key"):
        by_kind.setdefault(o.kind, []).append(o)
    for kind, label in OptionKind.choices:
        lists.append({"kind": kind, "label": label, "entries": by_kind.get(kind, [])})
    return render(request, "configuration/index.html", {
        "lists": lists,
        "rules": CadenceRuleRow.objects.all(),
        "kinds": KINDS,
        "deadlines": ComplaintDeadline.objects.all(),
        "tab": request.GET.get("tab", "lists"),
    })


def _save(request, tab: str, success: str, write) -> HttpResponse:
    """Run one settings write; its field errors become messages. Back to the tab either way."""
    try:
        write()
        messages.success(request, success)
    except FieldErrors as e:
        _report(request, e)
    return redirect(request, reverse("configuration:index") + f"?tab={tab}")


@_admin
@require_POST
def option_add(request):
    data = {k: request.POST.get(k, "") for k in ("kind", "key", "label_zh", "label_en")}
    data["position"] = _int(request.POST.get("position") or "99")
    return _save(request, "lists", _("List entry added."), lambda: option_save(actor=request.user, data=data))


@_admin
@require_POST
def option_edit(request, pk: int):
    option = get_object_or_404(Option, pk=pk)
    data = {"label_zh": request.POST.get("label_zh", ""), "label_en": request.POST.get("label_en", ""),
            "position": _int(request.POST.get("position")), "active": request.POST.get("active") == "on"}
    return _save(request, "lists", _("List entry saved."),
                 lambda: option_save(actor=request.user, option=option, data=data))


@_admin
@require_POST
def cadence_edit(request, pk: int):
    rule = get_object_or_404(CadenceRuleRow, pk=pk)
    data = {"kind": request.POST.get("kind", ""), "n": _int(request.POST.get("n")),
            "label": request.POST.get("label", ""), "active": request.POST.get("active") == "on"}
    return _save(request, "cadence",
                 _("Cadence rule saved; every customer's next follow-up time is being recomputed in the background."),
                 lambda: cadence_rule_update(actor=request.user, rule=rule, data=data))


@_admin
@require_POST
def deadline_edit(request, pk: int):
    row = get_object_or_404(ComplaintDeadline, pk=pk)
    data = {"response_hours": _int(request.POST.get("response_hours")),
            "resolve_hours": _int(request.POST.get("resolve_hours"))}
    return _save(request, "deadlines", _("Deadlines saved; they apply to complaints registered from now on."),
                 lambda: deadline_update(actor=request.user, row=row, data=data))
