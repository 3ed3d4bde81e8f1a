"""The backup page in a browser: an admin sets the schedule and backs up now; zh-Hans and English,
laptop and phone width (screenshots in test-artifacts/screenshots)."""
import pytest

from huike.backups import services
from tests.e2e.conftest import DESKTOP, PHONE, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def backup_key(monkeypatch):
    monkeypatch.setenv("HUIKE_BACKUP_KEY", "backup-test-key-0123456789")


def test_admin_schedules_and_backs_up_now_on_a_laptop(new_page, org, media):
    page = new_page(DESKTOP)
    login(page, "admin")
    page.goto("/settings/backups/")
    page.select_option("#bk-frequency", "weekly")
    page.fill("#bk-at", "03:30")
    page.select_option("#bk-weekday", "6")
    page.fill("#bk-keep", "5")
    page.click("#backup-schedule button")
    page.wait_for_selector(".alert-success, .toast, [role=alert]")
    row = services.schedule_get()
    assert (row.frequency, row.at.strftime("%H:%M"), row.weekday, row.keep) == ("weekly", "03:30", 6, 5)
    page.click("#backup-now")
    page.wait_for_selector("#backup-list code")
    [backup] = services.backup_list()
    assert page.locator("#backup-list code").first.inner_text() == backup.name
    next_run = page.locator("#backup-next-run").inner_text()  # the page speaks zh-Hans by default
    assert next_run.startswith("下次自动备份: ") and next_run.endswith(" 03:30")
    shot(page, "desktop-backups-admin")


def test_the_page_reads_in_chinese_on_a_phone(browser, live_server, org, media):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="zh-CN")
    try:
        page = context.new_page()
        login(page, "admin")
        page.goto("/settings/backups/")
        assert page.locator("#backup-schedule button").inner_text().strip() == "保存"
        assert page.locator("#backup-list tbody tr").count() == 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]  # no sideways scrolling at phone width
        shot(page, "phone-backups-admin-zh")
    finally:
        context.close()
