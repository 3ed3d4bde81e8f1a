"""No password, token, full phone or email in logs, error pages or redirect URLs (issue 7 point 10).

A known password, token, phone and email travel through login (failed and good), the token endpoint,
the API, pages and error answers while every logger writes at DEBUG to caplog and to a log file.
"""
import logging

from django.test import Client

from huike.core.api_testing import client_for, url
from huike.core.security.logging import RequestIdFilter
from huike.customers.models import Customer
from huike.testing.factories import make_user

PASSWORD = "Canary-Pw-7Q2x9Z"
PHONE = "13987654321"
EMAIL = "canary.mail@example.cn"


def _log_file(tmp_path):
    handler = logging.FileHandler(tmp_path / "huike.log", encoding="utf-8")
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    handler.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    return handler


def _altered(token: str) -> str:
    """The token with its last character changed (to another one: a token ending in "0" stays wrong)."""
    return token[:-1] + ("1" if token.endswith("0") else "0")


def _journey(org):
    """Every answer on the way: (what, response)."""
    rep = make_user("canary", team=org.team_a, password=PASSWORD)
    answers = []
    page = Client()
    answers.append(("failed page login", page.post("/login/", {"username": "canary", "password": PASSWORD + "x"})))
    answers.append(("failed page login, unknown", page.post("/login/", {"username": "ghost", "password": PASSWORD})))
    answers.append(("page login", page.post("/login/?next=/customers/", {"username": "canary", "password": PASSWORD})))
    answers.append(("failed token", client_for().post(url("auth-token"), {"username": "canary", "password": "no"},
                                                      format="json")))
    good = client_for().post(url("auth-token"), {"username": "canary", "password": PASSWORD}, format="json")
    token = good.json()["token"]
    api = client_for()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    created = api.post(url("customer-list"), {"name": "金丝雀科技有限公司", "contact_name": "黄莺", "phone": PHONE,
                                              "email": EMAIL}, format="json")
    answers.append(("api create", created))
    pk = created.json()["id"]
    answers += [
        ("api duplicate", api.post(url("customer-list"), {"name": "金丝雀科技有限公司", "contact_name": "黄莺",
                                                          "phone": PHONE, "email": EMAIL}, format="json")),
        ("api detail", api.get(url("customer-detail", pk))),
        ("api missing", api.get(url("customer-detail", 999999))),
        ("api forbidden", api.delete(url("customer-detail", pk))),
        ("api bad token", client_for().get(url("me"), HTTP_AUTHORIZATION=f"Token {_altered(token)}")),
        ("page list", page.get("/customers/")),
        ("page detail", page.get(f"/customers/{pk}/")),
        ("page missing", page.get("/customers/999999/")),
        ("page edit", page.post(f"/customers/{pk}/edit/", {"name": "金丝雀科技有限公司", "kind": "enterprise",
                                                           "contact_name": "黄莺", "phone": PHONE, "email": EMAIL,
                                                           "stage": "potential", "intent": "medium"})),
        ("page forbidden delete", page.post(f"/customers/{pk}/delete/")),
        ("logout", page.post("/logout/")),
    ]
    return rep, token, answers


def test_no_secret_reaches_logs_error_pages_or_redirects(org, caplog, tmp_path):
    # given every logger recording at DEBUG, to caplog and a file
    caplog.set_level(logging.DEBUG)
    handler = _log_file(tmp_path)
    try:
        # when the canaries travel through logins, the API and pages
        _rep, token, answers = _journey(org)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert Customer.objects.filter(phone="+86" + PHONE).count() == 1
    secrets = {"password": PASSWORD, "token": token, "phone": PHONE, "email": EMAIL,
               "phone as stored": "+86" + PHONE, "phone as shown": "139 8765 4321"}
    logs = caplog.text + (tmp_path / "huike.log").read_text(encoding="utf-8")
    # then no log line holds any of them (and the logs did record the journey)
    assert "Not Found" in logs or "Forbidden" in logs
    for name, secret in secrets.items():
        assert secret not in logs, name
    # and no redirect names them
    for what, response in answers:
        location = response.get("Location", "")
        for name, secret in secrets.items():
            assert secret not in location, (what, name)
    # and no refusal or error answer shows them
    errors = [(what, r) for what, r in answers if r.status_code in (401, 403, 404, 405, 409, 429, 500)]
    assert {w for w, _ in errors} >= {"api missing", "api forbidden", "api bad token", "page missing",
                                      "page forbidden delete", "api duplicate"}
    for what, response in errors:
        body = response.content.decode()
        for name, secret in secrets.items():
            assert secret not in body, (what, name)
    # and a failed login never shows the password back
    for what, response in answers:
        if what.startswith("failed"):
            assert PASSWORD not in response.content.decode(), what
