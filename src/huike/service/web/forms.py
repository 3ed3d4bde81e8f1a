"""Complaint forms: they parse types; service.services validates (deadlines, closing rule) and saves."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huike.core.webforms import BootstrapFormMixin, CustomerPickMixin
from huike.service.models import Channel, ComplaintStatus, Urgency


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class ComplaintForm(BootstrapFormMixin, CustomerPickMixin, forms.Form):
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.GENERAL)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    received_at = forms.DateTimeField(label=_("Received at"), initial=_now_minute, widget=DateTimeLocalInput())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    cause = forms.CharField(label=_("Cause category"), required=False)
    negative = forms.BooleanField(label=_("Negative feedback"), required=False, initial=True)

    FIELDS = ["urgency", "channel", "received_at", "description", "cause", "negative"]

    def service_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in self.FIELDS if f in self.fields}


class ComplaintEditForm(ComplaintForm):
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    FIELDS = [*ComplaintForm.FIELDS, "resolution"]


class StatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ComplaintStatus.choices)
    cause = forms.CharField(label=_("Cause category"), required=False)
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


NEXT_STATUS = {
    ComplaintStatus.OPEN: ComplaintStatus.RESPONDED,
    ComplaintStatus.RESPONDED: ComplaintStatus.RESOLVED,
    ComplaintStatus.RESOLVED: ComplaintStatus.CLOSED,
    ComplaintStatus.CLOSED: ComplaintStatus.CLOSED,
}


def status_initial(complaint) -> dict:
    return {"status": NEXT_STATUS[complaint.status], "cause": complaint.cause, "resolution": complaint.resolution}


class SurveyForm(BootstrapFormMixin, forms.Form):
    """A satisfaction survey (回访, R-8.3): ranges and the closed-complaint rule are the service's."""

    score = forms.TypedChoiceField(label=_("Satisfaction (1–5)"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(5, _("5 — very satisfied")), (4, _("4 — satisfied")),
                                            (3, _("3 — neutral")), (2, _("2 — unsatisfied")),
                                            (1, _("1 — very unsatisfied"))])
    nps = forms.IntegerField(label=_("How likely to recommend us (0–10, optional)"), required=False)
    comment = forms.CharField(label=_("What the customer said"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def service_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in ("score", "nps", "comment")}
