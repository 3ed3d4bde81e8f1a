"""The admin's backup page: schedule, retention, the list of backups, "back up now" (R-11.3)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huike.accounts import policies
from huike.core.errors import FieldErrors
from huike.core.web import domain_errors, redirect

from .. import services, tasks
from ..crypto import BackupError, key_from_env
from ..models import Frequency



def _admin(view):
    @login_required
    @domain_errors
    def wrapper(request, *args, **kwargs):
        policies.require_admin(request.user)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _key_ready() -> bool:
    try:
        key_from_env()
    except BackupError:
        return False
    return True


def _int(value: str | None):
    try:
        return int(value or "")
    except ValueError:
        return None  # the service names the field


@_admin
def index(request):
    row = services.schedule_get()
    return render(request, "backups/index.html", {
        "schedule": row,
        "next_run": services.next_run(row),
        "backups": services.backup_list(),
        "frequencies": Frequency.choices,
        "weekdays": [(i, str(day)) for i, day in enumerate(
            [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")])],
        "key_ready": _key_ready(),
    })


@_admin
@require_POST
def schedule(request):
    data = {"frequency": request.POST.get("frequency", ""), "at": request.POST.get("at", ""),
            "weekday": _int(request.POST.get("weekday", "0")), "keep": _int(request.POST.get("keep"))}
    try:
        services.schedule_update(actor=request.user, data=data)
        messages.success(request, _("Backup schedule saved."))
    except FieldErrors as e:
        for field_messages in e.errors.values():
            for message in field_messages:
                messages.error(request, message)
    return redirect(request, reverse("backups:index"))


@_admin
@require_POST
def run(request):
    if not _key_ready():
        messages.error(request, _("Set HUIKE_BACKUP_KEY on the server before taking a backup."))
    else:
        actor_id = request.user.pk
        transaction.on_commit(lambda: tasks.backup_now_task(actor_id))
        messages.success(request, _("The backup has started in the background; it appears in the list when done."))
    return redirect(request, reverse("backups:index"))
