"""The follow-up form (R-3.1): parses types; the follow-up service validates and saves."""
from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huike.followups.models import FollowUp, Method

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
FIELDS = ["method", "occurred_at", "content", "feedback", "next_action", "next_followup_at", "result"]


def _dt_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format=DATETIME_INPUT)


class FollowUpForm(forms.Form):
    method = forms.ChoiceField(choices=Method.choices, initial=Method.PHONE,
                               widget=forms.Select(attrs={"class": "form-select"}))
    occurred_at = forms.DateTimeField(required=False, input_formats=[DATETIME_INPUT], widget=_dt_widget())
    content = forms.CharField(required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    feedback = forms.CharField(required=False, max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    next_action = forms.CharField(required=False, max_length=1000, widget=forms.TextInput(attrs={"class": "form-control"}))
    next_followup_at = forms.DateTimeField(required=False, input_formats=[DATETIME_INPUT], widget=_dt_widget())
    result = forms.CharField(required=False, max_length=1000, widget=forms.TextInput(attrs={"class": "form-control"}))

    def __init__(self, *args, instance: FollowUp | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {f: getattr(instance, f) for f in FIELDS})
        else:
            kwargs.setdefault("initial", {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)})
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.label = FollowUp._meta.get_field(name).verbose_name
        self.fields["content"].label = _("Content (what was discussed)")

    def service_data(self) -> dict[str, Any]:
        names = FIELDS if self.instance is None else [f for f in FIELDS if f in self.changed_data]
        data = {n: self.cleaned_data[n] for n in names}
        if self.instance is None and not data.get("occurred_at"):
            data.pop("occurred_at", None)  # the service defaults it to now
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    review_comment = forms.CharField(required=False, max_length=2000)
