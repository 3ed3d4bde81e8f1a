"""The user's own reminders (overdue / today / upcoming, snooze, done), suggestions, calendar and feed."""
from __future__ import annotations

import calendar as cal
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huike.customers.models import Intent, Stage
from huike.core.web import domain_errors, paginate, redirect

from ..calendar import entries, ical, token_for, token_regenerate
from ..models import CalendarToken, Reminder, Suggestion, SuggestionStatus
from ..selectors import reminder_list
from ..services import reminder_done, reminder_snooze
from ..suggestions import suggestion_decide


@login_required
def reminders(request):
    show = request.GET.get("show", "open")
    now = timezone.localtime()
    today_end = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    today_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    qs = reminder_list(user=request.user, status="" if show == "all" else "open")
    page = paginate(request, qs)
    for r in page:
        r.group = ("done" if r.status == "done" else "overdue" if r.due_at < today_start
                   else "today" if r.due_at < today_end else "upcoming")
    suggestions = list(Suggestion.objects.filter(user=request.user, status=SuggestionStatus.PENDING)
                       .select_related("customer")[:50])
    labels = {"stage": dict(Stage.choices), "intent": dict(Intent.choices)}
    for s in suggestions:
        s.value_label = labels.get(s.field, {}).get(s.value, s.value)
    return render(request, "automation/reminders.html", {
        "page": page, "show": show, "now": timezone.now(), "suggestions": suggestions})


@login_required
@require_POST
@domain_errors
def reminder_complete(request, pk: int):
    # Only the user's own reminders exist for them: anyone else's is a 404, not a 403.
    reminder = get_object_or_404(Reminder, pk=pk, user=request.user)
    reminder_done(actor=request.user, reminder=reminder)
    messages.success(request, _("Marked as done."))
    return redirect(request, reverse("automation:reminders"))


SNOOZE = {"1h": dt.timedelta(hours=1), "1d": dt.timedelta(days=1), "1w": dt.timedelta(days=7)}


@login_required
@require_POST
@domain_errors
def reminder_snooze_view(request, pk: int):
    reminder = get_object_or_404(Reminder, pk=pk, user=request.user)
    delta = SNOOZE.get(request.POST.get("for", ""), SNOOZE["1d"])
    # Snoozing by a day or a week lands at 09:00 local time, the start of a working day.
    until = timezone.localtime() + delta
    if delta >= dt.timedelta(days=1):
        until = until.replace(hour=9, minute=0, second=0, microsecond=0)
    reminder_snooze(actor=request.user, reminder=reminder, until=until)
    messages.success(request, _("Snoozed until %(when)s.") % {"when": f"{until:%Y-%m-%d %H:%M}"})
    return redirect(request, reverse("automation:reminders"))


@login_required
@require_POST
@domain_errors
def suggestion_view(request, pk: int):
    suggestion = get_object_or_404(Suggestion, pk=pk, user=request.user)
    confirm = request.POST.get("decision") == "confirm"
    suggestion_decide(actor=request.user, suggestion=suggestion, confirm=confirm)
    messages.success(request, _("Change applied.") if confirm else _("Suggestion dismissed."))
    return redirect(request, reverse("automation:reminders") + "#suggestions")


def _range(view: str, anchor: dt.date) -> tuple[dt.date, dt.date]:
    if view == "week":
        start = anchor - dt.timedelta(days=anchor.weekday())
        return start, start + dt.timedelta(days=7)
    first = anchor.replace(day=1)
    start = first - dt.timedelta(days=first.weekday())
    last = anchor.replace(day=cal.monthrange(anchor.year, anchor.month)[1])
    return start, last + dt.timedelta(days=7 - last.weekday())


@login_required
def calendar_view(request):
    view = "week" if request.GET.get("view") == "week" else "month"
    try:
        anchor = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = timezone.localdate()
    start, end = _range(view, anchor)
    tz = timezone.get_current_timezone()
    found = entries(request.user, dt.datetime.combine(start, dt.time(0), tzinfo=tz),
                    dt.datetime.combine(end, dt.time(0), tzinfo=tz))
    by_day: dict[dt.date, list] = {}
    for e in found:
        by_day.setdefault(timezone.localtime(e.at).date(), []).append(e)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days)]
    weeks = [[(d, by_day.get(d, [])) for d in days[i:i + 7]] for i in range(0, len(days), 7)]
    step = dt.timedelta(days=7) if view == "week" else None
    prev_date = anchor - step if step else (anchor.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    next_date = anchor + step if step else (anchor.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    feed = request.build_absolute_uri(reverse("automation:ical", args=[token_for(request.user).token]))
    return render(request, "automation/calendar.html", {
        "view": view, "anchor": anchor, "weeks": weeks, "today": timezone.localdate(), "feed_url": feed,
        "prev_date": prev_date, "next_date": next_date, "count": len(found)})


@login_required
@require_POST
def calendar_token_reset(request):
    token_regenerate(actor=request.user)
    messages.success(request, _("A new calendar link was made; the old one no longer works."))
    return redirect(request, reverse("automation:calendar"))


def ical_feed(request, token: str):
    """No login: phone calendars cannot log in, so the secret token in the URL is the credential."""
    found = CalendarToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if found is None:
        raise Http404()
    body = ical(found.user, request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="huike.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
