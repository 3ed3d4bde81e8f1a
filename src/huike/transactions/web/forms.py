"""Order and contract forms: they parse types; transactions.services validates (amounts, dates) and saves."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from huike.core.webforms import BootstrapFormMixin, CustomerPickMixin
from huike.transactions.models import RenewalStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def amount_field(label, required=True):
    # No decimal_places / min_value here on purpose: the service owns the amount rule and its message.
    return forms.DecimalField(label=label, required=required,
                              widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))


class OrderForm(BootstrapFormMixin, CustomerPickMixin, forms.Form):
    date = forms.DateField(label=_("Order date"), widget=DateInput())
    amount = amount_field(_("Amount (¥)"))
    product = forms.CharField(label=_("Product/service"))
    category = forms.CharField(label=_("Category"), required=False)
    due_date = forms.DateField(label=_("Invoice due date"), required=False, widget=DateInput())
    paid_date = forms.DateField(label=_("Paid date"), required=False, widget=DateInput())
    paid_amount = amount_field(_("Paid amount (¥)"), required=False)

    FIELDS = ["date", "amount", "product", "category", "due_date", "paid_date", "paid_amount"]

    def service_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in self.FIELDS}


class ContractForm(BootstrapFormMixin, CustomerPickMixin, forms.Form):
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput())
    amount = amount_field(_("Amount (¥)"))
    renewal_status = forms.ChoiceField(label=_("Renewal status"), choices=RenewalStatus.choices,
                                       initial=RenewalStatus.PENDING)
    disputed = forms.BooleanField(label=_("In dispute"), required=False)

    FIELDS = ["start_date", "end_date", "amount", "renewal_status", "disputed"]

    def service_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in self.FIELDS}
