"""Builders for one customer and its history. Pure Python + random: no queries here.

Everything random comes from one `random.Random` and a pool of Faker values drawn
from a seeded Faker, so a seed (and a reference `now`) fully determine the data.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from faker import Faker

from huike.customers.domain.names import credit_check_char
from huike.customers.domain.phones import normalize_phone

from . import data

DAY = dt.timedelta(days=1)
STAGES = ["potential", "intent", "closed", "lost"]
STAGE_WEIGHTS = [35, 30, 25, 10]
# Orders and contracts belong mostly to closed (and formerly closed, lost) customers.
ORDER_WEIGHT = {"potential": 0.0, "intent": 0.5, "closed": 2.5, "lost": 1.0}
ORDER_NORM = sum(w * ORDER_WEIGHT[s] for s, w in zip(STAGES, STAGE_WEIGHTS)) / sum(STAGE_WEIGHTS)
# Bijections on [0, 10**8) and [0, 10**9): index -> unique digits (multipliers coprime with 10).
_PHONE_MUL, _ORG_MUL = 48_271_057, 694_847_539


@dataclass
class Pools:
    """Faker output drawn once; picking from pools is ~100x faster than calling Faker per row."""
    companies: list[str]
    people: list[str]
    streets: list[str]
    districts: list[str]
    usernames: list[str]

    @classmethod
    def draw(cls, fake: Faker, size: int) -> "Pools":
        return cls(
            companies=[fake.company() for _ in range(size)],
            people=[fake.name() for _ in range(size)],
            streets=[fake.street_address() for _ in range(size)],
            districts=[fake.district() + "区" for _ in range(max(size // 10, 10))],
            usernames=[fake.user_name() for _ in range(size)],
        )


@dataclass
class Choices:
    industries: list[str]
    sources: list[str]
    lost_reasons: list[str]
    customer_types: list[str]
    company_sizes: list[str]
    tag_ids: list[int]


@dataclass
class CustomerDraft:
    fields: dict
    tag_ids: list[int] = field(default_factory=list)
    # "key_account": long, large and regular buyer; "steady": monthly mid-size orders; "": random history.
    # Profiles make every class of appear in a demo book, as in a real one.
    profile: str = ""


def credit_code(index: int, offset: int, region: str, rng: random.Random) -> str:
    org = f"{(index * _ORG_MUL + offset) % 10**9:09d}"
    first17 = f"91{region}{rng.randint(1, 20):02d}{rng.randint(1, 30):02d}{org}"
    return first17 + credit_check_char(first17)


def mobile(index: int, offset: int) -> str:
    prefix = data.MOBILE_PREFIXES[index % len(data.MOBILE_PREFIXES)]
    raw = f"{prefix}{(index * _PHONE_MUL + offset) % 10**8:08d}"
    return normalize_phone(raw).e164 or ""


def _pick(rng: random.Random, items: list, empty: float = 0.0):
    return "" if (not items or rng.random() < empty) else rng.choice(items)


def customer_draft(i: int, rng: random.Random, pools: Pools, choices: Choices, now: dt.datetime,
                   offsets: tuple[int, int]) -> CustomerDraft:
    """Every R-2.1 field of customer number `i` of this run (code and derived fields come later)."""
    province, region, cities = rng.choices(data.PLACES, weights=data.PLACE_WEIGHTS)[0]
    city = rng.choice(cities)
    individual = rng.random() < 0.12
    contact = rng.choice(pools.people)
    stage = rng.choices(STAGES, weights=STAGE_WEIGHTS)[0]
    intent = rng.choices(["high", "medium", "low"], weights=[25, 45, 30])[0]
    created = now - dt.timedelta(seconds=rng.randint(3600, 730 * 86400))
    late = rng.random() < 0.05
    first_contact = created - dt.timedelta(hours=rng.randint(25, 24 * 20) if late else rng.randint(0, 20))
    user = pools.usernames[i % len(pools.usernames)]
    fields = {
        "name": contact if individual else rng.choice(pools.companies),
        "kind": "individual" if individual else "enterprise",
        "industry": "" if individual else _pick(rng, choices.industries),
        "company_size": "" if individual else _pick(rng, choices.company_sizes, 0.1),
        "customer_type": "end_customer" if individual else _pick(rng, choices.customer_types),
        "contact_name": contact,
        "contact_title": "" if individual else rng.choice(data.TITLES),
        "phone": mobile(i, offsets[0]),
        "email": f"{user}{i}@{rng.choice(data.EMAIL_DOMAINS)}".lower() if rng.random() < 0.8 else "",
        "credit_code": "" if individual or rng.random() < 0.1 else credit_code(i, offsets[1], region, rng),
        "province": province, "city": city,
        "district": rng.choice(pools.districts),
        "address": rng.choice(pools.streets),
        "source": _pick(rng, choices.sources),
        "first_contact_at": first_contact,
        "demand": rng.choice(data.DEMANDS),
        "budget": rng.choice(data.BUDGETS),
        "purchase_cycle": rng.choice(data.PURCHASE_CYCLES),
        "intent": intent,
        "expected_close_date": (now + DAY * rng.randint(7, 180)).date() if stage == "intent" else None,
        "stage": stage,
        "stage_changed_at": created + (now - created) * rng.random() if stage != "potential" else created,
        "lost_reason": _pick(rng, choices.lost_reasons) if stage == "lost" else "",
        "remarks": rng.choice(data.REMARKS),
        "core_business": rng.random() < 0.2,
        "proactive_collaboration": rng.random() < 0.15,
        "new_demand": rng.random() < 0.2,
        "registered_late": (created - first_contact).total_seconds() > 24 * 3600,
        "created_at": created, "updated_at": created,
    }
    tags = rng.sample(choices.tag_ids, k=min(len(choices.tag_ids), rng.choice([0, 0, 1, 1, 2])))
    profile = ""
    if stage == "closed" and not individual:
        draw = rng.random()
        if draw < 0.15:
            profile = "key_account"
            created = now - DAY * rng.randint(800, 1200)
            fields["created_at"] = fields["updated_at"] = created
            fields["first_contact_at"] = created - dt.timedelta(hours=rng.randint(0, 20))
            fields["stage_changed_at"] = created + (now - created) * rng.random()
            fields["registered_late"] = False
            fields["core_business"] = fields["proactive_collaboration"] = True
        elif draw < 0.45:
            profile = "steady"
    return CustomerDraft(fields, tags, profile)


def profile_order_rows(rng: random.Random, profile: str, now: dt.datetime) -> list[dict]:
    """Regular monthly orders: key accounts ≈ ¥100k a month for two years and more, steady buyers ≈ ¥8k."""
    today = now.date()
    months, low, high = (26, 80_000, 130_000) if profile == "key_account" else (13, 4_000, 12_000)
    rows = []
    for k in range(months):
        day = today - DAY * (k * 30 + rng.randint(1, 20))
        product, category, _low, _high = rng.choice(data.PRODUCTS)
        amount = _money(rng, low, high)
        rows.append({"date": day, "amount": amount, "product": product, "category": category,
                     "due_date": day + DAY * 30, "paid_date": min(today, day + DAY * rng.randint(0, 25)),
                     "paid_amount": amount, "created_at": now, "updated_at": now})
    return rows


def stage_chain(stage: str, created: dt.datetime, changed: dt.datetime) -> list[tuple[str, str, dt.datetime]]:
    """(from, to, at): the way through the funnel to the current stage."""
    middle = created + (changed - created) / 2
    if stage == "potential":
        return [("", "potential", created)]
    if stage == "intent":
        return [("", "potential", created), ("potential", "intent", changed)]
    if stage == "closed":
        return [("", "potential", created), ("potential", "intent", middle), ("intent", "closed", changed)]
    return [("", "potential", created), ("potential", "lost", changed)]


def _count(rng: random.Random, mean: float) -> int:
    top = int(round(2 * mean))
    return rng.randint(0, top) if top > 0 else 0


def followup_rows(rng: random.Random, mean: float, created: dt.datetime, now: dt.datetime) -> list[dict]:
    """Oldest first; the latest is recent (days) so that some customers are due soon, some overdue."""
    n = _count(rng, mean)
    if n == 0:
        return []
    latest = max(created, now - dt.timedelta(seconds=int(rng.expovariate(1 / (8 * 86400)))) - dt.timedelta(hours=1))
    times = sorted(created + (latest - created) * rng.random() for _ in range(n - 1)) + [latest]
    rows = []
    for at in times:
        planned = None
        if rng.random() < 0.4:
            planned = (at + DAY * rng.randint(1, 14)).replace(hour=2, minute=0, second=0, microsecond=0)
        rows.append({
            "method": rng.choices(["phone", "visit", "email", "online", "wechat", "other"], [40, 15, 10, 10, 22, 3])[0],
            "occurred_at": at, "content": rng.choice(data.FOLLOWUP_CONTENT),
            "feedback": rng.choice(data.FEEDBACK), "next_action": rng.choice(data.NEXT_ACTIONS),
            "next_followup_at": planned, "result": rng.choice(data.RESULTS),
            **_review(rng, at, now), "created_at": at, "updated_at": at,
        })
    return rows


def _review(rng: random.Random, at: dt.datetime, now: dt.datetime) -> dict:
    recent = now - at < 3 * DAY
    if recent and rng.random() < 0.6:
        return {"review_status": "pending", "review_comment": "", "reviewed_at": None}
    status = "returned" if rng.random() < 0.08 else "approved"
    comment = rng.choice(data.REVIEW_COMMENTS) if status == "returned" else ""
    return {"review_status": status, "review_comment": comment, "reviewed_at": min(now, at + dt.timedelta(hours=6))}


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)).scaleb(-2)


def order_rows(rng: random.Random, mean: float, stage: str, created: dt.datetime, now: dt.datetime) -> list[dict]:
    rows = []
    today = now.date()
    span = max((today - created.date()).days, 1)
    for _ in range(_count(rng, mean * ORDER_WEIGHT[stage] / ORDER_NORM)):
        product, category, low, high = rng.choice(data.PRODUCTS)
        day = created.date() + DAY * rng.randint(0, span)
        amount = _money(rng, low, high)
        old, chance = (today - day).days > 30, rng.random()
        paid = chance < 0.85 if old else chance < 0.3
        rows.append({
            "date": day, "amount": amount, "product": product, "category": category,
            "due_date": day + DAY * 30, "paid_date": min(today, day + DAY * rng.randint(0, 40)) if paid else None,
            "paid_amount": amount if paid else None, "created_at": created, "updated_at": created,
        })
    return rows


def contract_rows(rng: random.Random, mean: float, stage: str, created: dt.datetime, now: dt.datetime) -> list[dict]:
    if stage not in ("closed", "lost"):
        return []
    rows = []
    today = now.date()
    for _ in range(max(1, _count(rng, mean)) if stage == "closed" else _count(rng, mean / 2)):
        start = created.date() + DAY * rng.randint(0, max((today - created.date()).days, 1))
        end = start + DAY * rng.choice([180, 365, 730])
        if end >= today:
            renewal = "pending"
        else:
            renewal = "not_renewed" if stage == "lost" or rng.random() < 0.3 else "renewed"
        rows.append({"start_date": start, "end_date": end, "amount": _money(rng, 10_000, 500_000),
                     "renewal_status": renewal, "disputed": rng.random() < 0.03,
                     "created_at": created, "updated_at": created})
    return rows


def complaint_row(rng: random.Random, created: dt.datetime, now: dt.datetime, deadlines) -> dict:
    """`deadlines(received_at, urgency)` -> (response due, resolve due), from the service's table."""
    received = created + (now - created) * rng.random()
    urgency = rng.choices(["general", "urgent", "critical"], [70, 22, 8])[0]
    respond_due, resolve_due = deadlines(received, urgency)
    description, cause = rng.choice(data.COMPLAINT_TEXT)
    old = now - received > 7 * DAY
    status = rng.choices(["closed", "resolved"], [80, 20])[0] if old else rng.choice(["open", "responded"])
    responded = None if status == "open" else min(now, received + dt.timedelta(hours=rng.randint(1, 30)))
    return {
        "urgency": urgency, "channel": rng.choice(["phone", "email", "form", "platform"]),
        "description": description, "received_at": received, "response_due_at": respond_due,
        "resolve_due_at": resolve_due, "responded_at": responded,
        "closed_at": min(now, received + DAY * rng.randint(1, 6)) if status == "closed" else None,
        "status": status, "cause": cause if status != "open" else "",
        "resolution": rng.choice(data.COMPLAINT_RESOLUTIONS) if status in ("closed", "resolved") else "",
        "negative": True, "created_at": received, "updated_at": received,
    }
