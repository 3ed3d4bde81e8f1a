"""Follow-up cadence (R-3.2): when is a customer's next follow-up due?

Pure: rules in, a due time out. Rules are rows in the database (editable by
admins); DEFAULT_RULES mirrors the seeds and is what a fresh install loads.
Where several rules apply, the earliest due time wins; a follow-up's own planned
"next follow-up time" is one more candidate.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

KINDS = ("days", "months", "weekday", "month_end")
DIMENSIONS = ("stage", "intent", "value_class")
WORKDAY_START = dt.time(9, 0)


@dataclass(frozen=True)
class CadenceRule:
    dimension: str  # stage | intent | value_class
    value: str      # e.g. "intent", "high", "strategic"
    kind: str       # days | months | weekday | month_end
    n: int = 0      # days or months; for weekday 0 = Monday … 6 = Sunday
    label: str = ""

    def __post_init__(self) -> None:
        if self.dimension not in DIMENSIONS:
            raise ValueError(f"unknown dimension {self.dimension!r}")
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if self.kind in ("days", "months") and self.n < 1:
            raise ValueError("an interval must be at least 1")
        if self.kind == "weekday" and not 0 <= self.n <= 6:
            raise ValueError("weekday is 0 (Monday) to 6 (Sunday)")


DEFAULT_RULES: tuple[CadenceRule, ...] = (
    CadenceRule("stage", "potential", "days", 7, "潜在客户每周跟进"),
    CadenceRule("stage", "intent", "days", 3, "意向客户每2-3天跟进"),
    CadenceRule("stage", "closed", "months", 1, "成交客户每月回访"),
    CadenceRule("intent", "high", "days", 2, "高意向每2天电话跟进"),
    CadenceRule("intent", "medium", "weekday", 0, "中意向每周一发送产品资料"),
    CadenceRule("intent", "low", "month_end", 0, "低意向每月末推送行业动态"),
    CadenceRule("value_class", "strategic", "months", 1, "战略客户每月至少一次面访或视频"),
    CadenceRule("value_class", "key", "days", 45, "重点客户每季度两次"),
    CadenceRule("value_class", "normal", "months", 6, "普通客户每半年一次"),
)


@dataclass(frozen=True)
class Due:
    at: dt.datetime
    rule: CadenceRule | None  # None: the follow-up's own planned time


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _at_workday_start(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, WORKDAY_START, tzinfo=tz)


def rule_due(rule: CadenceRule, last: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The first due time of `rule` after the last contact `last` (aware)."""
    local = last.astimezone(tz)
    if rule.kind == "days":
        return local + dt.timedelta(days=rule.n)
    if rule.kind == "months":
        return dt.datetime.combine(add_months(local.date(), rule.n), local.timetz())
    if rule.kind == "weekday":
        ahead = (rule.n - local.weekday()) % 7 or 7
        return _at_workday_start(local.date() + dt.timedelta(days=ahead), tz)
    # month_end: this month's last day, unless that moment has passed
    day = local.date()
    end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    due = _at_workday_start(end, tz)
    if due <= local:
        nxt = add_months(day.replace(day=1), 1)
        due = _at_workday_start(nxt.replace(day=calendar.monthrange(nxt.year, nxt.month)[1]), tz)
    return due


def applicable(rules: tuple[CadenceRule, ...] | list[CadenceRule], attrs: dict[str, str | None]) -> list[CadenceRule]:
    return [r for r in rules if attrs.get(r.dimension) == r.value]


def next_due(
    *,
    last_contact: dt.datetime,
    stage: str,
    intent: str | None,
    value_class: str | None,
    rules: tuple[CadenceRule, ...] | list[CadenceRule] = DEFAULT_RULES,
    planned: dt.datetime | None = None,
    tz: ZoneInfo = ZoneInfo("Asia/Shanghai"),
) -> Due | None:
    """Earliest due time among the applicable rules and the planned time; None if nothing applies.

    A lost customer has left the funnel: only an explicitly planned follow-up is due.
    """
    if last_contact.tzinfo is None:
        raise ValueError("last_contact must be timezone-aware")
    candidates: list[Due] = []
    if stage != "lost":
        attrs = {"stage": stage, "intent": intent, "value_class": value_class}
        candidates = [Due(rule_due(r, last_contact, tz), r) for r in applicable(rules, attrs)]
    if planned is not None and planned > last_contact:
        candidates.append(Due(planned, None))
    if not candidates:
        return None
    best = min(candidates, key=lambda d: d.at)
    return Due(best.at.astimezone(dt.timezone.utc), best.rule)
