"""Login, logout, the dashboard and the language switch."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from huike.accounts import policies
from huike.accounts.services import user_set_language
from huike.core.errors import FieldErrors
from huike.customers.selectors import customer_base, customer_list, overdue_customers
from huike.followups.models import ReviewStatus
from huike.followups.selectors import followup_list, review_queue
from huike.reports.web.dashboard import dashboard_context

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().language
        if language in dict(settings.LANGUAGES):
            # The user's saved choice wins over whatever the login page was shown in.
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                                samesite="Lax")
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@require_POST
def language(request):
    """Django's set_language, plus remembering the choice on the user for the next login."""
    if request.user.is_authenticated:
        try:
            user_set_language(user=request.user, language=request.POST.get("language", ""))
        except FieldErrors:
            pass  # set_language ignores an unknown language too
    return set_language(request)


def _day_end(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)


@login_required
def dashboard(request):
    user, now = request.user, timezone.now()
    overdue = overdue_customers(user=user, now=now)
    reviewer = policies.can_review(user)
    context = {
        "due_today_count": customer_base(user).filter(next_followup_at__gte=now,
                                                      next_followup_at__lt=_day_end(now)).count(),
        "reviewer": reviewer,
        "pending_count": review_queue(user=user).count() if reviewer else None,
        "returned_count": None if reviewer else followup_list(
            user=user, review_status=ReviewStatus.RETURNED).filter(author=user).count(),
        "overdue_list": list(overdue[:10]),
        "late_list": list(customer_list(user=user, filters={"registered_late": True})[:10]) if reviewer else [],
        "scope_label": _scope_label(user),
    }
    context.update(dashboard_context(user))  # also customer_count, overdue_count: kept counts
    return render(request, "dashboard.html", context)


def _scope_label(user) -> str:
    from django.utils.translation import gettext as _

    if user.is_admin:
        return _("All customers")
    if user.is_manager:
        return _("Team %(team)s") % {"team": user.team or "—"}
    return _("My customers")
