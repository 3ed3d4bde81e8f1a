"""Choosing the customer a page's form works on (orders, contracts, complaints), always through the user's scope."""
from __future__ import annotations

CUSTOMER_CHOICES_LIMIT = 500


def visible_customer(user, raw_id):
    """The customer named by ?customer= or a posted id: out of scope or junk → NotFound (404, no leak)."""
    from huike.customers.selectors import customer_get

    return customer_get(user=user, pk=str(raw_id).strip())


def customer_choices(user) -> list[tuple[str, str]]:
    """A bounded pick-list of visible customers for forms opened without ?customer=."""
    from huike.customers.selectors import customer_base

    rows = customer_base(user).order_by("name", "id").values_list("pk", "code", "name")[:CUSTOMER_CHOICES_LIMIT]
    return [(str(pk), f"{code} {name}") for pk, code, name in rows]


class BootstrapFormMixin:
    """Gives widgets Bootstrap 5 classes and marks fields with errors, so templates stay one loop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            kind = getattr(widget, "input_type", "")
            css = "form-check-input" if kind in ("checkbox", "radio") else (
                "form-select" if kind == "select" or widget.__class__.__name__.endswith("Select") else "form-control")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        self._mark_invalid()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._mark_invalid()

    def _mark_invalid(self):
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields and "is-invalid" not in self.fields[name].widget.attrs.get("class", ""):
                self.fields[name].widget.attrs["class"] += " is-invalid"


class CustomerPickMixin:
    """A `customer` field: hidden when the page was opened for one customer, else a bounded select.

    The field only carries the id; the view resolves it through visible_customer (404 out of scope).
    """

    def setup_customer(self, user, customer=None) -> None:
        from django import forms
        from django.utils.translation import gettext_lazy as _

        if customer is not None:
            widget = forms.HiddenInput()
            self.initial["customer"] = customer.pk
        else:
            widget = forms.Select(choices=[("", _("— choose a customer —")), *customer_choices(user)],
                                  attrs={"class": "form-select"})
        self.fields["customer"] = forms.CharField(label=_("Customer"), required=False, widget=widget)
