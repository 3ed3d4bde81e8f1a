"""Reports in a browser: each report draws its chart (a canvas, no console errors), numbers link to the
customers behind them, the chart downloads as PNG; screenshots on desktop and phone."""
import pytest

from huike.reports.tests.conftest import PERIOD, book  # noqa: F401  (the hand-built book fixture)

from .conftest import DESKTOP, PHONE, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
NAMES = ["distribution", "sales", "growth", "funnel", "followups", "health", "service"]
QUERY = "&".join(f"{k}={v}" for k, v in PERIOD.items())


def watch_errors(page) -> list[str]:
    """Console errors and failed requests (the browser's own favicon probe aside: the app has none)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error"
            and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)
    return errors


def assert_charts_drawn(page) -> int:
    charts = page.locator("[data-chart]")
    n = charts.count()
    for i in range(n):
        charts.nth(i).locator("canvas").wait_for()
    page.wait_for_timeout(450)  # let the 300 ms entry animation finish before a screenshot
    return n


def test_manager_opens_every_report_and_its_chart_is_drawn(new_page, book):  # noqa: F811
    page = new_page(DESKTOP)
    errors = watch_errors(page)
    login(page, "ma")
    assert_charts_drawn(page)  # the dashboard's small charts
    shot(page, "desktop-dashboard-manager")
    for name in NAMES:
        page.goto(f"/reports/{name}/?{QUERY}")
        assert assert_charts_drawn(page) >= 1, name
        shot(page, f"desktop-report-{name}")
    assert errors == []

    # a number in the funnel's table opens the customers behind it
    page.goto(f"/reports/funnel/?{QUERY}")
    page.locator("#funnel table tbody tr").nth(1).locator("td a").first.click()
    page.wait_for_url("**/customers/?*")
    assert page.locator("#report-filter").count() == 1
    assert page.locator("#customer-results tbody tr").count() == 3  # team A reached intent: c1, c2, c3

    # the chart downloads as a PNG
    page.goto(f"/reports/sales/?{QUERY}")
    assert_charts_drawn(page)
    with page.expect_download() as download:
        page.click("[data-png='sales-owner']")
    assert download.value.suggested_filename == "sales-owner.png"
    assert errors == []


def test_rep_sees_reports_on_a_phone(new_page, book):  # noqa: F811
    page = new_page(PHONE)
    errors = watch_errors(page)
    login(page, "ra1")
    assert_charts_drawn(page)
    shot(page, "phone-dashboard-rep")
    for name in ("sales", "funnel", "service"):
        page.goto(f"/reports/{name}/?{QUERY}")
        assert_charts_drawn(page)
        shot(page, f"phone-report-{name}")
    assert page.locator("select[name=owner]").count() == 0  # a rep only ever sees their own
    assert errors == []
