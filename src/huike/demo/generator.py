"""The bulk generator behind `huike demo` and `benchmarks/generate.py`.

Customers are built in batches: their derived fields come from the same functions
the services use (customer_code, derive_search_fields, refresh_cadence, complaint_deadlines),
then each batch and its history is written with bulk inserts in one transaction,
so memory stays bounded and 100,000 customers with a million orders take minutes.
Audit entries are not written for generated rows: they record what people did.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
from dataclasses import dataclass, field
from typing import Callable

from django.db import models, transaction
from django.utils import timezone
from faker import Faker

from huike.customers.cadence import active_rules, refresh_cadence
from huike.customers.domain.names import customer_code
from huike.customers.models import Customer, Option, StageChange, Tag
from huike.customers.services import derive_search_fields
from huike.core.models import Sequence
from huike.followups.models import FollowUp
from huike.service.domain.deadlines import complaint_deadlines
from huike.service.models import Complaint
from huike.service.services import deadline_table
from huike.transactions.models import Contract, Order

from . import records
from .bulk import RowWriter
from .users import Cast, create_cast

INSERT_BATCH = 5000


@dataclass
class Options:
    customers: int = 200
    seed: int = 2024
    orders_per_customer: float = 3.0
    followups_per_customer: float = 4.0
    contracts_per_customer: float = 1.0
    complaint_rate: float = 0.05
    batch_size: int = 1000
    now: dt.datetime | None = None  # history ends here; default: today 00:00 local time


def reference_now() -> dt.datetime:
    """Midnight today: a run later the same day, with the same seed, gives the same data."""
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class Stats:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


@contextlib.contextmanager
def own_timestamps(*model_classes: type[models.Model]):
    """Let generated rows carry their own created_at/updated_at (history spread over two years)."""
    saved = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _choices() -> records.Choices:
    keys: dict[str, list[str]] = {}
    for kind, key in Option.objects.filter(active=True).order_by("kind", "position", "key").values_list("kind", "key"):
        keys.setdefault(kind, []).append(key)
    return records.Choices(
        industries=keys.get("industry", []), sources=keys.get("source", []),
        lost_reasons=keys.get("lost_reason", []), customer_types=keys.get("customer_type", []),
        company_sizes=keys.get("company_size", []), tag_ids=list(Tag.objects.order_by("name").values_list("id", flat=True)),
    )


class Generator:
    def __init__(self, opts: Options, progress: Callable[[Stats], None] | None = None):
        self.opts = opts
        self.now = opts.now or reference_now()
        self.rng = random.Random(opts.seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(opts.seed)
        self.progress = progress
        self.stats = Stats()
        self.offsets = (self.rng.randrange(10**8), self.rng.randrange(10**9))
        self.writers = {m: RowWriter(m) for m in (FollowUp, Order, Contract, Complaint, StageChange,
                                                   Customer.tags.through)}

    def run(self) -> tuple[Cast, Stats]:
        started = time.perf_counter()
        cast = create_cast(self.rng, [self.fake.name() for _ in range(7)])
        self.stats.add("users", len(cast.logins))
        pools = records.Pools.draw(self.fake, max(50, min(self.opts.customers, 3000)))
        choices = _choices()
        rules = active_rules()
        table = deadline_table()
        deadlines = lambda at, urgency: complaint_deadlines(at, urgency, table)  # noqa: E731
        with own_timestamps(Customer, FollowUp, Order, Contract, Complaint):
            done = 0
            while done < self.opts.customers:
                size = min(self.opts.batch_size, self.opts.customers - done)
                self._batch(range(done, done + size), cast, pools, choices, rules, deadlines)
                done += size
                self.stats.seconds = time.perf_counter() - started
                if self.progress:
                    self.progress(self.stats)
        self.stats.seconds = time.perf_counter() - started
        return cast, self.stats

    def _batch(self, indexes: range, cast: Cast, pools, choices, rules, deadlines) -> None:
        rng, now, o = self.rng, self.now, self.opts
        drafts = [records.customer_draft(i, rng, pools, choices, now, self.offsets) for i in indexes]
        owners = [cast.reps[i % len(cast.reps)] if i % 10 else cast.managers[i % 20 // 10] for i in indexes]
        histories = []
        for d in drafts:
            created, stage = d.fields["created_at"], d.fields["stage"]
            histories.append((
                records.followup_rows(rng, o.followups_per_customer, created, now),
                records.profile_order_rows(rng, d.profile, now) if d.profile
                else records.order_rows(rng, o.orders_per_customer, stage, created, now),
                records.contract_rows(rng, o.contracts_per_customer, stage, created, now),
                records.complaint_row(rng, created, now, deadlines) if rng.random() < o.complaint_rate else None,
            ))
        with transaction.atomic():
            first = Sequence.take("customer", len(drafts))
            customers = [
                self._customer(first + n, d, owner, followups, rules)
                for n, (d, owner, (followups, *_rest)) in enumerate(zip(drafts, owners, histories))
            ]
            Customer.objects.bulk_create(customers, batch_size=INSERT_BATCH)
            self.stats.add("customers", len(customers))
            self._children(customers, drafts, histories, cast)

    def _customer(self, number: int, draft: records.CustomerDraft, owner, followups: list[dict], rules) -> Customer:
        customer = Customer(**draft.fields, owner=owner, created_by=owner)
        customer.code = customer_code(number)
        derive_search_fields(customer)
        if followups:
            customer.last_followup_at = followups[-1]["occurred_at"]
            customer.updated_at = max(customer.updated_at, customer.last_followup_at)
        planned = followups[-1]["next_followup_at"] if followups else None
        # pk is None here, so refresh_cadence takes `planned` as given and queries nothing.
        refresh_cadence(customer, save=False, now=self.now, planned=planned, rules=rules)
        return customer

    def _children(self, customers: list[Customer], drafts, histories, cast: Cast) -> None:
        rows: dict[type[models.Model], list[dict]] = {m: [] for m in self.writers}
        for c, d, (followups, orders, contracts, complaint) in zip(customers, drafts, histories):
            cid, owner_id = c.pk, c.owner_id
            reviewer = (cast.admin if c.owner.is_manager else cast.manager_of(c.owner)).pk
            for f in followups:
                reviewed = reviewer if f["review_status"] != "pending" else None
                rows[FollowUp].append({**f, "customer_id": cid, "author_id": owner_id, "reviewed_by_id": reviewed})
            rows[Order].extend({**r, "customer_id": cid} for r in orders)
            rows[Contract].extend({**r, "customer_id": cid} for r in contracts)
            if complaint:
                rows[Complaint].append({**complaint, "customer_id": cid, "registered_by_id": owner_id})
            rows[StageChange].extend(
                {"customer_id": cid, "from_stage": a, "to_stage": b, "at": at, "by_id": owner_id}
                for a, b, at in records.stage_chain(c.stage, c.created_at, c.stage_changed_at)
            )
            rows[Customer.tags.through].extend({"customer_id": cid, "tag_id": t} for t in d.tag_ids)
        for model, writer in self.writers.items():
            self.stats.add(model._meta.model_name, writer.write(rows[model]))


def generate(opts: Options, progress: Callable[[Stats], None] | None = None) -> tuple[Cast, Stats]:
    return Generator(opts, progress).run()
