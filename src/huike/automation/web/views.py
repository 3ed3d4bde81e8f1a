"""The user's own reminders: open ones by due time, mark done."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huike.core.web import domain_errors, paginate, redirect

from ..models import Reminder
from ..selectors import reminder_list
from ..services import reminder_done


@login_required
def reminders(request):
    show = request.GET.get("show", "open")
    qs = reminder_list(user=request.user, status="" if show == "all" else "open")
    return render(request, "automation/reminders.html", {
        "page": paginate(request, qs), "show": show, "now": timezone.now(),
    })


@login_required
@require_POST
@domain_errors
def reminder_complete(request, pk: int):
    # Only the user's own reminders exist for them: anyone else's is a 404, not a 403.
    reminder = get_object_or_404(Reminder, pk=pk, user=request.user)
    reminder_done(actor=request.user, reminder=reminder)
    messages.success(request, _("Marked as done."))
    return redirect(request, reverse("automation:reminders"))
