"""What each import kind accepts: its fields, the header texts that map to them, and cell conversion.

Headers map by themselves when they are the field name, the model's label in zh-Hans or English
(the same words the pages and the export show) or a common alias; matching ignores case, spaces and
punctuation, and full-width characters.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from huike.customers import options
from huike.customers.models import Customer, Intent, Kind, Stage
from huike.customers.validation import OPTION_FIELDS
from huike.followups.models import FollowUp, Method
from huike.transactions.models import Order

from .models import ImportKind

CUSTOMER_FIELDS = [
    "code", "name", "kind", "industry", "company_size", "customer_type", "contact_name", "contact_title", "phone",
    "email", "credit_code", "province", "city", "district", "address", "source", "first_contact_at", "owner",
    "demand", "budget", "purchase_cycle", "intent", "expected_close_date", "stage", "lost_reason", "tags",
    "remarks", "core_business", "proactive_collaboration", "new_demand",
]
ORDER_FIELDS = ["customer", "date", "amount", "product", "category", "due_date", "paid_date", "paid_amount"]
FOLLOWUP_FIELDS = ["customer", "method", "occurred_at", "content", "feedback", "next_action", "next_followup_at",
                   "result"]
FIELDS = {ImportKind.CUSTOMERS: CUSTOMER_FIELDS, ImportKind.ORDERS: ORDER_FIELDS,
          ImportKind.FOLLOWUPS: FOLLOWUP_FIELDS}
REQUIRED = {ImportKind.CUSTOMERS: ["name", "contact_name"], ImportKind.ORDERS: ["customer", "date", "amount", "product"],
            ImportKind.FOLLOWUPS: ["customer", "method", "content"]}
MODELS = {ImportKind.CUSTOMERS: Customer, ImportKind.ORDERS: Order, ImportKind.FOLLOWUPS: FollowUp}

# Words people put in spreadsheet headers that are not the model's own label.
ALIASES = {
    "code": ["编号", "客户代码", "code"], "name": ["客户", "公司名称", "企业名称", "客户全称", "company", "customer"],
    "kind": ["客户类别", "类型", "type"], "contact_name": ["联系人姓名", "contact", "联络人"],
    "contact_title": ["职务", "联系人职务", "title", "job title"],
    "phone": ["电话", "手机", "手机号", "手机号码", "联系方式", "mobile", "telephone", "tel"],
    "email": ["邮箱", "电子邮箱", "e-mail", "mail"], "credit_code": ["信用代码", "税号", "credit code"],
    "industry": ["行业", "所属行业"], "source": ["来源", "客户来源", "渠道", "source"],
    "owner": ["销售", "业务员", "所属销售", "跟进人", "sales rep"], "intent": ["意向", "intent"],
    "stage": ["阶段", "漏斗阶段", "stage"], "demand": ["需求", "需求描述"], "budget": ["预算", "预算范围"],
    "remarks": ["备注", "note", "notes"], "first_contact_at": ["首次接触时间", "首次接触"],
    "expected_close_date": ["预计成交时间", "预计成交日期"], "lost_reason": ["流失原因"],
    "customer": ["客户编号", "客户名称", "客户", "customer code", "customer"], "date": ["日期", "订单日期", "date"],
    "amount": ["金额", "订单金额", "amount"], "product": ["产品", "产品/服务", "product", "service"],
    "occurred_at": ["跟进时间", "时间", "date"], "content": ["跟进内容", "沟通内容", "核心沟通内容", "内容"],
}
CUSTOMER_LINK_LABELS = ["customer", "客户编号", "客户名称", "客户", "customer code", "customer name"]

_NOISE = re.compile(r"[\s\W_*]+", re.UNICODE)


def normalise_header(text: Any) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(text or "")).lower())


def field_label(kind: str, field: str) -> str:
    if field == "customer":
        return _("Customer")
    try:
        return capfirst(str(MODELS[kind]._meta.get_field(field).verbose_name))
    except Exception:  # a field of the import only (none today), shown by name
        return field


def header_index(kind: str) -> dict[str, str]:
    """{normalised header text: field} from field names, both languages' labels and aliases."""
    index: dict[str, str] = {}
    for field in FIELDS[kind]:
        for alias in ALIASES.get(field, []):
            index.setdefault(normalise_header(alias), field)
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            for field in FIELDS[kind]:
                index[normalise_header(field_label(kind, field))] = field
    for field in FIELDS[kind]:
        index[normalise_header(field)] = field
    return index


def auto_mapping(kind: str, headers: list[str], remembered: dict[str, str] | None = None) -> dict[str, str]:
    """{column index (str): field}; a field is taken by its first column only."""
    index = header_index(kind)
    remembered = remembered or {}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for i, header in enumerate(headers):
        key = normalise_header(header)
        field = remembered[key] if key in remembered else index.get(key, "")
        if field and field not in taken and field in FIELDS[kind]:
            mapping[str(i)] = field
            taken.add(field)
    return mapping


def missing_required(kind: str, mapping: dict[str, str]) -> list[str]:
    mapped = set(mapping.values())
    return [f for f in REQUIRED[kind] if f not in mapped]


# --- cell conversion -------------------------------------------------------------------------------

class CellError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def text(value: Any) -> str:
    """A cell as text: numbers from spreadsheets lose their float tail (13812345678.0 → 13812345678)."""
    if type(value) is str:  # most cells (every csv cell): the same as the last branch below
        value = value.strip()
        if value[:1] == "'" and value[1:2] in _FORMULA_START:
            return value[1:]
        return value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    value = str(value).strip()
    if value[:1] == "'" and value[1:2] in _FORMULA_START:
        return value[1:]  # an export's formula guard, not part of the value
    return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_TRUE = {"1", "true", "yes", "y", "是", "对", "√", "✓", "x", "有"}
_FALSE = {"", "0", "false", "no", "n", "否", "不是", "无", "-"}


def boolean(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    t = text(value).lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise CellError(field, _("Enter yes or no (是 / 否)."))


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def date(field: str, value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    t = unicodedata.normalize("NFKC", text(value))
    m = _DATE_RE.match(t.split(" ")[0] if " " in t and "年" not in t else t)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise CellError(field, _("Enter a date as YYYY-MM-DD, e.g. 2025-03-18."))


def moment(field: str, value: Any) -> dt.datetime | None:
    """A date and time; a bare date is midnight; times without a zone are local (Asia/Shanghai)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime.combine(value, dt.time())
    else:
        t = unicodedata.normalize("NFKC", text(value)).replace("/", "-").replace(".", "-")
        try:
            result = dt.datetime.fromisoformat(t)
        except ValueError:
            day = date(field, t.split(" ")[0].split("T")[0]) if t else None
            if day is None:
                return None
            result = dt.datetime.combine(day, dt.time())
    if timezone.is_naive(result):
        result = timezone.make_aware(result)
    return result


def amount(field: str, value: Any) -> Any:
    """Decimal from the cell as written (1,280.50 / ¥1280.5); anything else goes to the service's check."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return text(value).replace(",", "").replace("，", "").lstrip("¥￥").strip()


def choice_index(pairs) -> dict[str, str]:
    """{normalised key or label (both languages): key} for a TextChoices or option list."""
    index: dict[str, str] = {}
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            for key, label in pairs():
                index[normalise_header(label)] = key
    for key, _label in pairs():
        index[normalise_header(key)] = key
    return index


def enum_indexes() -> dict[str, dict[str, str]]:
    """Per field, the words that mean each stored key. Built once per import run."""
    out = {
        "kind": choice_index(lambda: Kind.choices), "intent": choice_index(lambda: Intent.choices),
        "stage": choice_index(lambda: Stage.choices), "method": choice_index(lambda: Method.choices),
    }
    out["intent"].update({"高": "high", "中": "medium", "低": "low"})
    out["method"].update({"电话": "phone", "拜访": "visit", "上门拜访": "visit", "邮件": "email", "线上": "online",
                          "视频会议": "online", "微信": "wechat", "其他": "other"})
    for field, kind in OPTION_FIELDS.items():
        out[field] = choice_index(lambda kind=kind: options.choices(kind))
    return out


_TAG_SPLIT = re.compile(r"[,，;；、|]")


def tags(value: Any) -> list[str]:
    return [t.strip() for t in _TAG_SPLIT.split(text(value)) if t.strip()]
