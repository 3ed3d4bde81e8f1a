"""Customer writes from pages: create, edit, assign, delete — each through the customer services."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huike.accounts import policies
from huike.accounts.models import User
from huike.core.errors import DuplicateCustomer, FieldErrors, StaleVersion
from huike.core.web import domain_errors, form_errors_from, mark_invalid, redirect
from huike.customers import services
from huike.customers.models import Tag
from huike.customers.selectors import customer_base, customer_get
from huike.customers.validation import clean_customer

from .forms import CustomerForm
from .views import assignable_owners


def _visible_ids(user, ids) -> set[int]:
    return set(customer_base(user).filter(pk__in=list(ids)).values_list("pk", flat=True))


def _similar(user, data: dict, customer=None):
    """Similar-name candidates worth a warning, unless the entry is a plain duplicate (refused anyway).

    Field errors come first: a person fixes the phone before deciding about look-alike names.
    """
    cleaned = clean_customer(data, instance=customer)
    exclude_id = getattr(customer, "pk", None)
    if services.find_duplicates(phone=cleaned.get("phone", ""), email=cleaned.get("email", ""),
                                credit_code=cleaned.get("credit_code", ""), exclude_id=exclude_id):
        return []
    found = services.similar_customers(cleaned.get("name", ""), exclude_id=exclude_id)
    visible = _visible_ids(user, [c.pk for c, _s in found])
    return [{"customer": c, "score": round(s * 100), "visible": c.pk in visible} for c, s in found]


def _render_form(request, form, customer=None, **extra):
    mark_invalid(form)
    tags = list(Tag.objects.order_by("name").values_list("name", flat=True)[:30])
    context = {"form": form, "customer": customer, "tag_suggestions": tags, **extra}
    return render(request, "customers/form.html", context, status=400 if form.errors or extra.get("duplicate") else 200)


def _save(request, form, customer=None):
    """Run the service; returns the saved customer, or None after putting its errors on the form."""
    user = request.user
    data = form.service_data()
    confirmed = request.POST.get("confirm_similar") == "1"
    if not confirmed and (customer is None or "name" in data):
        candidates = _similar(user, data, customer)
        if candidates:
            return None, {"similar": candidates}
    if customer is None:
        owner_id = form.cleaned_data.get("owner")
        owner = User.objects.filter(pk=owner_id, is_active=True).first() if owner_id else None
        return services.customer_create(actor=user, data=data, owner=owner), {}
    return services.customer_update(actor=user, customer=customer, data=data,
                                    expected_version=form.cleaned_data.get("version")), {}


def _form_view(request, customer=None):
    user = request.user
    owners = assignable_owners(user) if customer is None else None
    owners = owners or None
    masked = customer is not None and not policies.can_see_contacts(user, customer.owner_id)
    if request.method != "POST":
        initial = {"owner": user.pk} if owners else None
        return _render_form(request, CustomerForm(owners=owners, instance=customer, initial=initial)
                            if customer is None else CustomerForm(owners=owners, instance=customer, mask_contacts=masked))
    form = CustomerForm(request.POST, owners=owners, instance=customer, mask_contacts=masked)
    if not form.is_valid():
        return _render_form(request, form, customer)
    try:
        saved, extra = _save(request, form, customer)
    except FieldErrors as e:
        form_errors_from(form, e.errors)
        return _render_form(request, form, customer)
    except StaleVersion as e:
        # never a silent overwrite: the editor sees why and reloads the current values
        response = _render_form(request, form, customer, stale=e.message)
        response.status_code = 409
        return response
    except DuplicateCustomer as e:
        visible = _visible_ids(user, e.duplicates)
        return _render_form(request, form, customer, duplicate={"message": e.message, "fields": e.fields,
                                                                 "visible": [pk for pk in e.duplicates if pk in visible]})
    if saved is None:
        return _render_form(request, form, customer, **extra)
    messages.success(request, (_("Customer %(code)s created.") if customer is None else _("Customer %(code)s saved."))
                     % {"code": saved.code})
    return redirect(request, reverse("customers:detail", args=[saved.pk]))


@login_required
@domain_errors
def customer_create_view(request):
    return _form_view(request)


@login_required
@domain_errors
def customer_edit_view(request, pk: int):
    return _form_view(request, customer_get(user=request.user, pk=pk))


@login_required
@require_POST
@domain_errors
def customer_assign_view(request, pk: int):
    customer = customer_get(user=request.user, pk=pk)
    if not policies.can_assign(request.user):
        raise PermissionDenied(_("Only a manager or an admin can change a customer's owner."))
    raw = request.POST.get("owner", "")
    new_owner = User.objects.filter(pk=int(raw), is_active=True).first() if raw.isdigit() else None
    if new_owner is None:
        raise Http404()
    services.customer_assign(actor=request.user, customer=customer, owner=new_owner)
    messages.success(request, _("%(customer)s now belongs to %(owner)s.") % {"customer": customer.name, "owner": new_owner})
    return redirect(request, reverse("customers:detail", args=[customer.pk]))


@login_required
@require_POST
@domain_errors
def customer_delete_view(request, pk: int):
    customer = customer_get(user=request.user, pk=pk)
    services.customer_delete(actor=request.user, customer=customer)
    messages.success(request, _("Customer %(code)s %(name)s deleted.") % {"code": customer.code, "name": customer.name})
    return redirect(request, reverse("customers:list"))
