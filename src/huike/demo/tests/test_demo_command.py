"""`huike demo`: reproducible, every derived field as the services compute it, refuses to load twice."""
from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from huike.accounts.models import Role, User
from huike.core.models import Sequence
from huike.customers.cadence import refresh_cadence
from huike.customers.domain.names import credit_code_valid
from huike.customers.domain.phones import normalize_phone
from huike.customers.models import Customer, StageChange
from huike.customers.services import derive_search_fields, customer_create
from huike.demo.generator import Options, generate
from huike.demo.reset import reset_demo
from huike.followups.models import FollowUp
from huike.service.domain.deadlines import complaint_deadlines
from huike.service.models import Complaint
from huike.service.services import deadline_table
from huike.transactions.models import Order

NOW = dt.datetime(2025, 6, 16, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
COMPARED = ["name", "kind", "industry", "company_size", "customer_type", "contact_name", "contact_title", "phone",
            "email", "credit_code", "province", "city", "district", "address", "source", "first_contact_at",
            "demand", "budget", "intent", "expected_close_date", "stage", "lost_reason", "remarks",
            "next_followup_at", "next_followup_reason", "last_followup_at", "created_at", "name_key"]


def _snapshot() -> list[tuple]:
    customers = Customer.objects.order_by("code").select_related("owner").prefetch_related("tags")
    return [
        (*(getattr(c, f) for f in COMPARED), c.owner.username, tuple(sorted(t.name for t in c.tags.all())),
         tuple(c.orders.order_by("date", "amount").values_list("date", "amount", "product")),
         tuple(c.followups.order_by("occurred_at").values_list("occurred_at", "review_status")))
        for c in customers
    ]


def test_same_seed_gives_the_same_customers_and_history(db):
    # given a first load with seed 7
    generate(Options(customers=25, seed=7, now=NOW))
    first = _snapshot()
    # when the demo data is removed and loaded again with the same seed
    reset_demo()
    assert Customer.objects.count() == 0
    generate(Options(customers=25, seed=7, now=NOW))
    # then every customer (but its freshly numbered code) and its history is the same
    assert _snapshot() == first
    assert len(first) == 25


def test_another_seed_gives_other_customers(db):
    generate(Options(customers=10, seed=1, now=NOW))
    first = _snapshot()
    reset_demo()
    generate(Options(customers=10, seed=2, now=NOW))
    assert [row[0] for row in _snapshot()] != [row[0] for row in first]


def test_derived_fields_equal_what_the_services_compute(db):
    # given generated customers
    generate(Options(customers=40, seed=3, now=NOW))
    table = deadline_table()
    for c in Customer.objects.all():
        # then phone, credit code, search text and name key are as the services make them
        assert normalize_phone(c.phone).e164 == c.phone
        assert c.credit_code == "" or credit_code_valid(c.credit_code)
        copy = Customer(**{f: getattr(c, f) for f in ("code", "name", "contact_name", "phone", "email")})
        derive_search_fields(copy)
        assert (c.search_text, c.name_key) == (copy.search_text, copy.name_key)
        # and the cadence equals a recomputation from the stored follow-ups
        latest = c.followups.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
        assert c.last_followup_at == latest
        expected = Customer.objects.get(pk=c.pk)
        refresh_cadence(expected, save=False, now=NOW)
        assert (c.next_followup_at, c.next_followup_reason) == (expected.next_followup_at, expected.next_followup_reason)
        # and the funnel history ends at the current stage
        assert list(c.stage_changes.values_list("to_stage", flat=True))[-1] == c.stage
        assert (c.stage == "lost") == bool(c.lost_reason)
    for complaint in Complaint.objects.all():
        assert (complaint.response_due_at, complaint.resolve_due_at) == complaint_deadlines(
            complaint.received_at, complaint.urgency, table)
    # and the customer sequence continues after the last generated code
    assert Sequence.objects.get(name="customer").value == 40


def test_generated_data_covers_roles_reviews_and_overdue(db):
    generate(Options(customers=60, seed=5, now=NOW))
    assert sorted(User.objects.values_list("role", flat=True)) == [Role.ADMIN] + [Role.MANAGER] * 2 + [Role.REP] * 4
    assert FollowUp.objects.filter(review_status="pending").exists()
    assert FollowUp.objects.filter(review_status="approved").exists()
    assert Customer.objects.filter(next_followup_at__lt=NOW).exists()
    assert Customer.objects.filter(next_followup_at__gte=NOW).exists()
    assert set(Customer.objects.values_list("stage", flat=True)) == {"potential", "intent", "closed", "lost"}
    assert Order.objects.exists() and StageChange.objects.exists()
    phones = list(Customer.objects.values_list("phone", flat=True))
    assert len(set(phones)) == len(phones)


def test_a_customer_created_after_the_demo_gets_the_next_code(db):
    # given demo data
    cast, _stats = generate(Options(customers=5, seed=9, now=NOW))
    # when a rep creates a customer through the service
    customer = customer_create(actor=cast.reps[0], data={"name": "新客户有限公司", "contact_name": "王五",
                                                         "phone": "13700001111"})
    # then its code follows the generated ones
    assert customer.code == "C000006"


def test_command_prints_logins_and_refuses_a_second_load(db):
    # given a first load through the command
    out = io.StringIO()
    call_command("demo", customers=3, seed=1, stdout=out)
    text = out.getvalue()
    for username in ("admin", "manager1", "manager2", "rep1", "rep2", "rep3", "rep4"):
        assert f" {username} " in text
        assert User.objects.filter(username=username).exists()
    # when it runs again without --reset, then it refuses and nothing changes
    with pytest.raises(CommandError, match="Demo users already exist"):
        call_command("demo", customers=3, seed=1, stdout=io.StringIO())
    assert Customer.objects.count() == 3
    # and --if-empty does nothing, --reset replaces
    call_command("demo", customers=3, if_empty=True, stdout=io.StringIO())
    assert Customer.objects.count() == 3
    call_command("demo", customers=4, seed=1, reset=True, stdout=io.StringIO())
    assert Customer.objects.count() == 4
