import pytest
from hypothesis import given
from hypothesis import strategies as st

from huike.customers.domain.names import (
    credit_check_char, credit_code_valid, customer_code, name_similarity, normalize_company_name, normalize_credit_code,
    normalize_email, search_text,
)


@pytest.mark.parametrize(
    "name, key",
    [
        ("上海华星科技有限公司", "华星科技"),
        ("华星科技股份有限公司", "华星科技"),
        ("上海市华星科技有限公司", "华星科技"),
        ("华星科技（上海）有限公司", "华星科技"),
        ("华星科技(上海)有限公司", "华星科技"),
        ("ＨＵＡＸＩＮＧ Tech Co., Ltd.", "huaxingtech"),
        ("Huaxing Tech Co.,Ltd", "huaxingtech"),
        ("中国北京京东方集团", "京东方"),
        ("张三", "张三"),
    ],
)
def test_company_names_normalize_to_the_same_key(name, key):
    assert normalize_company_name(name) == key


def test_a_bare_legal_form_is_not_emptied():
    # given a name that is only a legal form, then it keeps its text rather than becoming ""
    assert normalize_company_name("有限公司") == "有限公司"


def test_similarity_is_one_for_equal_keys_and_low_for_different():
    assert name_similarity("华星科技", "华星科技") == 1.0
    assert name_similarity("华星科技", "华星科技发展") == pytest.approx(0.8)
    assert name_similarity("华星科技", "蓝海物流") == 0.0
    assert name_similarity("", "华星") == 0.0


def test_email_and_credit_code_normalization():
    assert normalize_email("  Wang.Min@Example.COM ") == "wang.min@example.com"
    assert normalize_credit_code(" 91110108551385082q ") == "91110108551385082Q"
    assert normalize_credit_code("９１１１０１０８５５１３８５０８２Ｑ") == "91110108551385082Q"


@pytest.mark.parametrize(
    "code, valid",
    [
        ("91110108551385082Q", True),   # a real published code
        ("91350100M000100Y43", True),
        ("91110108551385082A", False),  # wrong check character
        ("9111010855138508", False),    # too short
        ("91110108551385082I", False),  # I is not in the alphabet
    ],
)
def test_credit_code_check_character(code, valid):
    assert credit_code_valid(code) is valid


def test_customer_codes():
    assert customer_code(1) == "C000001"
    assert customer_code(123) == "C000123"
    assert customer_code(1_234_567) == "C1234567"
    with pytest.raises(ValueError):
        customer_code(0)


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=10**9))
def test_customer_codes_are_unique_and_ordered_within_six_digits(a, b):
    # codes of different numbers differ; within the padded width they sort like the numbers
    assert (customer_code(a) == customer_code(b)) == (a == b)
    if a < 10**6 and b < 10**6:
        assert (customer_code(a) < customer_code(b)) == (a < b)


def test_search_text_is_lower_case_nfkc_and_skips_blanks():
    assert search_text("C000001", "ＡＢＣ公司", None, "", "+8613812345678") == "c000001 abc公司 +8613812345678"


def test_the_check_character_completes_a_valid_code():
    assert credit_check_char("91110108551385082") == "Q"
    assert credit_code_valid("91350100M000100Y4" + credit_check_char("91350100M000100Y4"))
