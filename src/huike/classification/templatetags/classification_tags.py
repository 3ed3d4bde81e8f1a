"""Labels, badges and evidence for the classification pages and the customer panel."""
from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from huike.customers.models import RelationshipType, ValueClass, ValueTier

register = template.Library()

CHOICES = {"value_tier": ValueTier, "value_class": ValueClass, "relationship_type": RelationshipType}
COLOURS = {
    "value_tier": {"high": "success", "medium": "primary", "low": "secondary"},
    "value_class": {"strategic": "success", "key": "primary", "normal": "secondary"},
    "relationship_type": {"churn_risk": "danger", "strategic": "success", "potential": "primary",
                          "stable": "info", "low_frequency": "secondary", "unclassified": "light"},
}
# the badge colours as hex, so a chart's slices match the badges in the table beside it (its legend)
HEX = {"success": "#198754", "primary": "#4f46e5", "secondary": "#6c757d", "info": "#0dcaf0", "danger": "#dc3545",
       "light": "#ced4da"}


def colour_hex(dimension: str, value: str) -> str:
    return HEX[COLOURS.get(dimension, {}).get(value, "light")]


def label(dimension: str, value: str | None) -> str:
    """A stored code in words (高价值 / High value); empty codes read as "not classified"."""
    if not value:
        return _("not classified")
    choices = CHOICES.get(dimension)
    return str(choices(value).label) if choices and value in choices.values else value


@register.filter
def class_label(value: str, dimension: str) -> str:
    return label(dimension, value)


def dimension_titles() -> dict[str, str]:
    return {"value_tier": _("Value tier"), "value_class": _("Value class"),
            "relationship_type": _("Relationship type")}


@register.filter
def dimension_title(dimension: str) -> str:
    return dimension_titles().get(dimension, dimension)


@register.simple_tag
def class_badge(dimension: str, value: str):
    colour = COLOURS.get(dimension, {}).get(value, "light")
    text_class = " text-dark border" if colour == "light" else ""
    return format_html('<span class="badge rounded-pill text-bg-{}{}">{}</span>', colour, text_class,
                       label(dimension, value))


@register.simple_tag
def classification_evidence(customer) -> dict:
    """The customer's stored evidence stated in the current language (empty before the first run)."""
    from huike.classification.evidence import explain_customer

    return explain_customer(customer)


@register.simple_tag
def classification_history(customer) -> list[dict]:
    """The customer's latest classification changes (selectors.customer_history)."""
    from huike.classification.selectors import customer_history

    return customer_history(customer=customer)


@register.simple_tag
def can_manage_classification(user) -> bool:
    from huike.accounts import policies

    return bool(user and user.is_authenticated and policies.can_manage_classification(user))
