import pytest

from huike.customers.domain.phones import display_phone, normalize_phone


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
