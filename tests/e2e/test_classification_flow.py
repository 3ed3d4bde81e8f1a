"""Classification as a manager and an admin use it: run, read the charts and the evidence, preview new rules."""
import datetime as dt
from decimal import Decimal

import pytest

from huike.classification.models import Change, ChangeStatus, Run, ThresholdSet
from huike.classification.services import run_create, run_execute
from huike.testing.factories import make_customer, make_order

from .conftest import DESKTOP, PHONE, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _book(org):
    """Six customers of team A with orders this autumn, from a strategic one down to a prospect."""
    amounts = {"华东精工集团有限公司": "1200000", "苏州云杉智能制造有限公司": "600000", "杭州明远科技有限公司": "250000",
               "宁波海风物流有限公司": "80000", "无锡小河商贸有限公司": "20000"}
    customers = {}
    for i, (name, amount) in enumerate(amounts.items()):
        c = make_customer(org.ra1 if i % 2 else org.ra2, name=name, core_business=i == 0)
        make_order(c, c.owner, date=dt.date.today() - dt.timedelta(days=40), amount=Decimal(amount))
        customers[name] = c
    customers["prospect"] = make_customer(org.ra1, name="上海新客户有限公司")
    return customers


def _watch_console(page) -> list[str]:
    errors: list[str] = []
    # the browser's own favicon request 404s on every page of the app; it is not a page error
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and "favicon" not in (m.location or {}).get("url", "") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_manager_runs_the_classification_and_reads_the_evidence_then_admin_previews_rules(new_page, org):
    customers = _book(org)
    # given manager ma on the overview (English), before any run
    page = new_page(DESKTOP)
    errors = _watch_console(page)
    login(page, "ma")
    page.click("#lang-switch button[value='en']")
    page.goto("/classification/")
    assert "No classification run yet." in page.inner_text("#latest-run")

    # when they run the classification as of today
    page.click("#run-now")
    page.wait_for_selector("#run-status[data-status='done']")

    # then the run is done and, on reload, the charts draw on canvases
    assert Run.objects.get().status == "done"
    page.click("#run-refresh")
    page.wait_for_selector("[data-chart='value_tier'] canvas")
    for key in ("value_tier", "value_class", "relationship_type", "revenue"):
        assert page.locator(f"[data-chart='{key}'] canvas").count() >= 1, key
    assert "Segment 1" in page.inner_text("#segments")
    page.wait_for_timeout(700)  # let the charts' short entry animation finish before the screenshot
    shot(page, "desktop-classification-overview")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(700)  # the charts resize after a short debounce, then animate
    shot(page, "phone-classification-overview")
    page.set_viewport_size(DESKTOP)

    # when they follow the relationship-type count to the customer list and open the strategic customer
    page.click("#dist-relationship_type a.dist-link >> nth=0")
    page.wait_for_url("**/customers/?relationship_type=*")
    big = customers["华东精工集团有限公司"]
    page.goto(f"/customers/{big.pk}/")
    page.click("#cls-why summary")

    # then the panel states the classes and why, rule by rule
    panel = page.inner_text("#classification-panel")
    assert "Strategic customer" in panel and "¥1,200,000" in panel
    assert page.locator("#cls-why .cls-checks li").count() >= 15
    page.locator("#classification-panel").scroll_into_view_if_needed()
    shot(page, "desktop-customer-classification-panel")
    assert errors == []

    # when the admin previews a higher strategic threshold on the rules page
    admin = new_page(DESKTOP)
    admin_errors = _watch_console(admin)
    login(admin, "admin")
    admin.click("#lang-switch button[value='en']")
    admin.goto("/classification/rules/")
    admin.fill("#id_class_strategic_min", "700000")
    admin.click("#rule-order li[data-rule='strategic'] [data-move='up']")
    admin.click("#what-if")
    admin.wait_for_selector("#what-if-card .what-if-matrix")

    # then the matrices show the move, the rule moved to the top, and nothing was saved
    assert admin.locator("#what-if-card td.moved").count() >= 1
    assert admin.locator("#rule-order li").first.get_attribute("data-rule") == "strategic"
    assert ThresholdSet.objects.count() == 0
    admin.locator("#what-if-card").scroll_into_view_if_needed()
    shot(admin, "desktop-classification-what-if")
    assert admin_errors == []

    # given the prospect's first big order, classified by a second run: its class change now waits
    prospect = customers["prospect"]
    make_order(prospect, prospect.owner, date=dt.date.today() - dt.timedelta(days=5), amount=Decimal("800000"))
    run_execute(run_create(actor=org.admin).pk)  # the worker (immediate in tests) has run it; this is a no-op
    change = Change.objects.get(customer=prospect, status=ChangeStatus.PENDING)

    # when the manager, on a phone, reads the panel and approves the change from the queue
    phone = new_page(PHONE)
    login(phone, "ma")
    phone.goto(f"/customers/{big.pk}/")
    phone.locator("#classification-panel").scroll_into_view_if_needed()
    shot(phone, "phone-customer-classification-panel")
    # and the prospect's history: its first classification, then the big order's moves, the class waiting
    phone.goto(f"/customers/{prospect.pk}/")
    history = phone.locator("#cls-history")
    history.scroll_into_view_if_needed()
    assert history.locator("li").count() == 2
    assert history.locator("li").first.locator(".badge.text-bg-warning").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "phone-customer-classification-history")
    page.goto(f"/customers/{prospect.pk}/")
    page.locator("#cls-history").scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    shot(page, "desktop-customer-classification-history")
    phone.goto("/classification/approvals/")
    phone.wait_for_selector(f"#change-{change.pk}")
    shot(phone, "phone-classification-approvals")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.click(f"#approve-{change.pk}")
    phone.wait_for_selector("#approvals-empty")

    # then the new class is in force
    prospect.refresh_from_db()
    assert prospect.value_class == "strategic"

    # and the admin's rules page fits a phone
    admin_phone = new_page(PHONE)
    login(admin_phone, "admin")
    admin_phone.goto("/classification/rules/")
    shot(admin_phone, "phone-classification-rules")
    assert admin_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # when the manager switches to Chinese
    page.click("#lang-switch button[value='zh-hans']")
    page.goto("/classification/")
    page.wait_for_selector("[data-chart='value_tier'] canvas")

    # then the overview and the customer's panel read in Chinese, on a laptop and on a phone
    assert page.inner_text(".page-head h1") == "客户分类"
    page.wait_for_timeout(700)  # the charts' entry animation
    shot(page, "desktop-classification-overview-zh")
    page.goto(f"/customers/{big.pk}/")
    panel = page.inner_text("#classification-panel")
    assert "价值等级" in panel and "分类变更记录" in panel and "；" in panel
    page.set_viewport_size(PHONE)
    page.locator("#classification-panel").scroll_into_view_if_needed()
    shot(page, "phone-customer-classification-panel-zh")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []
