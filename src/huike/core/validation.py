"""Small shared checks used by services (and so by pages, API and imports alike)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

MAX_AMOUNT = Decimal("999999999999.99")


def amount_error(value: Any, *, required: bool = True) -> str | None:
    """None when `value` is a CNY amount: ≥ 0, at most 2 decimals, within 12 integer digits."""
    if value is None or value == "":
        return _("This field is required.") if required else None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return _("Enter an amount in yuan, e.g. 1280.50.")
    if not d.is_finite():
        return _("Enter an amount in yuan, e.g. 1280.50.")
    if d < 0:
        return _("An amount cannot be negative.")
    if d.as_tuple().exponent < -2:
        return _("An amount has at most 2 decimal places (fen).")
    if d > MAX_AMOUNT:
        return _("The amount is too large.")
    return None


def unknown_fields(data: dict[str, Any], allowed: list[str]) -> dict[str, list[str]]:
    return {f: [_("Unknown field.")] for f in sorted(set(data) - set(allowed))}
