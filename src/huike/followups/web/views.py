"""Follow-up pages: add (from the customer page), edit and resubmit, the review queue, overdue, attachments."""
from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huike.accounts import policies
from huike.core.errors import FieldErrors
from huike.core.web import domain_errors, form_errors_from, paginate, redirect, safe_next
from huike.customers.selectors import customer_get, overdue_customers
from huike.followups import services
from huike.followups.models import Attachment, ReviewStatus
from huike.followups.selectors import followup_get, followup_list, review_queue

from .forms import FollowUpForm


@login_required
@require_POST
@domain_errors
def followup_create_view(request, customer_pk: int):
    customer = customer_get(user=request.user, pk=customer_pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.followup_create(actor=request.user, customer=customer, data=form.service_data(),
                                     files=request.FILES.getlist("attachments"))
        except FieldErrors as e:
            errors = dict(e.errors)
            form.attachment_errors = errors.pop("attachments", [])
            form_errors_from(form, errors)
        else:
            messages.success(request, _("Follow-up added."))
            return redirect(request, reverse("customers:detail", args=[customer.pk]) + "#timeline")
    # Show the customer page again with the form and its errors in place.
    from huike.customers.web.views import render_detail

    return render_detail(request, customer, followup_form=form, status=400)


@login_required
@domain_errors
def followup_edit_view(request, pk: int):
    followup = followup_get(user=request.user, pk=pk)
    if not policies.can_edit_followup(request.user, followup):
        raise PermissionDenied(_("An approved follow-up can only be changed by a manager."))
    form = FollowUpForm(request.POST or None, instance=followup)
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_update(actor=request.user, followup=followup, data=form.service_data())
        except FieldErrors as e:
            form_errors_from(form, e.errors)
        else:
            messages.success(request, _("Follow-up saved."))
            return redirect(request, reverse("customers:detail", args=[followup.customer_id]) + "#timeline")
    status = 400 if form.errors else 200
    return render(request, "followups/edit.html", {"form": form, "followup": followup}, status=status)


@login_required
def review_queue_view(request):
    """Managers and admins: the pending queue of their scope. Reps: their follow-ups returned for correction."""
    user = request.user
    if policies.can_review(user):
        page = paginate(request, review_queue(user=user))
        return render(request, "followups/review.html", {"page": page, "reviewer": True})
    returned = followup_list(user=user, review_status=ReviewStatus.RETURNED).filter(author=user)
    return render(request, "followups/review.html", {"page": paginate(request, returned), "reviewer": False})


@login_required
@require_POST
@domain_errors
def review_action_view(request, pk: int):
    followup = followup_get(user=request.user, pk=pk)
    decision, comment = request.POST.get("decision", ""), request.POST.get("review_comment", "")
    error = ""
    try:
        services.followup_review(actor=request.user, followup=followup, decision=decision, comment=comment)
    except FieldErrors as e:
        error = " ".join(m for msgs in e.errors.values() for m in msgs)
    if request.htmx:
        return render(request, "followups/_review_item.html", {"f": followup, "error": error, "comment": comment})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Follow-up approved.") if decision == "approve" else _("Follow-up returned."))
    return redirect(request, safe_next(request, reverse("followups:review")))


@login_required
@require_POST
@domain_errors
def review_bulk_view(request):
    policies.require_review(request.user)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    approved = 0
    for followup in review_queue(user=request.user).filter(pk__in=ids):
        services.followup_review(actor=request.user, followup=followup, decision="approve")
        approved += 1
    messages.success(request, _("%(n)d follow-ups approved.") % {"n": approved})
    return redirect(request, reverse("followups:review"))


@login_required
def overdue_view(request):
    user = request.user
    rows = list(overdue_customers(user=user)[:1000])
    grouped = policies.can_review(user)
    groups = []
    if grouped:
        rows.sort(key=lambda c: (str(c.owner), c.owner_id, c.next_followup_at))
        groups = [(owner, list(items)) for owner, items in groupby(rows, key=lambda c: c.owner)]
    return render(request, "followups/overdue.html", {"rows": rows, "groups": groups, "grouped": grouped})


@login_required
def attachment_view(request, pk: int):
    """Downloads go through the customer scope: outside it the file does not exist (404)."""
    scoped = policies.scoped(request.user, Attachment.objects.select_related("followup"), "followup__customer__")
    attachment = scoped.filter(pk=pk).first()
    if attachment is None:
        raise Http404()
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404() from None
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)
