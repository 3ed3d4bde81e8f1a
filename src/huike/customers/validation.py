"""Business validation of customer input (R-2.2): one place for the pages, the API and imports.

Returns cleaned values or raises FieldErrors naming every bad field, in the user's language.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from huike.core.errors import FieldErrors

from . import options
from .domain.names import credit_code_valid, normalize_credit_code, normalize_email
from .domain.phones import normalize_phone
from .models import Customer, Stage

OPTION_FIELDS = {
    "industry": "industry", "source": "source", "customer_type": "customer_type",
    "company_size": "company_size", "lost_reason": "lost_reason",
}
TEXT_FIELDS = [
    "name", "contact_name", "contact_title", "province", "city", "district", "address",
    "demand", "budget", "purchase_cycle", "remarks",
]


class _EmailValidator(EmailValidator):
    """Django's email check (the same rules and error), with its regular expressions compiled here instead of
    behind lazy proxies and each domain's verdict remembered: an import checks a few domains many times."""

    def __init__(self):
        super().__init__()
        self.user_regex = re.compile(EmailValidator.user_regex.pattern, EmailValidator.user_regex.flags)
        self.domain_regex = re.compile(EmailValidator.domain_regex.pattern, EmailValidator.domain_regex.flags)
        self._domains: dict[str, bool] = {}

    def validate_domain_part(self, domain_part):
        verdict = self._domains.get(domain_part)
        if verdict is None:
            verdict = super().validate_domain_part(domain_part)
            if len(self._domains) < 10_000:
                self._domains[domain_part] = verdict
        return verdict


validate_email = _EmailValidator()


def _phone_message(error: str) -> str:
    if error == "mobile":
        return _("Enter a valid mobile number: 11 digits starting with 13–19, e.g. 13812345678.")
    if error == "chars":
        return _("The phone number may contain only digits, spaces, dashes and a leading +.")
    return _("Enter a valid phone number: a mobile (13812345678), a landline with area code "
             "(010-56781234) or an international number (+14155552671).")


@lru_cache(maxsize=1)
def _text_limits() -> dict[str, int | None]:
    return {field: Customer._meta.get_field(field).max_length for field in TEXT_FIELDS}


def clean_customer(data: dict[str, Any], instance: Customer | None = None) -> dict[str, Any]:
    """Validate and normalize `data` (partial when `instance` is given)."""
    errors: dict[str, list[str]] = {}
    out = dict(data)

    def current(field: str) -> Any:
        if field in out:
            return out[field]
        return getattr(instance, field) if instance is not None else None

    limits = _text_limits()
    for field in TEXT_FIELDS:
        if field in out:
            out[field] = (out[field] or "").strip()
            limit = limits[field]
            if limit and len(out[field]) > limit:
                errors.setdefault(field, []).append(
                    _("At most %(limit)d characters (you entered %(count)d).") % {"limit": limit, "count": len(out[field])}
                )
    if instance is None or "name" in out:
        if not (out.get("name") or "").strip():
            errors.setdefault("name", []).append(_("Please enter the customer's full name (客户名称)."))
    if instance is None or "contact_name" in out:
        if not (out.get("contact_name") or "").strip():
            errors.setdefault("contact_name", []).append(_("Please enter the contact person (联系人)."))

    if "phone" in out:
        raw = (out["phone"] or "").strip()
        if raw:
            result = normalize_phone(raw)
            if result.error:
                errors.setdefault("phone", []).append(_phone_message(result.error))
            else:
                out["phone"] = result.e164
        else:
            out["phone"] = ""
    if "email" in out:
        email = normalize_email(out["email"])
        if email:
            try:
                validate_email(email)
            except DjangoValidationError:
                errors.setdefault("email", []).append(_("Enter a valid email address, e.g. name@example.com."))
        out["email"] = email
    if (instance is None or "phone" in out or "email" in out) and "phone" not in errors and "email" not in errors:
        if not current("phone") and not current("email"):
            errors.setdefault("phone", []).append(
                _("Please complete the customer's phone number or email (请补充完整客户名称或联系电话).")
            )
    if "credit_code" in out:
        code = normalize_credit_code(out["credit_code"])
        if code and not credit_code_valid(code):
            errors.setdefault("credit_code", []).append(
                _("A unified social credit code has 18 characters with a valid check character, e.g. 91110108551385082Q.")
            )
        out["credit_code"] = code

    for field, kind in OPTION_FIELDS.items():
        if field in out:
            out[field] = (out[field] or "").strip()
            if out[field] and out[field] not in options.active_keys(kind):
                errors.setdefault(field, []).append(
                    _("“%(value)s” is not in the list; choose one of the options.") % {"value": out[field]}
                )

    if "first_contact_at" in out and out["first_contact_at"] and out["first_contact_at"] > timezone.now():
        errors.setdefault("first_contact_at", []).append(_("The first contact time cannot be in the future."))

    stage = current("stage")
    if stage == Stage.LOST:
        if not current("lost_reason") and "lost_reason" not in errors:
            errors.setdefault("lost_reason", []).append(
                _("Moving a customer to lost needs the churn reason (流失原因).")
            )
    elif "stage" in out:
        out["lost_reason"] = ""

    if "tags" in out:
        tags = []
        for name in out["tags"] or []:
            name = str(name).strip()
            if not name:
                continue
            if len(name) > 30:
                errors.setdefault("tags", []).append(_("A tag has at most 30 characters: “%(tag)s”.") % {"tag": name[:40]})
            tags.append(name)
        out["tags"] = list(dict.fromkeys(tags))

    if errors:
        raise FieldErrors(errors)
    return out
