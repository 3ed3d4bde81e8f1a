"""Order and contract pages (R-4): lists scoped by role, forms for a visible customer, deletes for managers/admins."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from huike.accounts import policies
from huike.core.errors import FieldErrors
from huike.core.web import domain_errors, form_errors_from, paginate, query_without, redirect, safe_next
from huike.core.webforms import visible_customer
from huike.transactions import selectors, services
from huike.transactions.models import Contract, Order

from .forms import ContractForm, OrderForm


@dataclass(frozen=True)
class Kind:
    """What differs between the order pages and the contract pages."""

    name: str
    model: type
    form: type
    lister: Callable
    create: Callable
    update: Callable
    delete: Callable
    list_url: str
    title_new: str
    title_edit: str
    saved: str
    deleted: str


ORDERS = Kind(
    "order", Order, OrderForm, selectors.order_list,
    lambda actor, customer, data: services.order_create(actor=actor, customer=customer, data=data),
    lambda actor, obj, data: services.order_update(actor=actor, order=obj, data=data),
    lambda actor, obj: services.order_delete(actor=actor, order=obj),
    "transactions:orders", gettext_lazy("New order"), gettext_lazy("Edit order"),
    gettext_lazy("The order was saved."), gettext_lazy("The order was deleted."),
)
CONTRACTS = Kind(
    "contract", Contract, ContractForm, selectors.contract_list,
    lambda actor, customer, data: services.contract_create(actor=actor, customer=customer, data=data),
    lambda actor, obj, data: services.contract_update(actor=actor, contract=obj, data=data),
    lambda actor, obj: services.contract_delete(actor=actor, contract=obj),
    "transactions:contracts", gettext_lazy("New contract"), gettext_lazy("Edit contract"),
    gettext_lazy("The contract was saved."), gettext_lazy("The contract was deleted."),
)


def _list(request, kind: Kind, template: str):
    customer = visible_customer(request.user, request.GET["customer"]) if request.GET.get("customer") else None
    page = paginate(request, kind.lister(user=request.user, customer_id=customer.pk if customer else None))
    return render(request, template, {
        "page": page, "rows": page.object_list, "customer": customer, "today": timezone.localdate(),
        "can_delete": policies.can_delete(request.user), "query": query_without(request, "page"),
    })


def _get(request, kind: Kind, pk):
    return policies.get_visible(request.user, kind.model.objects.select_related("customer"), pk, "customer__")


def _form_page(request, kind: Kind, form, customer, obj=None):
    return render(request, "transactions/form.html", {
        "form": form, "customer": customer, "object": obj, "kind": kind.name,
        "title": kind.title_edit if obj else kind.title_new,
        "cancel_url": reverse(kind.list_url), "can_delete": obj is not None and policies.can_delete(request.user),
    })


def _create(request, kind: Kind):
    raw = request.POST.get("customer") if request.method == "POST" else request.GET.get("customer")
    customer = visible_customer(request.user, raw) if raw else None
    form = kind.form(request.POST or None)
    form.setup_customer(request.user, customer if request.GET.get("customer") else None)
    if request.method == "POST" and form.is_valid():
        if customer is None:
            form.add_error("customer", _("Choose a customer."))
        else:
            try:
                kind.create(request.user, customer, form.service_data())
            except FieldErrors as e:
                form_errors_from(form, e.errors)
            else:
                messages.success(request, str(kind.saved))
                return redirect(request, safe_next(request, reverse(kind.list_url)))
    return _form_page(request, kind, form, customer)


def _edit(request, kind: Kind, pk):
    obj = _get(request, kind, pk)
    initial = {f: getattr(obj, f) for f in kind.form.FIELDS}
    form = kind.form(request.POST or None, initial=initial)
    form.setup_customer(request.user, obj.customer)
    if request.method == "POST" and form.is_valid():
        try:
            kind.update(request.user, obj, form.service_data())
        except FieldErrors as e:
            form_errors_from(form, e.errors)
        else:
            messages.success(request, str(kind.saved))
            return redirect(request, safe_next(request, reverse(kind.list_url)))
    return _form_page(request, kind, form, obj.customer, obj)


def _delete(request, kind: Kind, pk):
    obj = _get(request, kind, pk)
    kind.delete(request.user, obj)
    messages.success(request, str(kind.deleted))
    return redirect(request, safe_next(request, reverse(kind.list_url)))


def _page(handler, methods=("GET", "POST")):
    return login_required(domain_errors(require_http_methods(list(methods))(handler)))


order_list = _page(lambda request: _list(request, ORDERS, "transactions/order_list.html"), ["GET"])
order_create = _page(lambda request: _create(request, ORDERS))
order_edit = _page(lambda request, pk: _edit(request, ORDERS, pk))
order_delete = login_required(domain_errors(require_POST(lambda request, pk: _delete(request, ORDERS, pk))))
contract_list = _page(lambda request: _list(request, CONTRACTS, "transactions/contract_list.html"), ["GET"])
contract_create = _page(lambda request: _create(request, CONTRACTS))
contract_edit = _page(lambda request, pk: _edit(request, CONTRACTS, pk))
contract_delete = login_required(domain_errors(require_POST(lambda request, pk: _delete(request, CONTRACTS, pk))))
