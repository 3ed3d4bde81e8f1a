"""The ONE place that decides who may see and do what (R-1).

Every page, API endpoint, export and report fetches through these functions.
Out of scope → NotFound (404, no existence leak); in scope but not allowed →
Forbidden (403).
"""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from huike.core.errors import Forbidden, NotFound

from .models import Role, User


def customer_scope(user: User, prefix: str = "", *, live: Q | None = None) -> Q:
    """A Q over Customer (or over a model via `prefix`, e.g. "customer__") limited to what `user` sees.

    `live` replaces the "not in the recycle bin" test when the caller has a cheaper form of it (e.g. an
    anti-join with the few deleted customers, so an admin's scope reads no customer row at all)."""
    if not user or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    live = Q(**{f"{prefix}deleted_at__isnull": True}) if live is None else live
    if user.is_admin:
        return live
    if user.role == Role.MANAGER and user.team_id:
        return live & Q(**{f"{prefix}owner__team_id": user.team_id})
    return live & Q(**{f"{prefix}owner_id": user.pk})


def scoped(user: User, queryset: QuerySet, prefix: str = "") -> QuerySet:
    return queryset.filter(customer_scope(user, prefix))


def get_visible(user: User, queryset: QuerySet, pk, prefix: str = ""):
    """Fetch one record through the user's scope, or raise NotFound."""
    try:
        return scoped(user, queryset, prefix).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def users_visible(user: User) -> QuerySet:
    qs = User.objects.select_related("team")
    if user.is_admin:
        return qs
    if user.role == Role.MANAGER and user.team_id:
        return qs.filter(team_id=user.team_id)
    return qs.filter(pk=user.pk)


# --- actions on a visible customer -------------------------------------------------------

def can_delete(user: User) -> bool:
    """Reps delete nothing (R-1.1); managers within their scope, admins anywhere."""
    return user.is_admin or user.role == Role.MANAGER


def require_delete(user: User) -> None:
    if not can_delete(user):
        raise Forbidden(_("Sales reps cannot delete records."))


def can_assign(user: User) -> bool:
    return user.is_admin or user.role == Role.MANAGER


def require_assign(user: User, new_owner: User) -> None:
    """Managers assign within their team; admins anywhere; reps never."""
    if user.is_admin:
        return
    if user.role == Role.MANAGER and user.team_id and new_owner.team_id == user.team_id:
        return
    if user.role == Role.MANAGER:
        raise Forbidden(_("Managers can only assign customers to members of their own team."))
    raise Forbidden(_("Only a manager or an admin can change a customer's owner."))


def can_review(user: User) -> bool:
    return user.is_admin or user.role == Role.MANAGER


def require_review(user: User) -> None:
    if not can_review(user):
        raise Forbidden(_("Only a manager or an admin can review follow-ups."))


def can_edit_followup(user: User, followup) -> bool:
    """Authors edit their own records until approved; managers and admins any in scope."""
    if user.is_admin or user.role == Role.MANAGER:
        return True
    return followup.author_id == user.pk and followup.review_status != "approved"


def can_manage_classification(user: User) -> bool:
    """Managers and admins run classifications, reclassify a customer and decide value-class changes (R-5)."""
    return user.is_admin or user.role == Role.MANAGER


def require_manage_classification(user: User) -> None:
    if not can_manage_classification(user):
        raise Forbidden(_("Only a manager or an admin can do this."))


def can_merge(user: User) -> bool:
    """Duplicate scans and merges (R-2.3) are a manager's or an admin's tool."""
    return user.is_admin or user.role == Role.MANAGER


def require_merge(user: User) -> None:
    if not can_merge(user):
        raise Forbidden(_("Only a manager or an admin can merge customers."))


def can_see_contacts(user: User, owner_id: int | None) -> bool:
    """R-12.3: a customer's phone and email in full for its owner, admins and users granted the right."""
    return bool(user and user.is_authenticated and (
        user.pk == owner_id or user.is_admin or getattr(user, "can_view_contacts", False)))


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise Forbidden(_("Only an admin can do this."))
