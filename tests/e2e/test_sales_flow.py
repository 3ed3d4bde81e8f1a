"""The core flows as a person uses them: a rep registers a customer and follows up, the manager approves."""
import pytest
from playwright.sync_api import expect

from huike.customers.models import Customer
from huike.followups.models import FollowUp, ReviewStatus

from .conftest import DESKTOP, PHONE, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_rep_registers_a_customer_after_fixing_the_phone_and_the_manager_approves_the_follow_up(
        new_page, org, media, tmp_path):
    # given rep ra1 logged in (the page speaks Chinese by default)
    page = new_page(DESKTOP)
    login(page, "ra1")
    assert page.get_attribute("html", "lang") == "zh-Hans"
    shot(page, "desktop-dashboard-rep")

    # when they register a customer with a phone number that is one digit short
    page.click("#new-customer" if page.locator("#new-customer").count() else "a[href='/customers/new/']")
    page.fill("#id_name", "苏州云杉智能制造有限公司")
    page.fill("#id_contact_name", "陈静")
    page.fill("#id_contact_title", "采购经理")
    page.fill("#id_phone", "1381234567")
    page.select_option("#id_industry", "manufacturing")
    page.select_option("#id_intent", "high")
    page.fill("#id_tags", "高意向, 需技术支持")
    page.click("#save-customer")

    # then the phone error shows under the phone field and nothing is stored
    error = page.locator("#error-phone")
    error.wait_for()
    assert "13812345678" in error.inner_text()
    assert Customer.objects.count() == 0
    shot(page, "desktop-customer-form-phone-error")

    # when they correct the phone and save
    page.fill("#id_phone", "138 1234 5678")
    page.click("#save-customer")
    page.wait_for_selector("#customer-name")

    # then the customer exists, the page shows it with the national phone format
    customer = Customer.objects.get()
    assert customer.phone == "+8613812345678"
    assert page.inner_text("#customer-name") == "苏州云杉智能制造有限公司"
    assert page.inner_text("#customer-phone") == "138 1234 5678"

    # when they add a follow-up with a PDF attachment
    pdf = tmp_path / "方案报价.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% Huike e2e\n")
    page.select_option("#id_method", "visit")
    page.fill("#id_content", "上门拜访，演示了生产排程模块，客户认可")
    page.fill("#id_feedback", "希望下周提供报价")
    page.set_input_files("#fu-attachments", str(pdf))
    page.click("#save-followup")
    page.wait_for_selector(".tl-followup")

    # then the timeline shows it pending review, with its attachment
    followup = FollowUp.objects.get()
    assert followup.review_status == ReviewStatus.PENDING
    assert followup.attachments.get().original_name == "方案报价.pdf"
    item = page.locator(f"#followup-{followup.pk}")
    assert "上门拜访" in item.inner_text() and "方案报价.pdf" in item.inner_text()
    shot(page, "desktop-customer-detail")

    # when the manager logs in and approves it from the review queue
    manager = new_page(DESKTOP)
    login(manager, "ma")
    shot(manager, "desktop-dashboard-manager")
    manager.goto("/followups/review/")
    manager.wait_for_selector(f"#review-{followup.pk}")
    shot(manager, "desktop-review-queue")
    manager.click(f"#approve-{followup.pk}")
    manager.wait_for_selector(f"#review-{followup.pk} .badge.text-bg-success")

    # then it is approved by the manager
    followup.refresh_from_db()
    assert (followup.review_status, followup.reviewed_by_id) == (ReviewStatus.APPROVED, org.ma.pk)


def test_language_switch_between_chinese_and_english(new_page, org):
    # given rep ra1 on the customer list, in Chinese
    page = new_page(DESKTOP)
    login(page, "ra1")
    page.goto("/customers/")
    assert page.get_attribute("html", "lang") == "zh-Hans"

    # when they switch to English
    page.click("#lang-switch button[value='en']")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # then the page is English, they stay on the list, and the choice is saved on the user
    assert page.url.endswith("/customers/")
    assert "Customers" in page.inner_text("h1")
    org.ra1.refresh_from_db()
    assert org.ra1.language == "en"
    shot(page, "desktop-customer-list-en")

    # when they switch back to Chinese
    page.click("#lang-switch button[value='zh-hans']")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    org.ra1.refresh_from_db()
    assert org.ra1.language == "zh-hans"


def test_phone_layout_menu_list_and_detail(new_page, org):
    # given a manager with team customers, on a phone-sized screen
    from huike.testing.factories import make_customer, make_followup

    c = make_customer(org.ra1, name="深圳前海数据服务有限公司", intent="high", tags=["大客户"])
    make_customer(org.ra2, name="东莞长安五金制品厂", stage="intent")
    make_followup(c, org.ra1, content="电话沟通了续约意向")
    page = new_page(PHONE)
    login(page, "ma")
    shot(page, "phone-dashboard")

    # when they open the menu: the sidebar slides in as an offcanvas
    page.click("button[data-bs-toggle='offcanvas']")
    page.wait_for_selector("#sidebar.show")
    shot(page, "phone-menu")
    page.click("#sidebar a[href='/customers/']")

    # then the list shows as cards, and live search narrows it
    page.wait_for_selector("#customer-table")
    shot(page, "phone-customer-list")
    page.fill("#q", "前海")
    # a locator wait, not wait_for_function: that one evals a string, which the CSP forbids
    expect(page.locator("#customer-table")).not_to_contain_text("东莞")
    assert "深圳前海" in page.inner_text("#customer-table")

    # and the detail page works at phone width
    page.click("text=深圳前海数据服务有限公司")
    page.wait_for_selector("#customer-name")
    shot(page, "phone-customer-detail")
    page.goto("/customers/new/")
    shot(page, "phone-customer-form")
