"""R-12.4 / issue 7 point 7: a stale write is refused (409 with the current version), never silently applied."""
from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from huike.audit.models import AuditEntry
from huike.core.api_testing import client_for, db_fingerprint, url
from huike.core.errors import StaleVersion
from huike.customers.models import Customer
from huike.customers.services import customer_update
from huike.testing.factories import make_customer


def test_api_get_carries_the_version_as_etag(org):
    # given a customer
    customer = make_customer(org.ra1)
    # when its owner reads it
    response = client_for(org.ra1).get(url("customer-detail", customer.pk))
    # then the body and the ETag name version 1
    assert (response.status_code, response.json()["version"], response["ETag"]) == (200, 1, '"1"')


def test_api_write_with_the_current_if_match_succeeds_and_bumps_the_version(org):
    # given a customer at version 1
    customer = make_customer(org.ra1)
    # when its owner patches it naming version 1
    response = client_for(org.ra1).patch(url("customer-detail", customer.pk), {"remarks": "第一次"},
                                         format="json", HTTP_IF_MATCH='"1"')
    # then it is saved at version 2
    assert (response.status_code, response.json()["version"], response["ETag"]) == (200, 2, '"2"')
    assert Customer.objects.get(pk=customer.pk).remarks == "第一次"


def test_api_stale_if_match_is_refused_with_409_the_current_version_and_record(org):
    # given a customer edited by the manager after the rep read version 1
    customer = make_customer(org.ra1)
    customer_update(actor=org.ma, customer=customer, data={"remarks": "主管改过"})
    before = db_fingerprint()
    # when the rep writes with its stale version
    response = client_for(org.ra1).patch(url("customer-detail", customer.pk), {"remarks": "销售覆盖"},
                                         format="json", HTTP_IF_MATCH='"1"')
    # then 409 names version 2 and shows the record as it is, and nothing changed
    body = response.json()
    assert (response.status_code, body["version"], response["ETag"]) == (409, 2, '"2"')
    assert (body["current"]["remarks"], body["current"]["version"]) == ("主管改过", 2)
    assert db_fingerprint() == before


def test_api_malformed_if_match_is_a_400(org):
    customer = make_customer(org.ra1)
    before = db_fingerprint()
    response = client_for(org.ra1).patch(url("customer-detail", customer.pk), {"remarks": "x"}, format="json",
                                         HTTP_IF_MATCH="yesterday")
    assert (response.status_code, list(response.json())) == (400, ["If-Match"])
    assert db_fingerprint() == before


def test_api_without_if_match_still_works_for_old_clients(org):
    customer = make_customer(org.ra1)
    response = client_for(org.ra1).put(url("customer-detail", customer.pk),
                                       {"name": customer.name, "contact_name": "新联系人"}, format="json")
    assert (response.status_code, response.json()["version"]) == (200, 2)


def test_service_refuses_a_stale_expected_version_and_writes_no_audit(org):
    # given a customer at version 2
    customer = make_customer(org.ra1)
    customer_update(actor=org.ra1, customer=customer, data={"remarks": "a"})
    audits = AuditEntry.objects.count()
    # when an edit naming version 1 arrives
    with pytest.raises(StaleVersion) as stale:
        customer_update(actor=org.ra1, customer=customer, data={"remarks": "b"}, expected_version=1)
    # then it is refused with the current version and leaves no trace
    assert stale.value.version == 2
    assert (Customer.objects.get(pk=customer.pk).remarks, AuditEntry.objects.count()) == ("a", audits)


def test_page_form_carries_the_version_and_refuses_a_stale_save(org):
    # given the rep opened the edit form at version 1, then the manager saved the customer
    customer = make_customer(org.ra1, name="并发编辑测试有限公司")
    rep = Client()
    rep.force_login(org.ra1)
    form_html = rep.get(reverse("customers:edit", args=[customer.pk])).content.decode()
    assert 'name="version" value="1"' in form_html
    customer_update(actor=org.ma, customer=customer, data={"remarks": "主管先保存"})
    # when the rep saves its form
    response = rep.post(reverse("customers:edit", args=[customer.pk]), {
        "name": customer.name, "kind": "enterprise", "contact_name": "张三", "phone": customer.phone,
        "stage": "potential", "intent": "medium", "remarks": "销售后保存", "version": "1"})
    # then the page says why (409) and the manager's save stands
    assert response.status_code == 409
    assert 'id="stale-alert"' in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).remarks == "主管先保存"


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_writers_of_the_same_version_one_wins(org):
    # given a customer at version 1 and two editors who both read it
    customer = make_customer(org.ra1)
    barrier, results = threading.Barrier(2), []

    def edit(actor, text):
        barrier.wait()
        try:
            for _attempt in range(200):
                try:
                    customer_update(actor=actor, customer=customer, data={"remarks": text}, expected_version=1)
                    results.append("saved")
                    return
                except StaleVersion:
                    results.append("stale")
                    return
                except OperationalError as e:  # the in-memory test SQLite answers "locked" where a file waits
                    assert "locked" in str(e)
                    time.sleep(0.01)
        finally:
            connection.close()

    # when both save at once
    threads = [threading.Thread(target=edit, args=(u, t)) for u, t in ((org.ra1, "甲"), (org.ma, "乙"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly one write happened; the other was refused, not merged over it
    assert sorted(results) == ["saved", "stale"]
    saved = Customer.objects.get(pk=customer.pk)
    assert saved.version == 2 and saved.remarks in ("甲", "乙")
    assert AuditEntry.objects.filter(action="update", object_id=customer.pk).count() == 1
