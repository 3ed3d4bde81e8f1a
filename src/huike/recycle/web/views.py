"""The recycle bin page (R-12.2): admins list deleted records, restore them or purge them for good."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huike.core.errors import FieldErrors
from huike.core.web import domain_errors, paginate

from .. import selectors, services


@login_required
@domain_errors
@require_GET
def index(request):
    customers = paginate(request, selectors.deleted_customers(user=request.user))
    records = list(selectors.binned_records(user=request.user)[:200])
    names = selectors.customer_names(r.customer_id for r in records if r.customer_id)
    rows = [(r, names.get(r.customer_id, "")) for r in records]
    return render(request, "recycle/index.html", {"customers": customers, "records": rows})


def _act(request, action, pk, done: str):
    try:
        action(actor=request.user, pk=pk)
    except FieldErrors as e:
        messages.error(request, " ".join(m for msgs in e.errors.values() for m in msgs))
    else:
        messages.success(request, done)
    return redirect(reverse("recycle:index"))


@login_required
@require_POST
@domain_errors
def customer_restore(request, pk: int):
    return _act(request, services.customer_restore, pk, _("Customer restored with its records."))


@login_required
@require_POST
@domain_errors
def customer_purge(request, pk: int):
    return _act(request, services.customer_purge, pk, _("Customer deleted permanently."))


@login_required
@require_POST
@domain_errors
def record_restore(request, pk: int):
    return _act(request, services.record_restore, pk, _("Record restored."))


@login_required
@require_POST
@domain_errors
def record_purge(request, pk: int):
    return _act(request, services.record_purge, pk, _("Record deleted permanently."))
