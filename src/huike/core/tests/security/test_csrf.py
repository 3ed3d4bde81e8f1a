"""A POST without a CSRF token is refused for pages and session-authenticated API calls (issue 7 point 11)."""
from django.test import Client
from rest_framework.test import APIClient

from huike.audit.models import AuditEntry
from huike.core.api_testing import url
from huike.customers.models import Customer
from huike.testing.factories import make_customer

PASSWORD = "pass-1234-word"
NEW = {"name": "上海汇通物流有限公司", "contact_name": "王建国", "phone": "13812345678", "kind": "enterprise",
       "stage": "potential", "intent": "medium"}


def test_page_post_without_csrf_token_is_refused_and_changes_nothing(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.ra1)
    before = AuditEntry.objects.count()
    response = client.post("/customers/new/", NEW)
    assert response.status_code == 403
    assert Customer.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_page_delete_without_csrf_token_is_refused(org):
    customer = make_customer(org.ra1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.admin)
    assert client.post(f"/customers/{customer.pk}/delete/").status_code == 403
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_logout_without_csrf_token_is_refused(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.ra1)
    assert client.post("/logout/").status_code == 403
    assert client.get("/").status_code == 200


def test_session_api_write_without_csrf_token_is_refused(org):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(org.ra1)
    response = client.post(url("customer-list"), NEW, format="json")
    assert response.status_code == 403
    assert Customer.objects.count() == 0


def test_session_api_write_with_the_token_passes(org):
    # the same request with the CSRF token from a page is accepted (the refusal is about the token)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(org.ra1)
    client.get("/customers/")
    token = client.cookies["csrftoken"].value
    response = client.post(url("customer-list"), NEW, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_token_api_write_needs_no_csrf_token(org):
    # an API token is not sent by a browser on its own, so CSRF does not apply
    key = APIClient().post(url("auth-token"), {"username": "ra1", "password": PASSWORD}, format="json").json()["token"]
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(url("customer-list"), NEW, format="json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 201
