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
    if region == "CN" and not compact.startswith("+") and len(digits) == 11 and digits[0] == "1":
        # A mobile written without a country code (checked against _CN_MOBILE above): what parse +
        # is_valid_number would decide, without their general machinery (see _plain_cn_number).
        valid = _plain_cn_number(digits)
        if valid is not None:
            return PhoneResult("+86" + digits, None) if valid else PhoneResult(None, "mobile")
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
    national = e164[3:]
    if e164[:3] == "+86" and _CN_MOBILE.fullmatch(national) and not _cn_metadata()[1].match(national):
        return f"{national[:3]} {national[3:7]} {national[7:]}"  # what the general path below gives
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


@lru_cache(maxsize=1)
def _cn_metadata():
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    kinds = [metadata.mobile, metadata.fixed_line, metadata.premium_rate, metadata.toll_free, metadata.shared_cost,
             metadata.voip, metadata.personal_number, metadata.pager, metadata.uan, metadata.voicemail]
    return metadata, re.compile(metadata.national_prefix_for_parsing or r"(?!)"), kinds


class _Desc:
    """A PhoneNumberDesc's test, compiled once: what phonenumbers' _is_number_matching_desc decides (its
    possible lengths, then its pattern matching the whole number), without looking the pattern up in the
    regular-expression cache on every call."""

    __slots__ = ("lengths", "pattern")

    def __init__(self, desc):
        self.lengths = frozenset(desc.possible_length or ()) if desc is not None else None
        text = desc.national_number_pattern if desc is not None else None
        self.pattern = re.compile(text) if text else None

    def matches(self, digits: str) -> bool:
        if self.lengths is None or (self.lengths and len(digits) not in self.lengths) or self.pattern is None:
            return False
        return self.pattern.match(digits) is not None and self.pattern.fullmatch(digits) is not None


@lru_cache(maxsize=1)
def _cn_descs() -> tuple[_Desc, list[_Desc]]:
    metadata, _prefix, kinds = _cn_metadata()
    return _Desc(metadata.general_desc), [_Desc(kind) for kind in kinds]


def _plain_cn_number(digits: str) -> bool | None:
    """Is a Chinese number of plain digits (no +, no country code, no national prefix) valid?

    phonenumbers.parse(digits, "CN") keeps such digits as the national number unchanged unless
    they start with something the CN metadata strips as a national prefix or carrier code; then
    is_valid_number is its number-type check on them (a known type: the general pattern and any one
    type's pattern match), from the same metadata, mobile tried first. None: it starts like a prefix,
    so only the general path can tell.
    """
    prefix = _cn_metadata()[1]
    if prefix.match(digits):
        return None
    general, kinds = _cn_descs()
    if not general.matches(digits):
        return False
    return any(kind.matches(digits) for kind in kinds)
