"""Admin pages for users and teams (R-1.1, R-1.3). Every write goes through accounts.services."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huike.accounts import policies, services
from huike.accounts.models import Team, User
from huike.core.errors import FieldErrors
from huike.core.web import domain_errors, form_errors_from

from .admin_forms import TeamForm, UserForm, team_initial, user_initial


def _admin_page(view):
    """Anonymous → login; signed in but not an admin → 403 (the page is an admin's action)."""

    @login_required
    @domain_errors
    def wrapper(request, *args, **kwargs):
        policies.require_admin(request.user)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@_admin_page
def user_list(request):
    users = User.objects.select_related("team").order_by("username")
    return render(request, "accounts/user_list.html", {"users": users})


@_admin_page
@require_http_methods(["GET", "POST"])
def user_create(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, data=form.service_data())
        except FieldErrors as e:
            form_errors_from(form, e.errors)
        else:
            messages.success(request, _("User %(name)s was created.") % {"name": user})
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "editing": None})


@_admin_page
@require_http_methods(["GET", "POST"])
def user_edit(request, pk: int):
    user = get_object_or_404(User.objects.select_related("team"), pk=pk)
    form = UserForm(request.POST or None, initial=user_initial(user), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, data=form.service_data())
        except FieldErrors as e:
            user.refresh_from_db()
            form_errors_from(form, e.errors)
        else:
            messages.success(request, _("User %(name)s was saved.") % {"name": user})
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "editing": user})


@_admin_page
def team_list(request):
    teams = Team.objects.select_related("manager").annotate(member_count=Count("members")).order_by("name")
    return render(request, "accounts/team_list.html", {"teams": teams})


@_admin_page
@require_http_methods(["GET", "POST"])
def team_create(request):
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(actor=request.user, data=form.service_data())
        except FieldErrors as e:
            form_errors_from(form, e.errors)
        else:
            messages.success(request, _("Team %(name)s was created.") % {"name": team})
            return redirect("accounts:teams")
    return render(request, "accounts/team_form.html", {"form": form, "editing": None})


@_admin_page
@require_http_methods(["GET", "POST"])
def team_edit(request, pk: int):
    team = get_object_or_404(Team.objects.select_related("manager"), pk=pk)
    form = TeamForm(request.POST or None, initial=team_initial(team))
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(actor=request.user, team=team, data=form.service_data())
        except FieldErrors as e:
            team.refresh_from_db()
            form_errors_from(form, e.errors)
        else:
            messages.success(request, _("Team %(name)s was saved.") % {"name": team})
            return redirect("accounts:teams")
    members = team.members.order_by("username")
    return render(request, "accounts/team_form.html", {"form": form, "editing": team, "members": members})


@_admin_page
@require_http_methods(["POST"])
def team_delete(request, pk: int):
    team = get_object_or_404(Team, pk=pk)
    try:
        services.team_delete(actor=request.user, team=team)
    except FieldErrors as e:
        for msgs in e.errors.values():
            for m in msgs:
                messages.error(request, m)
        return redirect("accounts:team_edit", pk=pk)
    messages.success(request, _("Team %(name)s was deleted.") % {"name": team})
    return redirect("accounts:teams")
