"""R-12.3 / issue 7 point 6: phone and email are masked for users who neither own the record nor hold the right
"can view full contact details" — on pages, in the API (records and history), in exports and the timeline."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from huike.accounts.services import user_update
from huike.core.api_testing import client_for, url
from huike.customers.domain.masking import mask_email, mask_phone
from huike.customers.models import Customer
from huike.customers.services import customer_update
from huike.dataio.exports import export_start, header_and_rows
from huike.testing.factories import make_customer

PHONE, EMAIL = "+8613577778888", "alice@example.com"  # not the form's example number


@pytest.mark.parametrize("raw, masked", [
    ("+8613812345678", "138****5678"), ("13812345678", "138****5678"), ("+862112345678", "211****5678"),
    ("+14155552671", "+14155****2671"), ("+86123", "****23"), ("", ""),
])
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize("raw, masked", [("alice@example.com", "a***@example.com"), ("b@x.cn", "b***@x.cn"), ("", "")])
def test_mask_email(raw, masked):
    assert mask_email(raw) == masked


@pytest.fixture
def rep_customer(org):
    return make_customer(org.ra1, phone=PHONE, email=EMAIL)


def _contact(user, customer):
    body = client_for(user).get(url("customer-detail", customer.pk)).json()
    return body["phone"], body["email"]


def test_api_owner_and_admin_see_full_contacts_a_manager_sees_them_masked(org, rep_customer):
    # given a rep's customer; when its owner, the admin and the team's manager read it
    # then the owner and the admin get the full values, the manager the masked ones (list and detail alike)
    assert _contact(org.ra1, rep_customer) == (PHONE, EMAIL)
    assert _contact(org.admin, rep_customer) == (PHONE, EMAIL)
    assert _contact(org.ma, rep_customer) == ("135****8888", "a***@example.com")
    listed = client_for(org.ma).get(url("customer-list")).json()["results"]
    assert [(c["phone"], c["email"]) for c in listed] == [("135****8888", "a***@example.com")]


def test_api_the_right_granted_by_an_admin_unmasks(org, rep_customer):
    # given the admin grants the manager the right
    user_update(actor=org.admin, user=org.ma, data={"can_view_contacts": True})
    # when the manager reads the rep's customer; then the values are in full
    org.ma.refresh_from_db()
    assert _contact(org.ma, rep_customer) == (PHONE, EMAIL)


def test_api_history_masks_old_and_new_contact_values(org, rep_customer):
    # given the owner changed the phone
    customer_update(actor=org.ra1, customer=rep_customer, data={"phone": "13900001111"})
    # when the manager reads the history
    entries = client_for(org.ma).get(url("customer-history", rep_customer.pk)).json()["results"]
    # then both values are masked there too; the owner sees them in full
    assert entries[0]["changes"]["phone"] == ["135****8888", "139****1111"]
    owner_entries = client_for(org.ra1).get(url("customer-history", rep_customer.pk)).json()["results"]
    assert owner_entries[0]["changes"]["phone"] == [PHONE, "+8613900001111"]


def test_page_detail_masks_and_drops_the_dial_link(org, rep_customer):
    # given the team's manager signed in
    client = Client()
    client.force_login(org.ma)
    # when the manager opens the rep's customer
    html = client.get(reverse("customers:detail", args=[rep_customer.pk])).content.decode()
    # then only masked values appear: no tel:/mailto: link, no full value anywhere in the page
    assert "135****8888" in html and "a***@example.com" in html
    assert "13577778888" not in html and "tel:" not in html and EMAIL not in html


def test_page_edit_form_shows_contacts_masked_read_only_and_keeps_them(org, rep_customer):
    # given the manager edits the rep's customer
    client = Client()
    client.force_login(org.ma)
    html = client.get(reverse("customers:edit", args=[rep_customer.pk])).content.decode()
    assert "13577778888" not in html and EMAIL not in html and "135****8888" in html
    # when the form is posted with other changes (and a forged phone, which a disabled field ignores)
    response = client.post(reverse("customers:edit", args=[rep_customer.pk]), {
        "name": rep_customer.name, "kind": "enterprise", "contact_name": "新联系人", "phone": "13700000000",
        "email": "x@evil.test", "stage": "potential", "intent": "medium", "version": "1"})
    # then the change is saved and the contact details are untouched
    assert response.status_code == 302
    saved = Customer.objects.get(pk=rep_customer.pk)
    assert (saved.contact_name, saved.phone, saved.email) == ("新联系人", PHONE, EMAIL)


def test_export_masks_rows_the_exporter_does_not_own(org, rep_customer):
    # given the manager owns one customer and the rep one
    make_customer(org.ma, phone="+8613698765432", email="bob@example.com")
    # when the manager exports phone and email
    export = export_start(actor=org.ma, fmt="csv", fields=["phone", "email"], filters={}, labels=False)
    rows = sorted(list(header_and_rows(export))[1:])
    # then the manager's own row is in full (a leading + neutralised against formulas) and the rep's masked
    assert rows == [["'+8613698765432", "bob@example.com"], ["135****8888", "a***@example.com"]]


def test_timeline_masks_recorded_contact_changes(org, rep_customer):
    customer_update(actor=org.ra1, customer=rep_customer, data={"email": "carol@example.com"})
    client = Client()
    client.force_login(org.ma)
    html = client.get(reverse("customers:detail", args=[rep_customer.pk])).content.decode()
    assert "carol@example.com" not in html and "c***@example.com" in html


def test_list_page_masks_rows_the_viewer_does_not_own(org, rep_customer):
    # given the manager owns one customer with an email only, the rep one with a phone
    make_customer(org.ma, phone="", email="own@example.com", name="经理自己的客户")
    client = Client()
    client.force_login(org.ma)
    # when the manager opens the list
    html = client.get(reverse("customers:list")).content.decode()
    # then the rep's phone is masked and the manager's own email in full
    assert "135****8888" in html and "13577778888" not in html and "135 7777 8888" not in html
    assert "own@example.com" in html
