"""Phone number checking and normalization (R-2.2), on Google's libphonenumber rules.

Normalized form is E.164 (+8613812345678, +861056781234, +14155552671); it is the
duplicate key and what is stored. Display form is national for Chinese numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()（）.·]")


@dataclass(frozen=True)
class PhoneResult:
    e164: str | None
    error: str | None  # a message key, see PHONE_ERRORS


PHONE_ERRORS = {
    "empty": "empty",
    "chars": "contains characters that are not part of a phone number",
    "mobile": "a Chinese mobile number has 11 digits and starts with 13–19",
    "invalid": "not a valid phone number",
}


def normalize_phone(raw: str | None, region: str = "CN") -> PhoneResult:
    text = (raw or "").strip().translate(_FULLWIDTH)
    if not text:
        return PhoneResult(None, "empty")
    compact = _SEPARATORS.sub("", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not re.fullmatch(r"\+?\d{3,17}", compact):
        return PhoneResult(None, "chars")
    digits = compact.lstrip("+")
    if not compact.startswith("+") and digits.startswith("1") and len(digits) == 11 and region == "CN":
        if not _CN_MOBILE.match(digits):
            return PhoneResult(None, "mobile")
    if compact.startswith("+86") and digits[2:3] == "1" and not _CN_MOBILE.match(digits[2:]):
        return PhoneResult(None, "mobile")
    try:
        number = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return PhoneResult(None, "invalid")
    if not phonenumbers.is_valid_number(number):
        if region == "CN" and not compact.startswith("+") and digits.startswith("1"):
            return PhoneResult(None, "mobile")
        return PhoneResult(None, "invalid")
    return PhoneResult(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None)


@lru_cache(maxsize=50_000)
def display_phone(e164: str | None) -> str:
    """138 1234 5678 style for Chinese numbers, international format otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 86:
        national = str(number.national_number)
        if _CN_MOBILE.match(national):
            return f"{national[:3]} {national[3:7]} {national[7:]}"
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        if national.startswith("0") and " " in national:  # landline: 010-56781234
            area, rest = national.split(" ", 1)
            return f"{area}-{rest.replace(' ', '')}"
        return national.replace(" ", "-")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_FULLWIDTH = {0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF0B: ord("+"), 0xFF0D: ord("-"), 0x3000: ord(" ")}
