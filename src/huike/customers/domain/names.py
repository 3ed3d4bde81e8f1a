"""Company name normalization for the similar-name warning (R-2.3)."""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# Legal-form and filler words that do not tell two companies apart.
_SUFFIXES = [
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "股份公司", "总公司", "分公司", "公司",
    "co.,ltd.", "co., ltd.", "co.,ltd", "co. ltd", "co ltd", "company limited", "limited", "ltd.", "ltd",
    "inc.", "inc", "corp.", "corp", "corporation", "llc", "gmbh", "股份",
]
_SUFFIX_SET = frozenset(_SUFFIXES)
_SUFFIX_ENDS = frozenset(suffix[-1] for suffix in _SUFFIXES)  # a text ending otherwise has no legal form
_PROVINCES = [
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾",
    "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
    "深圳", "广州", "杭州", "南京", "苏州", "成都", "武汉", "西安", "青岛", "厦门", "宁波", "大连", "无锡", "长沙",
    "郑州", "济南", "合肥", "福州", "东莞", "佛山", "沈阳", "昆明", "哈尔滨", "长春", "石家庄", "南昌", "贵阳",
]
_PREFIX_RE = re.compile(
    "^(?:中国)?(?:" + "|".join(sorted(_PROVINCES, key=len, reverse=True)) + r")(?:省|市|自治区|特别行政区)?(?:市)?"
)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize_company_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").lower().strip()
    text = re.sub(r"[（(][^)）]*[)）]", "", text)  # (北京) / (branch) annotations
    text = _PREFIX_RE.sub("", text)
    return _NOISE.sub("", _strip_legal_forms(text))


def _strip_legal_forms(text: str) -> str:
    """Drop trailing legal forms repeatedly, but never down to nothing (「有限公司」 stays)."""
    while text not in _SUFFIX_SET:
        if text[-1:] not in _SUFFIX_ENDS:
            return text
        for suffix in _SUFFIXES:
            rest = text[: -len(suffix)].rstrip(" ,.") if text.endswith(suffix) else None
            if rest:
                text = rest
                break
        else:
            return text
    return text


def name_similarity(a: str, b: str) -> float:
    """0..1 similarity of two already-normalized names."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()


def normalize_credit_code(code: str | None) -> str:
    return unicodedata.normalize("NFKC", code or "").strip().upper().replace(" ", "")


_CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_check_char(first17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters of a credit code."""
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_valid(code: str) -> bool:
    """GB 32100-2015 unified social credit code: 18 chars with a check character."""
    return bool(_CREDIT_CODE_RE.match(code)) and credit_check_char(code[:17]) == code[17]


def customer_code(number: int) -> str:
    """C000123: at least six digits, growing past a million."""
    if number < 1:
        raise ValueError("customer numbers start at 1")
    return f"C{number:06d}"


def search_text(*parts: str | None) -> str:
    """The one lower-cased haystack the list search runs over."""
    return " ".join(unicodedata.normalize("NFKC", p).lower() for p in parts if p)
