"""A user changes their own password: this browser stays in, other sessions and the token are out."""
from django.test import Client

from huike.accounts.models import User
from huike.audit.models import AuditEntry
from huike.core.api_testing import client_for, url

PASSWORD = "pass-1234-word"
NEW = "Fresh-pass-8842"


def _login(username, password=PASSWORD):
    client = Client()
    assert client.post("/login/", {"username": username, "password": password}).status_code == 302
    return client


def test_changing_the_password_ends_other_sessions_and_the_token_but_not_this_one(org):
    # given ra1 signed in on a laptop and a phone, and holding an API token
    laptop, phone = _login("ra1"), _login("ra1")
    token = client_for().post(url("auth-token"), {"username": "ra1", "password": PASSWORD},
                              format="json").json()["token"]
    # when they change their password on the laptop
    response = laptop.post("/account/password/", {"old_password": PASSWORD, "new_password": NEW,
                                                  "new_password_again": NEW})
    # then the laptop is still in, the phone and the token are out, and the new password works
    assert (response.status_code, response["Location"]) == (302, "/")
    assert laptop.get("/customers/").status_code == 200
    assert phone.get("/customers/").status_code == 302
    assert client_for().get(url("me"), HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert User.objects.get(pk=org.ra1.pk).check_password(NEW)
    # and the change is one audit entry without the password
    [entry] = AuditEntry.objects.filter(request_id=response["X-Request-ID"])
    assert (entry.action, entry.actor_id, entry.changes) == ("password_change", org.ra1.pk,
                                                             {"password": ["***", "***"]})


def test_a_wrong_current_password_changes_nothing(org):
    laptop, phone = _login("ra1"), _login("ra1")
    before = AuditEntry.objects.count()
    response = laptop.post("/account/password/", {"old_password": "not-it", "new_password": NEW,
                                                  "new_password_again": NEW})
    assert response.status_code == 400
    assert response.context["form"].errors["old_password"] == ["当前密码不正确。"]  # zh-Hans, the default
    assert User.objects.get(pk=org.ra1.pk).check_password(PASSWORD)
    assert phone.get("/customers/").status_code == 200
    assert AuditEntry.objects.count() == before


def test_a_weak_or_mismatched_new_password_is_refused(org):
    laptop = _login("ra1")
    weak = laptop.post("/account/password/", {"old_password": PASSWORD, "new_password": "123",
                                              "new_password_again": "123"})
    differ = laptop.post("/account/password/", {"old_password": PASSWORD, "new_password": NEW,
                                                "new_password_again": NEW + "x"})
    assert (weak.status_code, differ.status_code) == (400, 400)
    assert "new_password" in weak.context["form"].errors
    assert "new_password_again" in differ.context["form"].errors
    assert User.objects.get(pk=org.ra1.pk).check_password(PASSWORD)


def test_the_page_needs_a_login_and_a_csrf_token(org):
    assert Client().get("/account/password/").status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(org.ra1)
    assert strict.post("/account/password/", {"old_password": PASSWORD, "new_password": NEW,
                                               "new_password_again": NEW}).status_code == 403
    assert User.objects.get(pk=org.ra1.pk).check_password(PASSWORD)
