import pytest

from huike.audit.models import AuditEntry
from huike.core.errors import DuplicateCustomer, FieldErrors
from huike.customers.models import Customer
from huike.customers.services import customer_create
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
