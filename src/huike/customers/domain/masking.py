"""Masked contact details (R-12.3): pure string work, no lookups, so a page of 200 rows pays nothing for it.

    mask_phone("+8613812345678") → "138****5678"     mask_email("alice@example.com") → "a***@example.com"
"""
from __future__ import annotations

STARS = "****"


def mask_phone(phone: str) -> str:
    """The first three and last four digits of the national number; shorter numbers keep their last two."""
    if not phone:
        return ""
    digits = "".join(ch for ch in phone if ch.isdigit())
    prefix = ""
    if phone.startswith("+"):
        if digits.startswith("86"):
            digits = digits[2:]
        else:  # a foreign number keeps its country code visible: it says nothing about the subscriber
            prefix, digits = "+" + digits[:2], digits[2:]
    if len(digits) >= 8:
        return f"{prefix}{digits[:3]}{STARS}{digits[-4:]}"
    return f"{prefix}{STARS}{digits[-2:]}" if len(digits) > 2 else prefix + STARS


def mask_email(email: str) -> str:
    """The first character of the mailbox and the whole domain (the company, not the person)."""
    if not email:
        return ""
    local, at, domain = email.partition("@")
    if not at:
        return local[:1] + "***"
    return f"{local[:1]}***@{domain}"


def mask_field(name: str, value):
    """A recorded value of field `name` (history, timeline) as someone without the right may see it."""
    if isinstance(value, str) and name in ("phone", "email"):
        return mask_phone(value) if name == "phone" else mask_email(value)
    return value
