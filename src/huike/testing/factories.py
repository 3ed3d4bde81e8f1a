"""Test data builders shared by every app's tests. They call the real services."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from huike.accounts.models import Role, Team, User

_seq = itertools.count(1)


def make_team(name: str | None = None) -> Team:
    return Team.objects.create(name=name or f"Team {next(_seq)}")


def make_user(username: str | None = None, *, role: str = Role.REP, team: Team | None = None,
              password: str = "pass-1234-word", **extra) -> User:
    user = User(username=username or f"user{next(_seq)}", role=role, team=team,
                display_name=extra.pop("display_name", ""), **extra)
    user.set_password(password)
    user.save()
    return user


def unique_mobile() -> str:
    return f"139{next(_seq):08d}"


def make_customer(owner: User, **data):
    from huike.customers.services import customer_create

    actor = data.pop("actor", owner)
    payload = {"name": f"测试客户{next(_seq)}有限公司", "contact_name": "张三", "phone": unique_mobile(), **data}
    return customer_create(actor=actor, data=payload, owner=owner)


def make_followup(customer, author, **data):
    from huike.followups.services import followup_create

    payload = {"method": "phone", "content": "电话沟通需求", "occurred_at": timezone.now() - dt.timedelta(hours=1), **data}
    return followup_create(actor=author, customer=customer, data=payload)


def make_order(customer, actor, **data):
    from huike.transactions.services import order_create

    payload = {"date": dt.date.today(), "amount": Decimal("1000.00"), "product": "标准版", **data}
    return order_create(actor=actor, customer=customer, data=payload)


def make_contract(customer, actor, **data):
    from huike.transactions.services import contract_create

    today = dt.date.today()
    payload = {"start_date": today, "end_date": today + dt.timedelta(days=365), "amount": Decimal("50000.00"), **data}
    return contract_create(actor=actor, customer=customer, data=payload)


def make_complaint(customer, actor, **data):
    from huike.service.services import complaint_create

    payload = {"urgency": "general", "channel": "phone", "description": "发货延迟", **data}
    return complaint_create(actor=actor, customer=customer, data=payload)
