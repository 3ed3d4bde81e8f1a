"""Page forms for customers: they parse types and render fields; the service validates the business rules."""
from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huike.customers import options
from huike.customers.domain.masking import mask_email, mask_phone
from huike.customers.models import Customer, Intent, Kind, Stage

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
SELECT_OPTIONS = {"industry": "industry", "company_size": "company_size", "customer_type": "customer_type",
                  "source": "source", "lost_reason": "lost_reason"}
SECTIONS = [
    (_("Basic information"), "bi-building", ["name", "kind", "industry", "company_size", "customer_type", "credit_code"]),
    (_("Contact"), "bi-person-lines-fill", ["contact_name", "contact_title", "phone", "email"]),
    (_("Address"), "bi-geo-alt", ["province", "city", "district", "address"]),
    (_("Sales information"), "bi-graph-up-arrow", ["owner", "source", "first_contact_at", "stage", "lost_reason", "intent",
                                                    "expected_close_date", "budget", "purchase_cycle", "demand", "tags",
                                                    "remarks"]),
    (_("Assessment flags"), "bi-flag", ["core_business", "proactive_collaboration", "new_demand"]),
]
WIDE = {"name", "address", "demand", "remarks", "tags"}


def _label(name: str) -> str:
    return Customer._meta.get_field(name).verbose_name


def split_tags(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"[,，;；\n]", text or "") if t.strip()]


class CustomerForm(forms.Form):
    name = forms.CharField(required=False, max_length=400)
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.ENTERPRISE)
    industry = forms.ChoiceField(required=False)
    company_size = forms.ChoiceField(required=False)
    customer_type = forms.ChoiceField(required=False)
    credit_code = forms.CharField(required=False, max_length=40)
    contact_name = forms.CharField(required=False, max_length=200)
    contact_title = forms.CharField(required=False, max_length=200)
    phone = forms.CharField(required=False, max_length=40, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.CharField(required=False, max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    province = forms.CharField(required=False, max_length=60)
    city = forms.CharField(required=False, max_length=60)
    district = forms.CharField(required=False, max_length=60)
    address = forms.CharField(required=False, max_length=400)
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    source = forms.ChoiceField(required=False)
    first_contact_at = forms.DateTimeField(required=False, input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"],
                                           widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT))
    stage = forms.ChoiceField(choices=Stage.choices, initial=Stage.POTENTIAL)
    lost_reason = forms.ChoiceField(required=False)
    intent = forms.ChoiceField(choices=Intent.choices, initial=Intent.MEDIUM)
    expected_close_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    budget = forms.CharField(required=False, max_length=120)
    purchase_cycle = forms.CharField(required=False, max_length=120)
    demand = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    tags = forms.CharField(required=False, max_length=1000,
                           help_text=_("Separate tags with commas, e.g. 高意向, 价格敏感."))
    remarks = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    core_business = forms.BooleanField(required=False)
    proactive_collaboration = forms.BooleanField(required=False)
    new_demand = forms.BooleanField(required=False)
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)  # the one read

    def __init__(self, *args, owners=None, instance: Customer | None = None, mask_contacts: bool = False, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(instance)
        super().__init__(*args, **kwargs)
        if instance is not None and mask_contacts:
            # shown masked and read-only; a disabled field is never posted back, so it never changes
            for name, mask in (("phone", mask_phone), ("email", mask_email)):
                self.initial[name] = mask(getattr(instance, name))
                self.fields[name].disabled = True
        for name, field in self.fields.items():
            field.label = _label(name)
        for name, kind in SELECT_OPTIONS.items():
            current = getattr(instance, name, "") if instance else ""
            choices = options.choices(kind)
            if current and current not in dict(choices):
                choices.append((current, options.label(kind, current)))
            self.fields[name].choices = [("", "—"), *choices]
        if instance is None:
            del self.fields["version"]
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = [(u.pk, f"{u} · {u.get_role_display()}") for u in owners]
        self.fields["stage"].widget.attrs["data-lost-toggle"] = "lost-reason-group"
        self.fields["name"].widget.attrs["autofocus"] = instance is None
        for name, field in self.fields.items():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else (
                "form-select" if isinstance(field, forms.ChoiceField) else "form-control")
            field.widget.attrs.setdefault("class", css)

    def sections(self):
        return [(title, icon, [self[n] for n in names if n in self.fields]) for title, icon, names in SECTIONS]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values the service takes; on edit only what changed (no spurious history)."""
        names = [n for n in self.cleaned_data if n not in ("owner", "version")]
        if self.instance is not None:
            names = [n for n in names if n in self.changed_data]
        data = {n: self.cleaned_data[n] for n in names}
        if "tags" in data:
            data["tags"] = split_tags(data["tags"])
        for name in ("kind", "stage", "intent"):
            if name in data and not data[name]:
                data.pop(name)
        return data


def initial_from(c: Customer) -> dict[str, Any]:
    fields = [f for _t, _i, names in SECTIONS for f in names if f not in ("tags", "owner")]
    initial = {f: getattr(c, f) for f in fields}
    initial["tags"] = ", ".join(t.name for t in c.tags.all())
    initial["owner"] = c.owner_id
    initial["version"] = c.version
    return initial


class AssignForm(forms.Form):
    owner = forms.TypedChoiceField(coerce=int, label=_("New owner"))

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(u.pk, f"{u} · {u.get_role_display()}") for u in owners]
        self.fields["owner"].widget.attrs["class"] = "form-select"
