"""Logins (R-12.5, issue 7 point 8): throttling, identical refusals, argon2, sessions that end."""
import statistics
import time

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from rest_framework.authtoken.models import Token

from huike.accounts.models import User
from huike.accounts.services import user_update
from huike.core.api_testing import client_for, url

PASSWORD = "pass-1234-word"
PRODUCTION_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher",
                      "django.contrib.auth.hashers.PBKDF2PasswordHasher",
                      "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher"]


def _page_login(username, password, ip="10.0.0.1", client=None):
    return (client or Client()).post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _token_login(username, password, ip="10.0.0.1"):
    return client_for().post(url("auth-token"), {"username": username, "password": password}, format="json",
                             REMOTE_ADDR=ip)


def test_five_failures_lock_the_name_and_address_even_with_the_right_password(org):
    # given five wrong passwords for ra1 from one address (the fifth is answered with the lock)
    for _ in range(4):
        assert _page_login("ra1", "wrong-password").status_code == 200
    assert _page_login("ra1", "wrong-password").status_code == 429
    # when the right password comes next, from that address, on the page and the token endpoint
    page = _page_login("ra1", PASSWORD)
    token = _token_login("ra1", PASSWORD)
    # then both are refused with 429 and the lockout message, and no token was made
    assert page.status_code == 429
    assert "Too many failed logins" in page.content.decode() or "登录失败次数过多" in page.content.decode()
    assert token.status_code == 429
    assert token.json() == {"detail": "Too many failed logins. Try again in 15 minutes."}
    assert Token.objects.count() == 0


def test_the_token_endpoint_counts_failures_too(org):
    for _ in range(4):
        assert _token_login("ra1", "wrong-password").status_code == 400
    assert _token_login("ra1", "wrong-password").status_code == 429
    assert _token_login("ra1", PASSWORD).status_code == 429
    assert _page_login("ra1", PASSWORD).status_code == 429


def test_the_lock_holds_one_name_from_one_address_only(org):
    for _ in range(5):
        _page_login("ra1", "wrong-password", ip="10.0.0.1")
    # another user from that address, and the same user from another address, still get in
    assert _page_login("ra2", PASSWORD, ip="10.0.0.1").status_code == 302
    assert _page_login("ra1", PASSWORD, ip="10.0.0.2").status_code == 302


def test_the_lock_ends_after_fifteen_minutes(org):
    from axes.models import AccessAttempt

    for _ in range(5):
        _page_login("ra1", "wrong-password")
    assert _page_login("ra1", PASSWORD).status_code == 429
    # when the attempts are 16 minutes old
    from django.utils import timezone
    import datetime as dt

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    # then the right password gets in again
    assert _page_login("ra1", PASSWORD).status_code == 302


def test_unknown_user_and_wrong_password_answer_identically(org):
    # token endpoint: same status and body
    unknown, wrong = _token_login("nobody", "whatever-pass"), _token_login("ra1", "whatever-pass")
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json()) == (
        400, {"non_field_errors": ["The user name or password is incorrect."]})
    # login page: same status, and the same page but for the echoed user name and the CSRF token
    client = Client(enforce_csrf_checks=False)
    a, b = _page_login("nobody", "whatever-pass", client=client), _page_login("ra1", "whatever-pass", client=client)
    assert a.status_code == b.status_code == 200
    assert a.context["form"].errors == b.context["form"].errors


def test_unknown_user_and_wrong_password_take_about_as_long(org, settings):
    # given production hashing (the test settings use a fast hasher)
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    User.objects.filter(pk=org.ra1.pk).update(password=make_password(PASSWORD))

    def timed(username):
        start = time.perf_counter()
        _token_login(username, "whatever-pass", ip=f"10.9.{len(username)}.1")
        return time.perf_counter() - start

    # when each is timed four times (medians: the machine is shared and noisy)
    unknown = statistics.median(timed("nobody") for _ in range(4))
    wrong = statistics.median(timed("ra1") for _ in range(4))
    print(f"login refusal medians: unknown user {unknown * 1000:.1f} ms, wrong password {wrong * 1000:.1f} ms")
    # then neither is more than twice the other (both run the password hasher once)
    assert 0.5 < unknown / wrong < 2.0


def test_new_passwords_are_argon2_and_old_pbkdf2_hashes_still_log_in(org, settings):
    # given production hashing and a user whose hash predates argon2
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    User.objects.filter(pk=org.ra1.pk).update(password=old)
    # when they log in, then they get in and their hash is upgraded to argon2
    assert _page_login("ra1", PASSWORD).status_code == 302
    assert User.objects.get(pk=org.ra1.pk).password.startswith("argon2$argon2id$")
    # and a password set now is argon2 from the start
    user_update(actor=org.admin, user=org.ra2, data={"password": "New-pass-5678"})
    assert User.objects.get(pk=org.ra2.pk).password.startswith("argon2$argon2id$")


def test_the_session_id_changes_at_login(org):
    # given an anonymous session with a key
    client = Client()
    session = client.session
    session["seen"] = True
    session.save()
    client.cookies["sessionid"] = session.session_key
    before = session.session_key
    # when the user logs in
    assert _page_login("ra1", PASSWORD, client=client).status_code == 302
    # then the session key is a new one and the old key no longer exists
    from django.contrib.sessions.models import Session

    assert client.cookies["sessionid"].value != before
    assert not Session.objects.filter(session_key=before).exists()


def _logged_in_twice(username):
    laptop, phone = Client(), Client()
    assert _page_login(username, PASSWORD, client=laptop).status_code == 302
    assert _page_login(username, PASSWORD, client=phone).status_code == 302
    assert phone.get("/").status_code == 200
    return laptop, phone


def test_logout_ends_every_session_of_the_user_and_the_token(org):
    laptop, phone = _logged_in_twice("ra1")
    token = _token_login("ra1", PASSWORD).json()["token"]
    # when the user logs out on the laptop
    assert laptop.post("/logout/").status_code == 302
    # then the phone is out too, and the token is gone
    assert phone.get("/").status_code == 302
    assert client_for().get(url("me"), HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_a_password_change_ends_every_session_and_the_token(org):
    laptop, phone = _logged_in_twice("ra1")
    token = _token_login("ra1", PASSWORD).json()["token"]
    # when the admin sets a new password
    user_update(actor=org.admin, user=User.objects.get(pk=org.ra1.pk), data={"password": "New-pass-5678"})
    # then both sessions and the token are out
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert client_for().get(url("me"), HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_a_deactivated_user_is_out_on_the_next_request(org):
    laptop, _phone = _logged_in_twice("ra1")
    token = _token_login("ra1", PASSWORD).json()["token"]
    # when the admin deactivates them (in the API, as the page does through the same service)
    response = client_for(org.admin).patch(url("user-detail", org.ra1.pk), {"is_active": False}, format="json")
    assert response.status_code == 200
    # then the next page request goes to the login page and the token is refused
    page = laptop.get("/customers/")
    assert (page.status_code, page["Location"].split("?")[0]) == (302, "/login/")
    assert client_for().get(url("me"), HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    # and they cannot log in again
    assert _page_login("ra1", PASSWORD).status_code == 200


@pytest.mark.django_db
def test_a_session_left_by_a_user_deactivated_in_the_database_is_flushed(org):
    # given a logged-in user deactivated behind the service's back (no session clean-up ran)
    client = Client()
    assert _page_login("ra1", PASSWORD, client=client).status_code == 302
    key = client.cookies["sessionid"].value
    User.objects.filter(pk=org.ra1.pk).update(is_active=False)
    # when they ask for a page, then they are sent to log in and the session row is gone
    assert client.get("/").status_code == 302
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()
