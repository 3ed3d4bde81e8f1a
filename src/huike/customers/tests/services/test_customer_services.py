import datetime as dt

import pytest
from django.utils import timezone

from huike.audit.models import AuditEntry
from huike.core.errors import DuplicateCustomer, FieldErrors, Forbidden
from huike.customers.models import Customer
from huike.customers.selectors import customer_list
from huike.customers.services import (
    customer_assign, customer_create, customer_delete, customer_update, similar_customers,
)
from huike.testing.factories import make_customer, make_followup


def test_create_customer_assigns_code_normalizes_phone_and_audits(org):
    # given a rep
    # when they register a customer with a spaced mobile number
    c = customer_create(actor=org.ra1, data={"name": "上海华星科技有限公司", "contact_name": "王敏",
                                             "phone": "138 1234 5678", "tags": ["高意向"]})
    # then the code is assigned, the phone stored in E.164, the cadence computed and the create audited
    assert c.code == "C000001"
    assert c.phone == "+8613812345678"
    assert c.owner == org.ra1
    assert c.next_followup_at is not None
    assert AuditEntry.objects.filter(object_id=c.pk, action="create").count() == 1


def test_duplicate_phone_is_refused_naming_the_existing_customer(org):
    existing = make_customer(org.ra1, phone="13812345678")
    with pytest.raises(DuplicateCustomer) as e:
        customer_create(actor=org.rb1, data={"name": "另一家公司", "contact_name": "李四", "phone": "+86 138-1234-5678"})
    assert e.value.duplicates == [existing.pk]
    assert existing.code in e.value.message
    assert Customer.objects.count() == 1


def test_bad_phone_names_the_field_and_stores_nothing(org):
    with pytest.raises(FieldErrors) as e:
        customer_create(actor=org.ra1, data={"name": "X公司", "contact_name": "李四", "phone": "12345"})
    assert list(e.value.errors) == ["phone"]
    assert Customer.objects.count() == 0


def test_followup_moves_last_contact_and_next_due(org):
    c = make_customer(org.ra1, intent="high")
    f = make_followup(c, org.ra1)
    c.refresh_from_db()
    assert c.last_followup_at == f.occurred_at
    assert (c.next_followup_at - f.occurred_at).days == 2
    assert c.next_followup_reason == "intent:high"


def test_duplicate_email_and_credit_code_are_refused(org):
    existing = make_customer(org.ra1, email="buyer@huaxing.cn", credit_code="91110108551385082Q")
    with pytest.raises(DuplicateCustomer) as by_email:
        customer_create(actor=org.ra2, data={"name": "甲公司", "contact_name": "李四", "email": "BUYER@huaxing.cn"})
    with pytest.raises(DuplicateCustomer) as by_code:
        customer_create(actor=org.ra2, data={"name": "乙公司", "contact_name": "李四", "phone": "13900000001",
                                             "credit_code": "91110108551385082q"})
    assert (by_email.value.duplicates, by_email.value.fields) == ([existing.pk], ["email"])
    assert (by_code.value.duplicates, by_code.value.fields) == ([existing.pk], ["credit_code"])
    assert Customer.objects.count() == 1


def test_missing_name_contact_and_phone_are_each_named(org):
    with pytest.raises(FieldErrors) as e:
        customer_create(actor=org.ra1, data={"name": " ", "contact_name": ""})
    assert sorted(e.value.errors) == ["contact_name", "name", "phone"]
    assert Customer.objects.count() == 0


def test_bad_option_email_and_credit_code_are_refused(org):
    with pytest.raises(FieldErrors) as e:
        customer_create(actor=org.ra1, data={
            "name": "甲公司", "contact_name": "李四", "email": "not-an-email", "industry": "space-mining",
            "credit_code": "91110108551385082A"})
    assert sorted(e.value.errors) == ["credit_code", "email", "industry"]


def test_lost_stage_needs_a_churn_reason(org):
    c = make_customer(org.ra1)
    with pytest.raises(FieldErrors) as e:
        customer_update(actor=org.ra1, customer=c, data={"stage": "lost"})
    assert list(e.value.errors) == ["lost_reason"]
    c.refresh_from_db()
    assert c.stage == "potential"
    customer_update(actor=org.ra1, customer=c, data={"stage": "lost", "lost_reason": "price"})
    c.refresh_from_db()
    assert (c.stage, c.lost_reason) == ("lost", "price")
    assert list(c.stage_changes.values_list("from_stage", "to_stage")) == [("", "potential"), ("potential", "lost")]


def test_update_is_audited_with_before_and_after(org):
    c = make_customer(org.ra1, intent="low", tags=["价格敏感"])
    customer_update(actor=org.ra1, customer=c, data={"intent": "high", "tags": ["高意向"]})
    entry = AuditEntry.objects.filter(object_id=c.pk, action="update").get()
    assert entry.actor == org.ra1
    assert entry.changes["intent"] == ["low", "high"]
    assert entry.changes["tags"] == [["价格敏感"], ["高意向"]]


def test_a_rep_cannot_assign_and_nothing_changes(org):
    c = make_customer(org.ra1)
    with pytest.raises(Forbidden):
        customer_assign(actor=org.ra1, customer=c, owner=org.ra2)
    c.refresh_from_db()
    assert c.owner == org.ra1
    assert AuditEntry.objects.filter(object_id=c.pk, action="assign").count() == 0


def test_a_manager_assigns_within_the_team_only(org):
    c = make_customer(org.ra1)
    customer_assign(actor=org.ma, customer=c, owner=org.ra2)
    c.refresh_from_db()
    assert c.owner == org.ra2
    assert AuditEntry.objects.get(object_id=c.pk, action="assign").changes == {"owner": [org.ra1.pk, org.ra2.pk]}
    with pytest.raises(Forbidden):
        customer_assign(actor=org.ma, customer=c, owner=org.rb1)
    c.refresh_from_db()
    assert c.owner == org.ra2


def test_an_admin_assigns_across_teams(org):
    c = make_customer(org.ra1)
    customer_assign(actor=org.admin, customer=c, owner=org.rb1)
    c.refresh_from_db()
    assert c.owner == org.rb1


def test_reps_delete_nothing_managers_soft_delete(org):
    c = make_customer(org.ra1)
    with pytest.raises(Forbidden):
        customer_delete(actor=org.ra1, customer=c)
    c.refresh_from_db()
    assert c.deleted_at is None
    customer_delete(actor=org.ma, customer=c)
    c.refresh_from_db()
    assert c.deleted_at is not None
    # a deleted customer's phone is free again
    again = make_customer(org.ra1, phone=c.phone)
    assert again.phone == c.phone


def test_late_registration_is_flagged(org):
    now = timezone.now()
    late = make_customer(org.ra1, first_contact_at=now - dt.timedelta(hours=25))
    on_time = make_customer(org.ra1, first_contact_at=now - dt.timedelta(hours=23))
    assert (late.registered_late, on_time.registered_late) == (True, False)


def test_future_first_contact_is_refused(org):
    with pytest.raises(FieldErrors) as e:
        make_customer(org.ra1, first_contact_at=timezone.now() + dt.timedelta(days=1))
    assert list(e.value.errors) == ["first_contact_at"]


def test_similar_names_are_found_after_normalization(org):
    existing = make_customer(org.ra1, name="上海华星科技有限公司")
    make_customer(org.ra1, name="蓝海物流有限公司")
    found = similar_customers("华星科技（上海）股份有限公司")
    assert [(c.pk, round(s, 2)) for c, s in found] == [(existing.pk, 1.0)]
    assert similar_customers("华星科技", exclude_id=existing.pk) == []


def test_codes_are_sequential_and_never_reused(org):
    a = make_customer(org.ra1)
    customer_delete(actor=org.admin, customer=a)
    b = make_customer(org.ra1)
    assert (a.code, b.code) == ("C000001", "C000002")


def test_search_text_finds_name_contact_phone_code_and_email(org):
    c = make_customer(org.ra1, name="杭州蓝海物流有限公司", contact_name="王敏", phone="13812345678",
                      email="wm@lanhai.cn")
    make_customer(org.ra1, name="别的公司")
    for term in ["蓝海", "王敏", "1381234", "138 1234 5678", "+86138", c.code.lower(), c.code, "LANHAI"]:
        assert list(customer_list(user=org.ra1, search=term).values_list("pk", flat=True)) == [c.pk], term


def test_search_follows_renames_and_short_terms_still_match(org):
    # given a customer found by its old name
    c = make_customer(org.ra1, name="杭州蓝海物流有限公司")
    assert [x.pk for x in customer_list(user=org.ra1, search="蓝海物流")] == [c.pk]
    # when it is renamed, then the search index follows the write
    customer_update(actor=org.ra1, customer=c, data={"name": "杭州远洋物流有限公司"})
    assert list(customer_list(user=org.ra1, search="蓝海物流")) == []
    assert [x.pk for x in customer_list(user=org.ra1, search="远洋物流")] == [c.pk]
    # two-character terms (below the trigram length) are still found
    assert [x.pk for x in customer_list(user=org.ra1, search="远洋")] == [c.pk]
    # a deleted customer leaves every search
    customer_delete(actor=org.admin, customer=c)
    assert list(customer_list(user=org.admin, search="远洋物流")) == []
