"""Notification centre: the user's own notifications, the header badge, channel preferences."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huike.core.errors import FieldErrors
from huike.core.web import domain_errors, form_errors_from, mark_invalid, paginate, redirect

from ..models import ChannelPreference, Notification
from ..selectors import notification_list, unread_count
from ..services import mark_all_read, mark_read, preference_update
from .forms import PreferenceForm


@login_required
def index(request):
    show = request.GET.get("show", "all")
    qs = notification_list(user=request.user, unread_only=show == "unread")
    pref = ChannelPreference.objects.filter(user=request.user).first()
    initial = {k: getattr(pref, k) for k in ("email", "sms", "im", "phone", "im_handle")} if pref else {}
    return render(request, "notifications/index.html", {
        "page": paginate(request, qs), "show": show, "unread": unread_count(request.user),
        "form": PreferenceForm(initial=initial),
    })


@login_required
def badge(request):
    return render(request, "notifications/_badge.html", {"unread": unread_count(request.user)})


@login_required
@require_POST
@domain_errors
def read(request, pk: int):
    # Only the user's own notifications exist for them: anyone else's is a 404.
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    mark_read(actor=request.user, notification=notification)
    if request.POST.get("go") and notification.url and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}):
        return redirect(request, notification.url)
    return redirect(request, reverse("notifications:index"))


@login_required
@require_POST
def read_all(request):
    count = mark_all_read(actor=request.user)
    messages.success(request, _("%(n)s notifications marked read.") % {"n": count})
    return redirect(request, reverse("notifications:index"))


@login_required
@require_POST
def preferences(request):
    form = PreferenceForm(request.POST)
    if form.is_valid():
        try:
            preference_update(actor=request.user, **form.cleaned_data)
        except FieldErrors as e:
            form_errors_from(form, e.errors)
        else:
            messages.success(request, _("Your notification channels were saved."))
            return redirect(request, reverse("notifications:index"))
    mark_invalid(form)
    qs = notification_list(user=request.user)
    return render(request, "notifications/index.html", {
        "page": paginate(request, qs), "show": "all", "unread": unread_count(request.user), "form": form,
    }, status=400)
