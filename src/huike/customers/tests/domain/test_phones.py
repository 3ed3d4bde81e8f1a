import phonenumbers
import pytest

from huike.customers.domain.phones import PhoneResult, display_phone, normalize_phone


@pytest.mark.parametrize(
    "raw, e164",
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("008613812345678", "+8613812345678"),
        ("１３８１２３４５６７８", "+8613812345678"),  # full-width digits
        ("19912345678", "+8619912345678"),
        ("010-56781234", "+861056781234"),
        ("(010) 5678 1234", "+861056781234"),
        ("0755-86001234", "+8675586001234"),
        ("+1 415 555 2671", "+14155552671"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_valid_numbers_normalize_to_e164(raw, e164):
    # when a number is normalized, then it has one canonical form
    assert normalize_phone(raw).e164 == e164
    assert normalize_phone(raw).error is None


@pytest.mark.parametrize(
    "raw, error",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("12812345678", "mobile"),   # 12x is not a mobile prefix
        ("1381234567", "mobile"),    # ten digits
        ("+8612812345678", "mobile"),
        ("abc", "chars"),
        ("138-1234-567a", "chars"),
        ("021-1234", "invalid"),
        ("+999 1234567", "invalid"),
    ],
)
def test_invalid_numbers_say_why(raw, error):
    result = normalize_phone(raw)
    assert result.e164 is None
    assert result.error == error


@pytest.mark.parametrize(
    "e164, shown",
    [
        ("+8613812345678", "138 1234 5678"),
        ("+861056781234", "010-56781234"),
        ("+8675586001234", "0755-86001234"),
        ("+14155552671", "+1 415-555-2671"),
        ("", ""),
        (None, ""),
    ],
)
def test_display_form(e164, shown):
    assert display_phone(e164) == shown


def _general_path(raw: str):
    """normalize_phone's answer through phonenumbers' parse and is_valid_number alone."""

    number = phonenumbers.parse(raw, "CN")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) \
        if phonenumbers.is_valid_number(number) else None


def test_the_mobile_shortcut_agrees_with_phonenumbers_on_every_prefix():
    # given a plain 11-digit number for every 5-digit prefix 13000–19999, with two different tails
    # (the mobile patterns of the metadata decide on at most the first five digits)
    numbers = [f"{prefix}{tail}" for prefix in range(13000, 20000) for tail in ("000000", "987654")]
    for raw in numbers:
        # when it is normalized and shown
        result = normalize_phone(raw)
        # then the answer is the general path's, valid or not (an invalid 1x number is a "mobile" error)
        expected = _general_path(raw)
        assert (result.e164, result.error) == ((expected, None) if expected else (None, "mobile")), raw
        if expected:
            national = str(phonenumbers.parse(expected).national_number)
            assert display_phone(expected) == f"{national[:3]} {national[3:7]} {national[7:]}"


def test_numbers_starting_like_a_carrier_code_take_the_general_path():
    # given 179xx numbers, which the CN metadata may read as a carrier code before the number
    # when normalized, then the answer is phonenumbers' own (not a valid mobile)
    assert _general_path("17912345678") is None
    assert normalize_phone("17912345678") == PhoneResult(None, "mobile")
    assert display_phone("+8617912345678") == "179 1234 5678"


def test_the_compiled_number_descriptions_decide_as_phonenumbers_does():
    from phonenumbers.phonenumberutil import _is_number_matching_desc

    from huike.customers.domain.phones import _cn_descs, _cn_metadata

    # given the CN metadata's general description and every number type, and numbers of 3 to 17 digits
    metadata, _prefix, kinds = _cn_metadata()
    general, compiled = _cn_descs()
    numbers = [f"{start}{tail}"[:length] for start in ("10", "13", "15", "17", "18", "19", "20", "40", "80", "95")
               for tail in ("0" * 15, "123456789012345", "987654321098765") for length in range(3, 18)]
    for digits in numbers:
        # when each compiled description is asked
        # then it answers as phonenumbers' own check does
        assert general.matches(digits) == _is_number_matching_desc(digits, metadata.general_desc), digits
        assert [c.matches(digits) for c in compiled] == [_is_number_matching_desc(digits, k) for k in kinds], digits
