"""Forms of the classification admin pages: every threshold (grouped) and a strategy."""
from __future__ import annotations

from dataclasses import fields

from django import forms
from django.utils.translation import gettext_lazy as _

from huike.customers.models import RelationshipType

from ..domain.thresholds import RELATIONSHIP_RULES, Thresholds

# (group title, [(field, label)]) — every field of Thresholds except rule_order appears exactly once.
GROUPS = [
    (_("Value tier (Pareto)"), [
        ("tier_window_months", _("Ranked by order amount over (months)")),
        ("tier_high_pct", _("High value: share of customers at the top (%)")),
        ("tier_medium_pct", _("Medium value: share of customers next (%)")),
        ("tier_low_pct", _("Low value: share of customers last (%)")),
    ]),
    (_("Value class"), [
        ("class_window_months", _("Annual amount over (months)")),
        ("class_strategic_min", _("Strategic customer from (¥)")),
        ("class_key_min", _("Key customer from (¥)")),
        ("class_approval", _("A later change waits for a manager's approval")),
    ]),
    (_("Relationship type: every rule"), [
        ("annual_window_months", _("Amounts, orders and complaints counted over (months)")),
    ]),
    (RelationshipType.CHURN_RISK.label, [
        ("churn_drop_window_months", _("Compare the last … months with the months before")),
        ("churn_drop_pct", _("Amount fell by at least (%)")),
        ("churn_nonrenewed_contracts", _("Ended contracts not renewed in a row")),
        ("churn_complaints", _("Complaints at least")),
    ]),
    (RelationshipType.STRATEGIC.label, [
        ("strategic_min", _("Amount from (¥)")),
        ("strategic_coop_years", _("Cooperation at least (years)")),
    ]),
    (RelationshipType.POTENTIAL.label, [
        ("potential_min", _("Amount from (¥)")),
        ("potential_max", _("Amount below (¥)")),
        ("growth_window_months", _("Order growth compares the last … months")),
        ("potential_growth_pct", _("Orders grew by at least (%)")),
    ]),
    (RelationshipType.STABLE.label, [
        ("stable_min", _("Amount from (¥)")),
        ("stable_max", _("Amount below (¥)")),
        ("stable_orders_per_month_min", _("Orders a month from")),
        ("stable_orders_per_month_max", _("Orders a month up to")),
    ]),
    (RelationshipType.LOW_FREQUENCY.label, [
        ("low_max", _("Amount below (¥)")),
        ("low_gap_months", _("No order for at least (months)")),
    ]),
    (_("RFM segments"), [
        ("segments_k", _("Number of segments (0 = chosen automatically)")),
    ]),
]
NUMBER_FIELDS = [f.name for f in fields(Thresholds) if f.name not in ("rule_order", "class_approval")]


class ThresholdsForm(forms.Form):
    rule_order = forms.MultipleChoiceField(choices=[(r, r) for r in RELATIONSHIP_RULES],
                                           widget=forms.MultipleHiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {name: text for _title, entries in GROUPS for name, text in entries}
        for name in NUMBER_FIELDS:
            self.fields[name] = forms.IntegerField(label=labels[name], widget=forms.NumberInput(
                attrs={"class": "form-control form-control-sm", "step": 1}))
        self.fields["class_approval"] = forms.BooleanField(
            label=labels["class_approval"], required=False,
            widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}))

    def groups(self):
        return [(title, [self[name] for name, _label in entries]) for title, entries in GROUPS]

    def rule_order_values(self) -> list[str]:
        """The order to show: as submitted (even when refused) or as in force."""
        if self.is_bound:
            submitted = [r for r in self.data.getlist("rule_order") if r in RELATIONSHIP_RULES]
            return submitted + [r for r in RELATIONSHIP_RULES if r not in submitted]
        return list(self.initial.get("rule_order") or RELATIONSHIP_RULES)


class StrategyForm(forms.Form):
    service_level = forms.CharField(label=_("service level"), max_length=200)
    owner_role = forms.CharField(label=_("who owns it"), max_length=200)
    contact_frequency = forms.CharField(label=_("contact frequency"), max_length=200)
    core_actions = forms.CharField(label=_("core actions"), help_text=_("One task per line; each becomes a reminder."),
                                   widget=forms.Textarea(attrs={"rows": 4}))
    task_due_days = forms.IntegerField(label=_("tasks due within (days)"))
    active = forms.BooleanField(label=_("active"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-check-input" if name == "active" else "form-control form-control-sm"
            field.widget.attrs["class"] = css
