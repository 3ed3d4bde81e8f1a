"""API: customers — create, read, update, delete, duplicates, bad input, history (R-2, R-12.1)."""
from __future__ import annotations

from huike.audit.models import AuditEntry
from huike.core.api_testing import client_for, db_fingerprint, url
from huike.customers.models import Customer
from huike.testing.factories import make_customer

FULL = {
    "name": "上海汇通物流有限公司", "kind": "enterprise", "industry": "logistics", "company_size": "",
    "customer_type": "", "contact_name": "王建国", "contact_title": "采购经理", "phone": "138 1234 5678",
    "email": "Wang@Huitong.example.com", "credit_code": "", "province": "上海市", "city": "上海市",
    "district": "浦东新区", "address": "张江路 88 号", "source": "", "first_contact_at": "2024-03-01T10:00:00+08:00",
    "demand": "仓储管理系统", "budget": "10-50 万", "intent": "high", "expected_close_date": "2030-06-30",
    "stage": "intent", "tags": ["重点", "华东"], "remarks": "老客户介绍", "core_business": True,
    "proactive_collaboration": False, "new_demand": True,
}
PROMISED_FIELDS = {
    "id", "code", "name", "kind", "industry", "company_size", "customer_type", "contact_name", "contact_title",
    "phone", "email", "credit_code", "province", "city", "district", "address", "source", "first_contact_at", "owner",
    "demand", "budget", "intent", "expected_close_date", "stage", "lost_reason", "tags", "remarks", "core_business",
    "proactive_collaboration", "new_demand", "next_followup_at", "created_at", "updated_at", "value_tier",
    "value_class", "relationship_type", "classification",
}


def test_a_rep_creates_a_customer_with_every_field_and_owns_it(org):
    # when ra1 posts a complete customer
    response = client_for(org.ra1).post(url("customer-list"), FULL, format="json")
    # then it is stored, normalized, owned by ra1, and every promised field is in the answer
    assert response.status_code == 201, response.json()
    body = response.json()
    customer = Customer.objects.get(pk=body["id"])
    assert PROMISED_FIELDS <= set(body)
    assert body["code"] == customer.code and customer.code.startswith("C")
    assert body["owner"] == org.ra1.pk
    assert body["phone"] == "+8613812345678"
    assert body["email"] == "wang@huitong.example.com"
    assert body["tags"] == ["华东", "重点"]
    assert body["stage"] == "intent" and body["intent"] == "high"
    assert body["next_followup_at"] is not None
    assert body["warnings"] == []


def test_a_similar_name_is_a_warning_not_a_refusal(org):
    # given a customer named 汇通物流有限公司
    existing = make_customer(org.ra2, name="上海汇通物流有限公司")
    # when ra1 creates 上海汇通物流股份有限公司 with another phone
    body = {"name": "上海汇通物流股份有限公司", "contact_name": "李四", "phone": "13900001111"}
    response = client_for(org.ra1).post(url("customer-list"), body, format="json")
    # then it is created, with the similar customer named
    assert response.status_code == 201
    assert [w["id"] for w in response.json()["warnings"]] == [existing.pk]


def test_a_duplicate_phone_is_409_naming_the_existing_customer_and_nothing_is_stored(org):
    # given rb1's customer with a mobile number
    existing = make_customer(org.rb1, phone="13812345678")
    before = db_fingerprint()
    # when ra1 creates a customer with the same number written differently
    body = {"name": "另一家公司", "contact_name": "赵六", "phone": "+86 138-1234-5678"}
    response = client_for(org.ra1).post(url("customer-list"), body, format="json")
    # then 409 names the duplicate and nothing was written
    assert response.status_code == 409
    assert response.json()["duplicates"] == [existing.pk]
    assert existing.code in response.json()["detail"]
    assert db_fingerprint() == before


def test_bad_customer_input_names_each_field_and_stores_nothing(org):
    rep = client_for(org.ra1)
    base = {"name": "测试公司", "contact_name": "张三", "phone": "13800001111"}
    cases = [
        ({**base, "nickname": "x"}, "nickname", "Unknown field."),
        ({**base, "code": "C999999"}, "code", "This field is read-only."),
        ({**base, "created_at": "2024-01-01T00:00:00Z"}, "created_at", "This field is read-only."),
        ({**base, "value_tier": "high"}, "value_tier", "This field is read-only."),
        ({**base, "next_followup_at": "2024-01-01T00:00:00Z"}, "next_followup_at", "This field is read-only."),
        ({**base, "name": "名" * 201}, "name", None),
        ({**base, "stage": "won"}, "stage", None),
        ({**base, "intent": 3}, "intent", None),
        ({**base, "kind": "company"}, "kind", None),
        ({**base, "expected_close_date": "30/06/2030"}, "expected_close_date", None),
        ({**base, "first_contact_at": "yesterday"}, "first_contact_at", None),
        ({**base, "core_business": "maybe"}, "core_business", None),
        ({**base, "tags": "重点"}, "tags", None),
        ({**base, "tags": ["t" * 31]}, "tags", None),
        ({**base, "phone": "12345"}, "phone", None),
        ({**base, "email": "not-an-email"}, "email", None),
        ({**base, "industry": "space-mining"}, "industry", None),
        ({**base, "owner": 999999}, "owner", None),
        ({**base, "name": None}, "name", None),
        ({"contact_name": "张三", "phone": "13800001111"}, "name", None),
        ({"name": "测试公司", "contact_name": "张三"}, "phone", None),  # phone or email is required
        ({**base, "stage": "lost"}, "lost_reason", None),
    ]
    before = db_fingerprint()
    for body, field, message in cases:
        response = rep.post(url("customer-list"), body, format="json")
        assert response.status_code == 400, (body, response.status_code)
        assert field in response.json(), (body, response.json())
        if message:
            assert response.json()[field] == [message]
    assert db_fingerprint() == before


def test_read_only_fields_in_a_patch_are_refused_and_the_row_is_unchanged(org):
    customer = make_customer(org.ra1)
    rep = client_for(org.ra1)
    before = db_fingerprint()
    for field, value in (("code", "C000001"), ("created_at", "2020-01-01T00:00:00Z"), ("id", 1),
                         ("updated_at", "2020-01-01T00:00:00Z"), ("relationship_type", "strategic"),
                         ("classification", {}), ("value_class", "key")):
        response = rep.patch(url("customer-detail", customer.pk), {field: value}, format="json")
        assert response.status_code == 400
        assert response.json() == {field: ["This field is read-only."]}
    assert db_fingerprint() == before


def test_a_rep_cannot_give_their_customer_to_someone_else(org):
    customer = make_customer(org.ra1)
    before = db_fingerprint()
    # when ra1 sends another owner, alone or with other changes
    alone = client_for(org.ra1).patch(url("customer-detail", customer.pk), {"owner": org.ra2.pk}, format="json")
    mixed = client_for(org.ra1).put(url("customer-detail", customer.pk),
                                    {"name": "新名字", "contact_name": "新联系人", "owner": org.ra2.pk}, format="json")
    # then both are forbidden and nothing changed
    assert (alone.status_code, mixed.status_code) == (403, 403)
    assert db_fingerprint() == before
    # while sending themself as the owner is harmless
    same = client_for(org.ra1).patch(url("customer-detail", customer.pk), {"owner": org.ra1.pk}, format="json")
    assert same.status_code == 200


def test_a_manager_reassigns_within_the_team_but_not_outside(org):
    customer = make_customer(org.ra1)
    manager = client_for(org.ma)
    # when ma moves the customer to ra2, then to rb1 (team B)
    inside = manager.patch(url("customer-detail", customer.pk), {"owner": org.ra2.pk}, format="json")
    outside = manager.patch(url("customer-detail", customer.pk), {"owner": org.rb1.pk}, format="json")
    # then the first is done and recorded as an assignment, the second refused
    assert inside.status_code == 200 and inside.json()["owner"] == org.ra2.pk
    assert outside.status_code == 403
    customer.refresh_from_db()
    assert customer.owner_id == org.ra2.pk
    assert AuditEntry.objects.filter(object_id=customer.pk, object_type="customers.customer").first().action == "assign"


def test_a_manager_creates_for_a_team_member_but_not_for_another_team(org):
    manager = client_for(org.ma)
    ok = manager.post(url("customer-list"), {"name": "甲公司", "contact_name": "甲", "phone": "13800002222",
                                             "owner": org.ra2.pk}, format="json")
    refused = manager.post(url("customer-list"), {"name": "乙公司", "contact_name": "乙", "phone": "13800003333",
                                                  "owner": org.rb1.pk}, format="json")
    assert ok.status_code == 201 and ok.json()["owner"] == org.ra2.pk
    assert refused.status_code == 403
    assert not Customer.objects.filter(name="乙公司").exists()


def test_delete_is_soft_and_the_customer_leaves_the_lists(org):
    customer = make_customer(org.ra1)
    # when the rep tries, then the manager deletes
    refused = client_for(org.ra1).delete(url("customer-detail", customer.pk))
    deleted = client_for(org.ma).delete(url("customer-detail", customer.pk))
    # then the rep was refused, the row is kept with a deletion time, and it is gone from the API
    assert (refused.status_code, deleted.status_code) == (403, 204)
    customer.refresh_from_db()
    assert customer.deleted_at is not None
    assert client_for(org.ma).get(url("customer-detail", customer.pk)).status_code == 404
    assert client_for(org.admin).get(url("customer-list")).json()["count"] == 0


def test_out_of_scope_is_404_and_a_bad_id_too(org):
    other = make_customer(org.rb1)
    rep = client_for(org.ra1)
    assert rep.get(url("customer-detail", other.pk)).status_code == 404
    assert rep.patch(url("customer-detail", other.pk), {"remarks": "x"}, format="json").status_code == 404
    assert rep.get(url("customer-detail", "abc")).status_code == 404
    assert rep.get(url("customer-detail", 999999)).status_code == 404


def test_history_lists_the_changes_newest_first(org):
    rep = client_for(org.ra1)
    created = rep.post(url("customer-list"), {"name": "历史公司", "contact_name": "张三", "phone": "13800004444"},
                       format="json").json()
    rep.patch(url("customer-detail", created["id"]), {"intent": "high", "tags": ["重点"]}, format="json")
    # when the history is read
    response = rep.get(url("customer-history", created["id"]))
    # then the update comes first with before/after values, then the creation
    assert response.status_code == 200
    rows = response.json()["results"]
    assert response.json()["count"] == 2
    assert [r["action"] for r in rows] == ["update", "create"]
    assert rows[0]["changes"]["intent"] == ["medium", "high"]
    assert rows[0]["changes"]["tags"] == [[], ["重点"]]
    assert rows[0]["actor"] == org.ra1.pk and rows[0]["object_type"] == "customers.customer"
    assert rows[1]["changes"]["name"] == [None, "历史公司"]
    assert set(rows[0]) >= {"id", "at", "actor", "action", "object_type", "object_id", "changes"}
