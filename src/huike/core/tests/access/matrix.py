"""The expected answer of every route × method × role × ownership (issue 7, point 1).

How to read an entry: `route(target, METHOD=Expect(rep, manager, admin[, anon, gone]), bodies={METHOD: f})`.
A number applies to every ownership column; a tuple is (own, team, other): the record of the acting user, of a
teammate, of the other team (see matrix_runner.owner_for). Anonymous and deactivated users default to 401 on
the API and a redirect to the login page (302) on pages. Bodies are valid input, so a 2xx/3xx means the write
really happened (in a savepoint rolled back afterwards) and a refusal is the permission rule, not validation.

A new route fails `test_every_route_has_an_entry` until it gets a line here. Pages list GET and POST both.
"""
from __future__ import annotations

import datetime as dt

from huike.testing.factories import unique_mobile

from .matrix_runner import Expect, route


def any_user(code: int = 200) -> Expect:
    return Expect(code, code, code)


def public(code: int) -> Expect:
    return Expect(code, code, code, anon=code)


def scoped(code: int = 200) -> Expect:
    """R-1.1 reads and edits: reps their own, managers their team's, admins everything; else 404."""
    return Expect((code, 404, 404), (code, code, 404), code)


def managed(code: int = 200) -> Expect:
    """A manager/admin action (delete, review, assign): a rep gets 403 on its own record, 404 on others'."""
    return Expect((403, 404, 404), (code, code, 404), code)


def managers(code: int = 200) -> Expect:
    return Expect(403, code, code)


def admins(code: int = 200) -> Expect:
    return Expect(403, 403, code)


NO = any_user(405)  # a method the route does not take (anonymous users are still sent to log in first)


# --- valid bodies: f(world, record, actor) → dict -------------------------------------------------------------

def _own(world, actor):
    return world.records[(actor or world.org.ra1).username]


def new_customer(world, record, actor):
    return {"name": f"接入测试{unique_mobile()}有限公司", "contact_name": "王五", "phone": unique_mobile()}


def customer_patch(world, record, actor):
    return {"remarks": "更新备注"}


def customer_put(world, record, actor):
    return {"name": record.name, "contact_name": "李四", "phone": unique_mobile()}


def new_followup(world, record, actor):
    return {"customer": _own(world, actor).customer.pk, **followup_patch(world, record, actor)}


def followup_patch(world, record, actor):
    return {"method": "visit", "content": "上门拜访", "occurred_at": (dt.datetime.now(dt.timezone.utc)
                                                                      - dt.timedelta(hours=2)).isoformat()}


def new_order(world, record, actor):
    return {"customer": _own(world, actor).customer.pk, **order_fields(world, record, actor)}


def order_put(world, record, actor):
    return {"customer": record.customer_id, **order_fields(world, record, actor)}


def order_fields(world, record, actor):
    return {"date": dt.date.today().isoformat(), "amount": "200.00", "product": "年费"}


def new_contract(world, record, actor):
    return {"customer": _own(world, actor).customer.pk, **contract_fields(world, record, actor)}


def contract_put(world, record, actor):
    return {"customer": record.customer_id, **contract_fields(world, record, actor)}


def contract_fields(world, record, actor):
    today = dt.date.today()
    return {"start_date": today.isoformat(), "end_date": (today + dt.timedelta(days=30)).isoformat(), "amount": "900.00"}


def new_complaint(world, record, actor):
    return {"customer": _own(world, actor).customer.pk, "description": "交付延迟"}


def complaint_put(world, record, actor):
    return {"customer": record.customer_id, **complaint_patch(world, record, actor)}


def followup_put(world, record, actor):
    return {"customer": record.customer_id, **followup_patch(world, record, actor)}


def complaint_patch(world, record, actor):
    return {"description": "交付延迟两周"}


def review(world, record, actor):
    return {"decision": "approve", "comment": ""}


def page_review(world, record, actor):
    return {"decision": "approve", "review_comment": ""}


def page_customer(world, record, actor):
    return {"name": getattr(record, "name", f"页面测试{unique_mobile()}公司"), "kind": "enterprise",
            "contact_name": "赵六", "phone": unique_mobile(), "stage": "potential", "intent": "medium"}


def assign_to_teammate(world, record, actor):
    return {"owner": world.org.ra2.pk}


def bulk_review(world, record, actor):
    return {"ids": [r.followup.pk for r in world.records.values()]}


def new_team(world, record, actor):
    return {"name": "新团队"}


def new_user(world, record, actor):
    return {"username": "newrep", "password": "pass-1234-word-x", "role": "rep", "team": world.org.team_a.pk}


def user_patch(world, record, actor):
    return {"display_name": "改名"}


def merge_other(world, record, actor):
    # the teammate's customer: visible to the manager of team A, not to a rep
    return {"other": world.records["ra2"].customer.pk}


def snooze(world, record, actor):
    return {"until": (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)).isoformat()}


def run_as_of(world, record, actor):
    return {"as_of": dt.date.today().isoformat()}


MATRIX = {
    # --- API: accounts --------------------------------------------------------------------------------------
    "api:auth-token": route(POST=public(400), GET=public(405)),
    "api:me": route(GET=any_user()),
    "api:team-list": route(GET=any_user(), POST=admins(201), bodies={"POST": new_team}),
    "api:team-detail": route("team", GET=any_user(), PATCH=admins(), PUT=admins(), DELETE=admins(400),
                             bodies={"PATCH": new_team, "PUT": new_team}),
    "api:user-list": route(GET=any_user(), POST=admins(201), bodies={"POST": new_user}),
    "api:user-detail": route("user", GET=scoped(), PATCH=Expect((403, 404, 404), (403, 403, 404), 200),
                             PUT=Expect((403, 404, 404), (403, 403, 404), 400), bodies={"PATCH": user_patch}),
    # --- API: customers and their records ---------------------------------------------------------------------
    "api:customer-list": route(GET=any_user(), POST=any_user(201), bodies={"POST": new_customer}),
    "api:customer-detail": route("customer", GET=scoped(), PATCH=scoped(), PUT=scoped(), DELETE=managed(204),
                                 bodies={"PATCH": customer_patch, "PUT": customer_put}),
    "api:customer-history": route("customer", GET=scoped()),
    "api:followup-list": route(GET=any_user(), POST=any_user(201), bodies={"POST": new_followup}),
    "api:followup-detail": route("followup", GET=scoped(), PATCH=scoped(), PUT=scoped(), DELETE=managed(204),
                                 bodies={"PATCH": followup_patch, "PUT": followup_put}),
    "api:followup-review": route("followup", POST=managed(), bodies={"POST": review}),
    "api:order-list": route(GET=any_user(), POST=any_user(201), bodies={"POST": new_order}),
    "api:order-detail": route("order", GET=scoped(), PATCH=scoped(), PUT=scoped(), DELETE=managed(204),
                              bodies={"PATCH": order_fields, "PUT": order_put}),
    "api:contract-list": route(GET=any_user(), POST=any_user(201), bodies={"POST": new_contract}),
    "api:contract-detail": route("contract", GET=scoped(), PATCH=scoped(), PUT=scoped(), DELETE=managed(204),
                                 bodies={"PATCH": contract_fields, "PUT": contract_put}),
    "api:complaint-list": route(GET=any_user(), POST=any_user(201), bodies={"POST": new_complaint}),
    "api:complaint-detail": route("complaint", GET=scoped(), PATCH=scoped(), PUT=scoped(), DELETE=managed(204),
                                  bodies={"PATCH": complaint_patch, "PUT": complaint_put}),
    # --- API: classification, reports, reminders -------------------------------------------------------------
    "api:classification-run-list": route(POST=managers(201), GET=NO, bodies={"POST": run_as_of}),
    "api:classification-run-detail": route("run", GET=managers()),
    "api:classification-approvals": route(GET=managers(), POST=Expect(403, 400, 400)),
    "api:classification-transitions": route(GET=any_user(), query="dimension=value_tier&start=2026-01-01&end=2026-02-01"),
    "api:report-distribution": route(GET=any_user(), query="by=industry"),
    "api:report-sales": route(GET=any_user(), query="by=owner"),
    "api:report-funnel": route(GET=any_user()),
    "api:reminder-list": route(GET=any_user()),
    # a reminder is its user's alone, whatever the role
    "api:reminder-done": route("reminder", POST=any_user((200, 404, 404))),
    "api:reminder-snooze": route("reminder", POST=any_user((200, 404, 404)), bodies={"POST": snooze}),
    # --- pages: sign-in and the dashboard -----------------------------------------------------------------------
    "login": route(GET=Expect(302, 302, 302, anon=200), POST=Expect(302, 302, 302, anon=200)),
    "logout": route(GET=public(405), POST=public(302)),
    "language": route(GET=public(405), POST=public(302)),
    "set_language": route(GET=public(302), POST=public(302)),
    "javascript-catalog": route(GET=public(200), POST=public(405)),
    "schema": route(GET=public(200), POST=public(405)),
    "api-docs": route(GET=public(200), POST=public(405)),
    "dashboard": route(GET=any_user(), POST=any_user()),
    "password_change": route(GET=any_user(), POST=any_user(400)),  # an empty form: 400 with errors, nothing changes
    # --- pages: settings (admin only) ------------------------------------------------------------------------
    "accounts:users": route(GET=admins(), POST=admins()),
    "accounts:user_create": route(GET=admins(), POST=admins()),
    "accounts:user_edit": route("user", GET=admins(), POST=admins()),
    "accounts:teams": route(GET=admins(), POST=admins()),
    "accounts:team_create": route(GET=admins(), POST=admins(302), bodies={"POST": new_team}),
    "accounts:team_edit": route("team", GET=admins(), POST=admins()),
    "accounts:team_delete": route("team", GET=admins(405), POST=admins(302)),
    "configuration:index": route(GET=admins(), POST=admins()),
    "configuration:option_add": route(GET=admins(405), POST=admins(302)),
    "configuration:option_edit": route("option", GET=admins(405), POST=admins(302)),
    "configuration:cadence_edit": route("cadence", GET=admins(405), POST=admins(302)),
    "configuration:deadline_edit": route("deadline", GET=admins(405), POST=admins(302)),
    # --- pages: customers and their records -----------------------------------------------------------------
    "customers:list": route(GET=any_user(), POST=any_user()),
    "customers:create": route(GET=any_user(), POST=any_user(302), bodies={"POST": page_customer}),
    "customers:detail": route("customer", GET=scoped(), POST=scoped()),
    "customers:edit": route("customer", GET=scoped(), POST=scoped(302), bodies={"POST": page_customer}),
    "customers:assign": route("customer", GET=NO, POST=managed(302), bodies={"POST": assign_to_teammate}),
    "customers:delete": route("customer", GET=NO, POST=managed(302)),
    "followups:create": route("customer", GET=NO, POST=scoped(302), bodies={"POST": followup_patch}),
    "followups:edit": route("followup", GET=scoped(), POST=scoped(302), bodies={"POST": followup_patch}),
    "followups:review": route(GET=any_user(), POST=any_user()),
    "followups:review_action": route("followup", GET=NO, POST=managed(302), bodies={"POST": page_review}),
    "followups:review_bulk": route(GET=NO, POST=managers(302), bodies={"POST": bulk_review}),
    "followups:overdue": route(GET=any_user(), POST=any_user()),
    "followups:attachment": route("attachment", GET=scoped(), POST=scoped()),
    "transactions:orders": route(GET=any_user(), POST=NO),
    "transactions:order_create": route(GET=any_user(), POST=any_user()),
    "transactions:order_edit": route("order", GET=scoped(), POST=scoped()),
    "transactions:order_delete": route("order", GET=NO, POST=managed(302)),
    "transactions:contracts": route(GET=any_user(), POST=NO),
    "transactions:contract_create": route(GET=any_user(), POST=any_user()),
    "transactions:contract_edit": route("contract", GET=scoped(), POST=scoped()),
    "transactions:contract_delete": route("contract", GET=NO, POST=managed(302)),
    "service:list": route(GET=any_user(), POST=NO),
    "service:create": route(GET=any_user(), POST=any_user()),
    "service:detail": route("complaint", GET=scoped(), POST=scoped()),
    "service:edit": route("complaint", GET=scoped(), POST=scoped()),
    "service:delete": route("complaint", GET=NO, POST=managed(302)),
    # --- pages: reminders, classification, reports --------------------------------------------------------
    "automation:reminders": route(GET=any_user(), POST=any_user()),
    # a reminder is its user's alone: even a manager or an admin cannot tick off someone else's
    "automation:reminder_done": route("reminder", GET=NO, POST=Expect((302, 404, 404), (302, 404, 404),
                                                                      (302, 404, 404))),
    "classification:overview": route(GET=any_user(), POST=any_user()),
    "classification:run_start": route(GET=NO, POST=managers(302)),
    "classification:run_status": route("run", GET=managers(), POST=managers()),
    "classification:transition_customers": route(GET=any_user(), POST=any_user(),
                                                 query="dimension=value_tier&from=low&to=high"),
    "classification:reclassify": route("customer", GET=NO, POST=managed(302)),
    "classification:approvals": route(GET=managers(), POST=managers(302)),
    "classification:rules": route(GET=admins(), POST=admins(400)),
    "classification:what_if": route(GET=admins(405), POST=admins(400)),
    "classification:strategies": route(GET=any_user(), POST=any_user()),
    "classification:strategy_edit": route("strategy", GET=admins(405), POST=admins(400)),
    "reports:index": route(GET=any_user(), POST=any_user()),
    "reports:report": route(kwargs={"name": "funnel"}, GET=any_user(), POST=any_user()),
    # --- data in and out: exports, imports, duplicates and merges (R-11, R-2.3) ---------------------------------
    "api:customer-export": route(GET=any_user(), query="format=csv&fields=code,name"),
    "api:customer-merge": route("customer", POST=managed(201), bodies={"POST": merge_other}),
    # exports and imports are their user's own, whatever the role (an admin reads every import)
    "api:export-detail": route("export", GET=any_user((200, 404, 404))),
    # only a background export keeps a file: the world's small ones are answered inline, so there is none
    "api:export-download": route("export", GET=any_user(404)),
    "api:import-list": route(POST=any_user(400)),
    "api:import-detail": route("import_job", GET=Expect((200, 404, 404), (200, 404, 404), 200)),
    "dataio:export": route(GET=any_user(), POST=any_user()),
    "dataio:export_detail": route("export", GET=any_user((200, 404, 404)), POST=any_user((200, 404, 404))),
    "dataio:export_download": route("export", GET=any_user(404), POST=any_user(404)),
    "dataio:duplicates": route(GET=managers(), POST=managers()),
    "dataio:scan": route(GET=NO, POST=managers(302)),
    "dataio:merge": route(GET=NO, POST=any_user(404)),  # without both customers' ids there is nothing to merge
    "dataio:merge_detail": route("merge", GET=Expect(403, (200, 200, 404), 200), POST=Expect(403, (200, 200, 404), 200)),
    "dataio:merge_undo": route("merge", GET=NO, POST=managed(302)),
    "imports:list": route(GET=any_user(), POST=any_user()),
    "imports:new": route(GET=any_user(), POST=any_user()),
    "imports:detail": route("import_job", GET=Expect((200, 404, 404), (200, 404, 404), 200),
                            POST=Expect((200, 404, 404), (200, 404, 404), 200)),
    "imports:mapping": route("import_job", GET=Expect((302, 404, 404), (302, 404, 404), 302),
                             POST=Expect((302, 404, 404), (302, 404, 404), 302)),
    "imports:preview": route("import_job", GET=Expect((302, 404, 404), (302, 404, 404), 302),
                             POST=Expect((302, 404, 404), (302, 404, 404), 302)),
    "imports:progress": route("import_job", GET=Expect((200, 404, 404), (200, 404, 404), 200),
                              POST=Expect((200, 404, 404), (200, 404, 404), 200)),
    "imports:resume": route("import_job", GET=NO, POST=Expect((302, 404, 404), (302, 404, 404), 302)),
    "imports:start": route("import_job", GET=NO, POST=Expect((302, 404, 404), (302, 404, 404), 302)),
    "imports:error_file": route("import_job", kwargs={"fmt": "csv"}, GET=any_user(404), POST=any_user(404)),
    # --- notifications and the calendar: each user's own ---------------------------------------------------------
    "api:notification-list": route(GET=any_user()),
    "api:notification-unread-count": route(GET=any_user()),
    "api:notification-read-all": route(POST=any_user()),
    "api:notification-read": route("notification", POST=any_user((200, 404, 404))),
    "notifications:index": route(GET=any_user(), POST=any_user()),
    "notifications:badge": route(GET=any_user(), POST=any_user()),
    "notifications:preferences": route(GET=NO, POST=any_user(302)),
    "notifications:read": route("notification", GET=NO, POST=any_user((302, 404, 404))),
    "notifications:read_all": route(GET=NO, POST=any_user(302)),
    "automation:calendar": route(GET=any_user(), POST=any_user()),
    "automation:calendar_token": route(GET=NO, POST=any_user(302)),
    # the iCalendar feed authenticates by its secret token alone: a wrong one is a 404 for everyone
    "automation:ical": route(kwargs={"token": "not-a-token"}, GET=public(404), POST=public(404)),
    "automation:reminder_snooze": route("reminder", GET=NO, POST=any_user((302, 404, 404))),
    "automation:suggestion": route("suggestion", GET=NO, POST=any_user((302, 404, 404))),
    # --- admin settings: automation rules, backups, audit log, recycle bin -----------------------------------
    "rules:list": route(GET=admins(), POST=admins()),
    "rules:create": route(GET=admins(), POST=admins(400)),
    "rules:edit": route("rule", GET=admins(), POST=admins(400)),
    "rules:toggle": route("rule", GET=NO, POST=admins(302)),
    "rules:delete": route("rule", GET=NO, POST=admins(403)),  # the world's rules are built in: off, never deleted
    "rules:dry_run": route(GET=NO, POST=admins(400)),
    "rules:action_retry": route("absent", GET=NO, POST=admins(404)),
    "rules:keyword_add": route(GET=NO, POST=admins(302)),
    "rules:keyword_delete": route("keyword", GET=NO, POST=admins(302)),
    "rules:delivery_retry": route("absent", GET=NO, POST=admins(404)),
    "backups:index": route(GET=admins(), POST=admins()),
    "backups:run": route(GET=admins(405), POST=admins(302)),
    "backups:schedule": route(GET=admins(405), POST=admins(302)),
    "audit:list": route(GET=admins(), POST=any_user(405)),
    "recycle:index": route(GET=admins(), POST=any_user(405)),
    "recycle:customer_restore": route("deleted_customer", GET=NO, POST=admins(302)),
    "recycle:customer_purge": route("deleted_customer", GET=NO, POST=admins(302)),
    "recycle:record_restore": route("binned", GET=NO, POST=admins(302)),
    "recycle:record_purge": route("binned", GET=NO, POST=admins(302)),
    "service:survey_create": route(GET=any_user(404), POST=any_user(404)),  # opened from a complaint (?complaint=)
}
