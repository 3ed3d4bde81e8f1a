"""The validation's own email check and legal-form stripping decide exactly as the general code they replace."""
import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email as django_validate_email

from huike.customers.domain import names
from huike.customers.validation import _EmailValidator

EMAILS = [
    "a@example.com", "A.B+tag@Example.COM", "x@localhost", "x@[127.0.0.1]", "x@[::1]", "x@[999.1.1.1]",
    "x@例子.中国", "x@xn--fsqu00a.xn--fiqs8s", "x@example", "x@-example.com", "x@example..com", "@example.com",
    "x@", "noat", "", "a b@example.com", '"quoted"@example.com', "x@example.com.", "x" * 310 + "@example.com",
    "x@" + "a" * 64 + ".com", "x@exa_mple.com", "用户@example.com", "x@example.c0m", "x@1.2.3.4",
]


def _verdict(check, value):
    try:
        check(value)
    except ValidationError as e:
        return ("invalid", e.code, e.params, str(e.message))
    return "valid"


@pytest.mark.parametrize("email", EMAILS)
def test_the_email_check_decides_as_djangos_validator_on_first_and_repeated_use(email):
    # given a fresh check
    check = _EmailValidator()
    # when an address is checked twice (the second time from the remembered domain)
    first, second = _verdict(check, email), _verdict(check, email)
    # then both answers are Django's, with the same error
    assert first == second == _verdict(django_validate_email, email)


def _strip_reference(text: str) -> str:
    """The legal-form stripping as it was (a list walked for every text)."""
    while text not in names._SUFFIXES:
        for suffix in names._SUFFIXES:
            rest = text[: -len(suffix)].rstrip(" ,.") if text.endswith(suffix) else None
            if rest:
                text = rest
                break
        else:
            return text
    return text


@pytest.mark.parametrize("text", [
    "", "公司", "有限公司", "华为技术有限公司", "测试股份有限公司集团", "acme co., ltd.", "acme ltd. inc", "acme",
    "acme gmbh", "北京某某科技", "a, ltd", " ltd", "ltd ltd", "股份股份", "abc corp.", "x llc ", "集团 公司",
])
def test_stripping_legal_forms_gives_what_the_list_walk_gave(text):
    # when a normalised name is stripped, then the result is the reference walk's
    assert names._strip_legal_forms(text) == _strip_reference(text)
