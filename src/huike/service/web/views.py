"""Complaint pages (R-8.1): a role-scoped list, registration for a visible customer, status moves on the detail."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huike.accounts import policies
from huike.core.errors import FieldErrors
from huike.core.web import domain_errors, form_errors_from, paginate, query_without, redirect
from huike.core.webforms import visible_customer
from huike.service import selectors, services
from huike.service.models import Complaint, ComplaintStatus, SatisfactionSurvey, Urgency

from .forms import ComplaintEditForm, ComplaintForm, StatusForm, SurveyForm, status_initial


def _get(request, pk) -> Complaint:
    qs = Complaint.objects.select_related("customer", "customer__owner", "registered_by")
    return policies.get_visible(request.user, qs, pk, "customer__")


def _choice(value: str, allowed) -> str:
    return value if value in allowed else ""


@login_required
@domain_errors
@require_http_methods(["GET"])
def complaint_list(request):
    status = _choice(request.GET.get("status", ""), ComplaintStatus.values)
    urgency = _choice(request.GET.get("urgency", ""), Urgency.values)
    customer = visible_customer(request.user, request.GET["customer"]) if request.GET.get("customer") else None
    qs = selectors.complaint_list(user=request.user, customer_id=customer.pk if customer else None,
                                  status=status, urgency=urgency)
    page = paginate(request, qs)
    return render(request, "service/complaint_list.html", {
        "page": page, "rows": page.object_list, "now": timezone.now(), "customer": customer,
        "status": status, "urgency": urgency, "statuses": ComplaintStatus.choices, "urgencies": Urgency.choices,
        "query": query_without(request, "page"),
    })


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def complaint_create(request):
    raw = request.POST.get("customer") if request.method == "POST" else request.GET.get("customer")
    customer = visible_customer(request.user, raw) if raw else None
    form = ComplaintForm(request.POST or None)
    form.setup_customer(request.user, customer if request.GET.get("customer") else None)
    if request.method == "POST" and form.is_valid():
        if customer is None:
            form.add_error("customer", _("Choose a customer."))
        else:
            try:
                complaint = services.complaint_create(actor=request.user, customer=customer, data=form.service_data())
            except FieldErrors as e:
                form_errors_from(form, e.errors)
            else:
                messages.success(request, _("The complaint was registered."))
                return redirect(request, reverse("service:detail", args=[complaint.pk]))
    return render(request, "service/complaint_form.html", {"form": form, "customer": customer, "object": None})


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def complaint_edit(request, pk: int):
    complaint = _get(request, pk)
    initial = {f: getattr(complaint, f) for f in ComplaintEditForm.FIELDS}
    form = ComplaintEditForm(request.POST or None, initial=initial)
    form.setup_customer(request.user, complaint.customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_update(actor=request.user, complaint=complaint, data=form.service_data())
        except FieldErrors as e:
            form_errors_from(form, e.errors)
        else:
            messages.success(request, _("The complaint was saved."))
            return redirect(request, reverse("service:detail", args=[complaint.pk]))
    return render(request, "service/complaint_form.html",
                  {"form": form, "customer": complaint.customer, "object": complaint})


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def complaint_detail(request, pk: int):
    """The detail page; its form moves the status (closing needs a resolution — the service says so)."""
    complaint = _get(request, pk)
    form = StatusForm(request.POST or None, initial=status_initial(complaint))
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_update(actor=request.user, complaint=complaint, data=form.service_data())
        except FieldErrors as e:
            complaint = _get(request, pk)
            form_errors_from(form, e.errors)
        else:
            messages.success(request, _("The complaint's status is now: %(status)s.") % {
                "status": complaint.get_status_display()})
            return redirect(request, reverse("service:detail", args=[complaint.pk]))
    return render(request, "service/complaint_detail.html", {
        "complaint": complaint, "form": form, "now": timezone.now(),
        "can_delete": policies.can_delete(request.user),
        "surveys": SatisfactionSurvey.objects.filter(complaint=complaint).select_related("created_by"),
    })


@login_required
@domain_errors
@require_POST
def complaint_delete(request, pk: int):
    complaint = _get(request, pk)
    services.complaint_delete(actor=request.user, complaint=complaint)
    messages.success(request, _("The complaint was deleted."))
    return redirect(request, reverse("service:list"))


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def survey_create(request):
    """A satisfaction survey (回访) on a visible customer, optionally for one of its closed complaints."""
    params = request.POST if request.method == "POST" else request.GET
    customer = visible_customer(request.user, params.get("customer", ""))
    complaint = _get(request, params["complaint"]) if params.get("complaint") else None
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_create(actor=request.user, customer=customer, complaint=complaint,
                                   data=form.service_data())
        except FieldErrors as e:
            form_errors_from(form, e.errors)
        else:
            messages.success(request, _("The satisfaction survey was recorded."))
            target = reverse("service:detail", args=[complaint.pk]) if complaint else \
                reverse("customers:detail", args=[customer.pk])
            return redirect(request, target)
    return render(request, "service/survey_form.html", {"form": form, "customer": customer, "complaint": complaint})
