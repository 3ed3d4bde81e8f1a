"""Production settings pass Django's deployment check; every answer carries the security headers
(issue 7 point 9)."""
import secrets
import subprocess

import pytest
from django.test import Client

from huike.core.api_testing import client_for, url
from huike.core.tests.processes import huike, huike_env


def test_production_settings_pass_the_deployment_check_at_warning_level(tmp_path):
    # given the production environment (debug off, a real key, a host name)
    env = huike_env(tmp_path, HUIKE_DEBUG="0", HUIKE_SECRET_KEY=secrets.token_urlsafe(50),
                    HUIKE_ALLOWED_HOSTS="crm.example.com")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for themselves, never in deployment
    # when the deployment check runs with warnings counted as failures
    result = subprocess.run(huike("check", "--deploy", "--fail-level", "WARNING"), env=env, capture_output=True,
                            text=True, timeout=120)
    # then it passes
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_defaults_fail_the_deployment_check(tmp_path):
    # the check is not vacuous: without production settings it complains
    result = subprocess.run(huike("check", "--deploy", "--fail-level", "WARNING"), env=huike_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr  # the development secret key


def _answers(org):
    client = Client()
    signed_in = Client()
    signed_in.force_login(org.ra1)
    return {
        "login page": client.get("/login/"),
        "dashboard": signed_in.get("/"),
        "customer list": signed_in.get("/customers/"),
        "missing page": signed_in.get("/customers/999999/"),
        "api list": client_for(org.ra1).get(url("customer-list")),
        "api refusal": client_for().get(url("customer-list")),
        "schema": signed_in.get("/api/schema/"),
        "static file": client.get("/static/js/huike.js"),
    }


def test_every_answer_carries_the_security_headers(org):
    for name, response in _answers(org).items():
        csp = response.get("Content-Security-Policy", "")
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, name
        assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0], name
        assert "unsafe-eval" not in csp, name


def test_hsts_is_sent_in_production(org, settings):
    # given the production HSTS settings (a new client builds its middleware with them)
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = Client().get("/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_api_answers_and_exports_are_not_stored_by_caches(org):
    client = Client()
    client.force_login(org.ma)
    api = client_for(org.ra1).get(url("customer-list"))
    refused = client_for().get(url("customer-list"))
    export = client.get("/reports/distribution/?export=csv")
    page = client.get("/customers/")
    assert api["Cache-Control"] == refused["Cache-Control"] == export["Cache-Control"] == "no-store"
    assert export["Content-Disposition"].startswith("attachment")
    assert "no-store" not in page.get("Cache-Control", "")


def test_cookies_are_httponly_and_samesite(org):
    client = Client()
    client.get("/login/")
    response = client.post("/login/", {"username": "ra1", "password": "pass-1234-word"})
    session = response.cookies["sessionid"]
    assert session["httponly"] is True and session["samesite"] == "Lax"


def test_production_cookies_are_secure(tmp_path):
    env = huike_env(tmp_path, HUIKE_DEBUG="0", HUIKE_SECRET_KEY=secrets.token_urlsafe(50))
    code = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT)")
    result = subprocess.run(huike("shell", "--no-imports", "-c", code), env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.split() == ["True"] * 5, result.stderr
