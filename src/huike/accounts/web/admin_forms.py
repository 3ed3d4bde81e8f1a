"""Forms for the admin's team and user pages: they parse input; accounts.services validates and saves."""
from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huike.accounts.models import Role, Team, User
from huike.core.webforms import BootstrapFormMixin


class UserForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(label=_("User name"))
    display_name = forms.CharField(label=_("Display name"), required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False,
                                  empty_label=_("— no team —"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    can_view_contacts = forms.BooleanField(
        label=_("Can view full contact details"), required=False,
        help_text=_("Phone and email of customers this user does not own are shown in full instead of masked."))
    password = forms.CharField(
        label=_("Password"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["password"].help_text = _("Leave empty to keep the current password.")
        else:
            self.fields["password"].help_text = _("The initial password; the user can change it later.")

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("password"):
            data.pop("password", None)
        return data


class TeamForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Team name"))
    manager = forms.ModelChoiceField(
        label=_("Manager"), required=False, empty_label=_("— none —"),
        queryset=User.objects.filter(Q(role__in=[Role.MANAGER, Role.ADMIN]), is_active=True).select_related("team"),
    )

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


def user_initial(user: User) -> dict:
    return {
        "username": user.username, "display_name": user.display_name, "email": user.email,
        "role": user.role, "team": user.team_id, "is_active": user.is_active,
        "can_view_contacts": user.can_view_contacts,
    }


def team_initial(team: Team) -> dict:
    return {"name": team.name, "manager": team.manager_id}
