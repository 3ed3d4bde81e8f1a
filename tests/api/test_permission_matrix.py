"""Every API route × method × role × ownership, generated from the URL resolver (R-1).

EXPECTED is the contract: a route or method without an entry fails the suite. Ownership is relative to
the caller: "own" = the caller's record, "team" = a teammate's, "other" = a member of the other team.
One world (built once for the module, rolled back at its end) serves every case; each case runs
inside a savepoint that is rolled back, so no case sees another's writes.
"""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import transaction

from huike.accounts.models import Role
from huike.classification.models import Run
from huike.core.api_testing import api_routes, client_for, customer_world, db_fingerprint, url
from huike.testing.factories import make_team, make_user, unique_mobile

ROLES = ("rep", "manager", "admin", "anonymous")
OWNERSHIPS = ("own", "team", "other")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def every(code):
    return (code, code, code)


def table(rep, manager, admin, anonymous=every(401)):
    return {"rep": rep, "manager": manager, "admin": admin, "anonymous": anonymous}


OPEN_READ = table(every(200), every(200), every(200))
ADMIN_CREATE = table(every(403), every(403), every(201))
SCOPED = table((200, 404, 404), (200, 200, 404), every(200))
SCOPED_DELETE = table((403, 404, 404), (204, 204, 404), every(204))
RECORD_CREATE = table((201, 400, 400), (201, 201, 400), every(201))  # an invisible customer id reads as missing

EXPECTED: dict[tuple[str, str], dict[str, tuple[int, int, int]]] = {
    ("auth-token", "POST"): table(every(200), every(200), every(200), anonymous=every(200)),
    ("me", "GET"): OPEN_READ,
    ("team-list", "GET"): OPEN_READ,
    ("team-list", "POST"): ADMIN_CREATE,
    ("team-detail", "GET"): OPEN_READ,
    ("team-detail", "PUT"): table(every(403), every(403), every(200)),
    ("team-detail", "PATCH"): table(every(403), every(403), every(200)),
    ("team-detail", "DELETE"): table(every(403), every(403), (400, 400, 204)),  # a team with members stays
    ("user-list", "GET"): OPEN_READ,
    ("user-list", "POST"): ADMIN_CREATE,
    ("user-detail", "GET"): SCOPED,
    ("user-detail", "PUT"): table((403, 404, 404), (403, 403, 404), every(200)),
    ("user-detail", "PATCH"): table((403, 404, 404), (403, 403, 404), every(200)),
    ("customer-list", "GET"): OPEN_READ,
    ("customer-list", "POST"): table((201, 403, 403), (201, 201, 403), every(201)),
    ("customer-detail", "GET"): SCOPED,
    ("customer-detail", "PUT"): SCOPED,
    ("customer-detail", "PATCH"): SCOPED,
    ("customer-detail", "DELETE"): SCOPED_DELETE,
    ("customer-history", "GET"): SCOPED,
    ("followup-review", "POST"): table((403, 404, 404), (200, 200, 404), every(200)),
    ("classification-run-list", "POST"): table(every(403), every(201), every(201)),
    ("classification-run-detail", "GET"): table(every(403), every(200), every(200)),
    ("classification-approvals", "GET"): table(every(403), every(200), every(200)),
    ("classification-approvals", "POST"): table(every(403), every(200), every(200)),
    ("classification-transitions", "GET"): OPEN_READ,
    ("report-distribution", "GET"): OPEN_READ,
    ("report-sales", "GET"): OPEN_READ,
    ("report-funnel", "GET"): OPEN_READ,
    ("reminder-list", "GET"): OPEN_READ,
    ("customer-export", "GET"): OPEN_READ,
    ("customer-merge", "POST"): table((403, 404, 404), (201, 201, 404), every(201)),
    ("export-detail", "GET"): table(*[(200, 404, 404)] * 3),  # an export is its maker's alone, admin's too
    ("export-download", "GET"): table(*[(200, 404, 404)] * 3),
}
# Routes that take no record and answer the same whoever owns what: (query string, body).
PLAIN_ROUTES = {
    "me": ("", None),
    "classification-run-list": ("", {"as_of": "2024-06-30"}),
    "classification-approvals": ("", {"ids": [999999], "approve": True}),
    "classification-transitions": ("?start=2024-01-01&end=2024-12-31", None),
    "report-distribution": ("?by=industry", None),
    "report-sales": ("?by=owner", None),
    "report-funnel": ("", None),
    "reminder-list": ("", None),
    "customer-export": ("?format=csv&fields=code,name", None),
}
# Successful writes that may legitimately change nothing (unknown ids are ignored).
MAY_WRITE_NOTHING = {("classification-approvals", "POST")}
for _resource in ("order", "contract", "followup", "complaint"):
    EXPECTED.update({
        (f"{_resource}-list", "GET"): OPEN_READ,
        (f"{_resource}-list", "POST"): RECORD_CREATE,
        (f"{_resource}-detail", "GET"): SCOPED,
        (f"{_resource}-detail", "PUT"): SCOPED,
        (f"{_resource}-detail", "PATCH"): SCOPED,
        (f"{_resource}-detail", "DELETE"): SCOPED_DELETE,
    })

TODAY = dt.date.today().isoformat()
RECORD_PAYLOADS = {
    "order": lambda c: {"customer": c, "date": TODAY, "amount": "1280.50", "product": "专业版"},
    "contract": lambda c: {"customer": c, "start_date": TODAY, "end_date": "2099-12-31", "amount": "50000.00"},
    "followup": lambda c: {"customer": c, "method": "visit", "content": "上门拜访，演示产品"},
    "complaint": lambda c: {"customer": c, "urgency": "urgent", "description": "发票开错"},
}
RECORD_PATCHES = {
    "order": {"paid_amount": "100.00", "paid_date": TODAY},
    "contract": {"disputed": True},
    "followup": {"feedback": "客户很满意"},
    "complaint": {"cause": "财务"},
}


def cast(world, role: str) -> SimpleNamespace:
    """The caller and the owners of its own / team / other records."""
    o = world.org
    callers = {"rep": o.ra1, "manager": o.ma, "admin": o.admin, "anonymous": None}
    owners = {
        "rep": (o.ra1, o.ra2, o.rb1), "manager": (o.ma, o.ra1, o.rb1),
        "admin": (o.admin, o.ra1, o.rb1), "anonymous": (o.ra1, o.ra2, o.rb1),
    }
    return SimpleNamespace(caller=callers[role], owners=dict(zip(OWNERSHIPS, owners[role])))


def build_request(world, name: str, method: str, caller, owner, ownership: str):
    """(path, payload) for one case; raises KeyError for a route nobody taught the matrix."""
    resource, _sep, kind = name.partition("-")
    records = world.records[owner.username]
    if name == "auth-token":
        who = caller or world.org.ra1
        return url(name), {"username": who.username, "password": "pass-1234-word"}
    if name in PLAIN_ROUTES:
        query, body = PLAIN_ROUTES[name]
        return url(name) + query, (None if method == "GET" else body)
    if name == "classification-run-detail":
        return url(name, world.run.pk), None
    if resource == "team":
        team = world.org.team_a if ownership != "other" else world.empty_team
        payload = {"name": "新团队" if method == "POST" else "更名团队"}
        return (url(name) if kind == "list" else url(name, team.pk)), payload
    if resource == "user":
        if kind == "list":
            return url(name), {"username": "newbie", "password": "pass-1234-word", "role": "rep",
                               "team": world.org.team_a.pk}
        payload = {"display_name": "新名字"} if method == "PATCH" else {"username": owner.username, "display_name": "新名字"}
        return url(name, owner.pk), payload
    if name == "customer-merge":  # another customer the caller may see (team A's ra2 for everyone who can)
        return url(name, records.customer.pk), {"other": world.records["ra2"].customer.pk}
    if resource == "export":
        from huike.dataio.testing import make_finished_export

        return url(name, make_finished_export(owner).pk), None
    if resource == "customer":
        customer = records.customer
        if kind == "list":
            return url(name), {"name": "新建测试有限公司", "contact_name": "王五", "phone": unique_mobile(),
                               "owner": owner.pk}
        if kind == "history":
            return url(name, customer.pk), None
        payload = {"remarks": "更新备注"} if method == "PATCH" else {"name": "改名有限公司", "contact_name": "李四"}
        return url(name, customer.pk), payload
    if name == "followup-review":
        return url(name, records.followup.pk), {"decision": "approve"}
    if kind == "list":
        return url(name), RECORD_PAYLOADS[resource](records.customer.pk)
    record = getattr(records, resource)
    payload = RECORD_PATCHES[resource] if method == "PATCH" else RECORD_PAYLOADS[resource](record.customer_id)
    return url(name, record.pk), payload


def test_every_api_route_and_method_has_an_entry():
    # given the routes the URL resolver knows
    routes = set(api_routes())
    # then the matrix covers exactly them: a new route without an entry fails here
    assert sorted(routes - set(EXPECTED)) == []
    assert sorted(set(EXPECTED) - routes) == []


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The org of conftest.py (teams A, B; ma, ra1, ra2 / mb, rb1; admin), records for each, an empty team."""
    with django_db_blocker.unblock(), transaction.atomic():
        team_a, team_b = make_team("华东销售部"), make_team("华南销售部")
        org = SimpleNamespace(
            team_a=team_a, team_b=team_b,
            ma=make_user("ma", role=Role.MANAGER, team=team_a), mb=make_user("mb", role=Role.MANAGER, team=team_b),
            ra1=make_user("ra1", team=team_a), ra2=make_user("ra2", team=team_a), rb1=make_user("rb1", team=team_b),
            admin=make_user("admin", role=Role.ADMIN),
        )
        team_a.manager, team_b.manager = org.ma, org.mb
        team_a.save(), team_b.save()
        built = customer_world(org)
        built.empty_team = make_team("空团队")
        built.run = Run.objects.create(as_of=dt.date(2024, 6, 30))
        yield built
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def clients(world):
    """One client per role for the module: a new test client rebuilds the middleware chain (slow)."""
    return {role: client_for(cast(world, role).caller) for role in ROLES}


@pytest.mark.parametrize(("name", "method"), sorted(EXPECTED), ids=[f"{n}:{m}" for n, m in sorted(EXPECTED)])
def test_permission_matrix(world, clients, db, name, method):
    # given one customer per user with each kind of record, and an empty team (the module's world)
    failures = []
    for role in ROLES:
        who = cast(world, role)
        for ownership, expected in zip(OWNERSHIPS, EXPECTED[(name, method)][role]):
            path, payload = build_request(world, name, method, who.caller, who.owners[ownership], ownership)
            with transaction.atomic():
                before = db_fingerprint() if method in WRITES else None
                # when the role calls the route on a record of that ownership
                response = clients[role].generic(
                    method, path, data=None if payload is None else _json(payload), content_type="application/json"
                )
                after = db_fingerprint() if method in WRITES else None
                transaction.set_rollback(True)
            # then the status is the promised one, and a refused write changed nothing
            case = f"{role}/{ownership}: {method} {path}"
            if response.status_code != expected:
                failures.append(f"{case} → {response.status_code} (expected {expected}) {response.content[:200]!r}")
            elif method in WRITES and expected >= 400 and before != after:
                failures.append(f"{case} → {expected} but the database changed")
            elif method in WRITES and expected < 300 and before == after and (name, method) not in MAY_WRITE_NOTHING:
                failures.append(f"{case} → {expected} but nothing was written")
    assert failures == []


def _json(payload) -> str:
    import json

    return json.dumps(payload)
