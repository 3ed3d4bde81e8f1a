"""The page where a signed-in user changes their own password."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from huike.core.errors import FieldErrors
from huike.core.web import form_errors_from

from .services import password_change
from .sessions import remember_session


def _password(label, autocomplete):
    return forms.CharField(label=label, strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": autocomplete, "class": "form-control"}))


class PasswordChangeForm(forms.Form):
    old_password = _password(gettext_lazy("Current password"), "current-password")
    new_password = _password(gettext_lazy("New password"), "new-password")
    new_password_again = _password(gettext_lazy("New password again"), "new-password")

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data


@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(user=request.user, old_password=form.cleaned_data["old_password"],
                            new_password=form.cleaned_data["new_password"], keep_session=request.session.session_key)
        except FieldErrors as e:
            form_errors_from(form, e.errors)
        else:
            update_session_auth_hash(request, request.user)  # keeps this browser in, under a new session key
            remember_session(user=request.user, session_key=request.session.session_key)
            messages.success(request, _("Your password was changed. Other devices have been signed out."))
            return redirect("dashboard")
    status = 400 if request.method == "POST" else 200
    return render(request, "security/password_change.html", {"form": form}, status=status)
