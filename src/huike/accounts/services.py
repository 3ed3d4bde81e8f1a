"""Writes on teams and users: admins only (R-1.1, R-1.3)."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from huike.audit.services import audit_record, diff, snapshot
from huike.core.errors import FieldErrors
from huike.core.security.sessions import end_sessions
from huike.core.validation import unknown_fields

from . import policies
from .models import Role, Team, User

USER_FIELDS = ["username", "display_name", "email", "role", "team", "is_active", "language", "can_view_contacts"]
TEAM_FIELDS = ["name", "manager"]


def _password_errors(password: str, user: User | None) -> list[str]:
    try:
        validate_password(password, user)
    except DjangoValidationError as e:
        return [str(m) for m in e.messages]
    return []


def _clean_user(data: dict[str, Any], instance: User | None) -> dict[str, Any]:
    errors = unknown_fields(data, [*USER_FIELDS, "password"])
    out = dict(data)
    if instance is None or "username" in out:
        username = (out.get("username") or "").strip()
        if not username:
            errors["username"] = [_("Enter a user name.")]
        elif len(username) > 150:
            errors["username"] = [_("At most %(limit)d characters (you entered %(count)d).") % {"limit": 150, "count": len(username)}]
        elif User.objects.filter(username__iexact=username).exclude(pk=getattr(instance, "pk", None)).exists():
            errors["username"] = [_("This user name is taken.")]
        out["username"] = username
    if "role" in out and out["role"] not in Role.values:
        errors["role"] = [_("Choose rep, manager or admin.")]
    if "display_name" in out and len(out["display_name"] or "") > 100:
        errors["display_name"] = [_("At most %(limit)d characters (you entered %(count)d).") % {
            "limit": 100, "count": len(out["display_name"])}]
    if instance is None and not out.get("password"):
        errors["password"] = [_("Enter an initial password.")]
    if out.get("password"):
        if msgs := _password_errors(out["password"], instance):
            errors["password"] = msgs
    role = out.get("role", getattr(instance, "role", Role.REP))
    team = out.get("team", getattr(instance, "team", None))
    if role in (Role.REP, Role.MANAGER) and team is None:
        errors.setdefault("team", []).append(_("Sales reps and managers belong to a team."))
    if errors:
        raise FieldErrors(errors)
    return out


@transaction.atomic
def user_create(*, actor: User, data: dict[str, Any]) -> User:
    policies.require_admin(actor)
    cleaned = _clean_user(data, None)
    password = cleaned.pop("password")
    user = User(**cleaned)
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action="create", obj=user, changes=diff({}, snapshot(user, USER_FIELDS)))
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, data: dict[str, Any]) -> User:
    policies.require_admin(actor)
    cleaned = _clean_user(data, user)
    if user.pk == actor.pk and (cleaned.get("role", user.role) != Role.ADMIN or cleaned.get("is_active") is False):
        raise FieldErrors.single("role", _("You cannot remove your own admin rights or deactivate yourself."))
    before = snapshot(user, USER_FIELDS)
    password = cleaned.pop("password", None)
    for k, v in cleaned.items():
        setattr(user, k, v)
    if password:
        user.set_password(password)
    user.save()
    changes = diff(before, snapshot(user, USER_FIELDS))
    if password or "is_active" in changes:
        # A new password or a deactivation ends every session and the API token at once.
        end_sessions(user=user)
    if password:
        changes["password"] = ["***", "***"]
    if changes:
        audit_record(actor=actor, action="update", obj=user, changes=changes)
    return user


def _clean_team(data: dict[str, Any], instance: Team | None) -> dict[str, Any]:
    errors = unknown_fields(data, TEAM_FIELDS)
    out = dict(data)
    if instance is None or "name" in out:
        name = (out.get("name") or "").strip()
        if not name:
            errors["name"] = [_("Enter the team's name.")]
        elif len(name) > 100:
            errors["name"] = [_("At most %(limit)d characters (you entered %(count)d).") % {"limit": 100, "count": len(name)}]
        elif Team.objects.filter(name=name).exclude(pk=getattr(instance, "pk", None)).exists():
            errors["name"] = [_("A team with this name exists.")]
        out["name"] = name
    manager = out.get("manager")
    if manager is not None and manager.role not in (Role.MANAGER, Role.ADMIN):
        errors["manager"] = [_("The team's manager must have the sales manager role.")]
    if errors:
        raise FieldErrors(errors)
    return out


@transaction.atomic
def team_create(*, actor: User, data: dict[str, Any]) -> Team:
    policies.require_admin(actor)
    team = Team.objects.create(**_clean_team(data, None))
    _sync_manager(team)
    audit_record(actor=actor, action="create", obj=team, changes=diff({}, snapshot(team, TEAM_FIELDS)))
    return team


@transaction.atomic
def team_update(*, actor: User, team: Team, data: dict[str, Any]) -> Team:
    policies.require_admin(actor)
    cleaned = _clean_team(data, team)
    before = snapshot(team, TEAM_FIELDS)
    for k, v in cleaned.items():
        setattr(team, k, v)
    team.save()
    _sync_manager(team)
    changes = diff(before, snapshot(team, TEAM_FIELDS))
    if changes:
        audit_record(actor=actor, action="update", obj=team, changes=changes)
    return team


def _sync_manager(team: Team) -> None:
    """A team's manager is a member of it: scoping follows user.team."""
    if team.manager_id and team.manager.role == Role.MANAGER and team.manager.team_id != team.pk:
        team.manager.team = team
        team.manager.save(update_fields=["team"])


@transaction.atomic
def team_delete(*, actor: User, team: Team) -> None:
    policies.require_admin(actor)
    if team.members.exists():
        raise FieldErrors.single("team", _("Move the team's members to another team first."))
    audit_record(actor=actor, action="delete", obj=team, changes=diff(snapshot(team, TEAM_FIELDS), {}))
    team.delete()


def user_set_language(*, user: User, language: str) -> User:
    """A user's own page language (any role may set it); not audited: a preference, not a record."""
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise FieldErrors.single("language", _("Choose 简体中文 or English."))
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
