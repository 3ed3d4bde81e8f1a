"""The built-in rules of R-7.2 and the two set-based sweeps behind them.

The cadence sweep turns every due follow-up (customers.next_followup_at, computed by customers/cadence.py)
into a reminder for the owner in ONE INSERT … SELECT … ON CONFLICT DO NOTHING: the key is the customer and
the due time, so a second sweep — the same day or the next — inserts nothing for the same due time.
"""
from __future__ import annotations

import datetime as dt

from django.db import connection
from django.urls import reverse
from django.db.models import Q
from django.utils import timezone

from .records import local_tz

CADENCE_TEXTS = {
    "intent:high": "需电话跟进当前需求进展",
    "intent:medium": "发送产品最新资料至客户邮箱",
    "intent:low": "推送行业动态，维持客户关注",
    "stage:potential": "潜在客户例行跟进",
    "stage:intent": "意向客户跟进，推进需求确认",
    "stage:closed": "成交客户月度回访",
    "value_class:strategic": "战略客户面访或视频沟通",
    "value_class:key": "重点客户定期跟进",
    "value_class:normal": "普通客户定期回访",
    "planned": "按计划跟进",
}

BUILTIN_RULES = [
    {"builtin": "cadence", "name": "跟进节奏提醒", "trigger": "schedule",
     "description": "每天 08:00 为到期（含逾期）的跟进生成负责人的提醒（R-3.2）。",
     "schedule": {"kind": "daily", "at": "08:00"}, "conditions": [],
     "actions": [{"type": "cadence_reminders", "texts": CADENCE_TEXTS, "default": "跟进客户"}]},
    {"builtin": "upgrade", "name": "已确认预算自动升级意向", "trigger": "customer_changed",
     "description": "需求描述含「已确认预算」且预计成交在 7 天内：中意向升为高意向并通知经理。",
     "schedule": {}, "conditions": [
         {"field": "demand", "op": "contains", "value": "已确认预算"},
         {"field": "expected_close_date", "op": "within_days", "value": 7},
         {"field": "intent", "op": "eq", "value": "medium"}],
     "actions": [{"type": "set_field", "field": "intent", "value": "high"},
                 {"type": "notify", "to": "manager", "title": "客户升级为高意向：{name}",
                  "body": "{name}（{code}）已确认预算，预计 7 天内成交，意向已由中升为高。"}]},
    {"builtin": "registration_24h", "name": "24小时建档提醒", "trigger": "customer_created",
     "description": "首次接触后超过 24 小时才建档的客户，通知负责人的经理（R-2.4）。",
     "schedule": {}, "conditions": [{"field": "registered_late", "op": "eq", "value": True}],
     "actions": [{"type": "notify", "to": "manager", "title": "客户建档超时：{name}",
                  "body": "{name}（{code}）在首次接触 24 小时后才建档，负责人：{owner}。"}]},
    {"builtin": "complaint_deadlines", "name": "投诉时限升级", "trigger": "schedule",
     "description": "投诉超过响应或解决时限时，通知负责人并升级给经理（R-8.1）。",
     "schedule": {"kind": "cron", "expr": "*/5 * * * *"}, "conditions": [],
     "actions": [{"type": "complaint_escalation"}]},
]


def install_builtins(Rule) -> int:
    """Create the built-in rules that are missing (used by the data migration; edits are kept)."""
    made = 0
    for spec in BUILTIN_RULES:
        _obj, created = Rule.objects.get_or_create(builtin=spec["builtin"], defaults={
            k: v for k, v in spec.items() if k != "builtin"})
        made += created
    return made


def _day_end_utc(period: str) -> dt.datetime:
    day = dt.date.fromisoformat(period[:10])
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=local_tz()).astimezone(dt.timezone.utc)


def cadence_sweep(action: dict, period: str, now: dt.datetime) -> int:
    """Reminders for every follow-up due by the end of the period's day; returns how many were new."""
    from .models import Reminder
    from huike.customers.models import Customer

    texts = {**CADENCE_TEXTS, **(action.get("texts") or {})}
    default = action.get("default") or "跟进客户"
    case = " ".join("WHEN %s THEN %s" for _ in texts)
    case_params: list = [x for pair in texts.items() for x in pair]
    due_text = ("to_char(c.next_followup_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI')"
                if connection.vendor == "postgresql" else "strftime('%%Y-%%m-%%dT%%H:%%M', c.next_followup_at)")
    concat = "'cadence:' || c.id || ':' || " + due_text
    rem, cust = Reminder._meta.db_table, Customer._meta.db_table
    sql = f"""
        INSERT INTO {rem} (user_id, customer_id, title, body, due_at, status, source, key, created_at)
        SELECT c.owner_id, c.id, CASE c.next_followup_reason {case} ELSE %s END, '', c.next_followup_at,
               'open', 'cadence', {concat}, %s
        FROM {cust} c
        WHERE c.deleted_at IS NULL AND c.owner_id IS NOT NULL AND c.next_followup_at IS NOT NULL
          AND c.next_followup_at < %s
        ON CONFLICT (key) DO NOTHING"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*case_params, default, now, _day_end_utc(period)])
        return max(cursor.rowcount, 0)


def complaint_sweep(action: dict, now: dt.datetime | None = None) -> int:
    """Notify the owner and escalate to the manager once per complaint and deadline that has passed,
    in set-based inserts keyed complaint:<id>:<deadline>:u<user> (a second sweep adds nothing)."""
    from huike.accounts.models import Team, User
    from huike.customers.models import Customer
    from huike.notifications.services import notify_insert_select
    from huike.service.models import Complaint

    now = now or timezone.now()
    url = reverse("service:detail", args=[0]).rsplit("0/", 1)[0]
    t = {"c": Complaint._meta.db_table, "k": Customer._meta.db_table, "u": User._meta.db_table,
         "t": Team._meta.db_table}
    made = 0
    for deadline, title, late in (
            ("response", "投诉超过响应时限：", "c.responded_at IS NULL AND c.response_due_at < %s"),
            ("resolve", "投诉超过解决时限：", "c.resolve_due_at < %s")):
        parts = []
        for who in ("k.owner_id", "tm.manager_id"):
            parts.append(f"""
                SELECT {who} AS user_id, %s || k.name AS title,
                       k.name || '（' || k.code || '）：' || substr(c.description, 1, 200) AS body,
                       %s || c.id || '/' AS url, 'complaint:' || c.id || ':{deadline}:u' || {who} AS key
                FROM {t['c']} c JOIN {t['k']} k ON k.id = c.customer_id
                LEFT JOIN {t['u']} o ON o.id = k.owner_id LEFT JOIN {t['t']} tm ON tm.id = o.team_id
                WHERE c.status NOT IN ('resolved', 'closed') AND k.deleted_at IS NULL AND {who} IS NOT NULL
                  AND {late}""")
        params = [title, url, now] * 2
        made += notify_insert_select(" UNION ALL ".join(parts), params, kind="complaint", now=now)
    return made


def cadence_preview(out, action: dict, now: dt.datetime) -> None:
    """What the cadence sweep would create today: due follow-ups without their reminder yet."""
    from django.db.models import Exists, OuterRef

    from huike.customers.models import Customer

    from .models import Reminder

    texts = {**CADENCE_TEXTS, **(action.get("texts") or {})}
    period = now.astimezone(local_tz()).date().isoformat()
    due = (Customer.objects.filter(deleted_at__isnull=True, owner__isnull=False, next_followup_at__isnull=False,
                                   next_followup_at__lt=_day_end_utc(period))
           .annotate(has=Exists(Reminder.objects.filter(customer=OuterRef("pk"), source="cadence",
                                                         due_at=OuterRef("next_followup_at"))))
           .filter(has=False))
    out.matched += due.count()
    for c in due.select_related("owner").order_by("next_followup_at")[:100]:
        out.rows.append({"customer": {"id": c.id, "code": c.code, "name": c.name, "owner": str(c.owner)},
                         "actions": [f"{texts.get(c.next_followup_reason, action.get('default') or '跟进客户')}"
                                     f" · {timezone.localtime(c.next_followup_at):%Y-%m-%d %H:%M}"]})


def complaint_preview(out, now: dt.datetime) -> None:
    from huike.service.models import Complaint, ComplaintStatus

    late = (Complaint.objects.exclude(status__in=[ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED])
            .filter(customer__deleted_at__isnull=True)
            .filter(Q(responded_at__isnull=True, response_due_at__lt=now) | Q(resolve_due_at__lt=now))
            .select_related("customer__owner"))
    out.matched += late.count()
    for c in late[:100]:
        out.rows.append({"customer": {"id": c.customer_id, "code": c.customer.code, "name": c.customer.name,
                                      "owner": str(c.customer.owner or "")},
                         "actions": [f"投诉 #{c.pk}：{c.description[:40]}"]})
