"""Recycle bin, masking and the stale-edit message as a person sees them (zh-Hans and English, laptop and phone)."""
import pytest

from huike.customers.models import Customer
from huike.customers.services import customer_delete, customer_update
from huike.testing.factories import make_customer, make_order
from huike.transactions.services import order_delete

from .conftest import DESKTOP, PHONE, login, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_admin_restores_a_deleted_customer_from_the_recycle_bin(new_page, org):
    # given a customer and an order deleted by the manager
    customer = make_customer(org.ra1, name="回收站恢复测试有限公司")
    order_delete(actor=org.ma, order=make_order(customer, org.ra1, product="年度服务"))
    customer_delete(actor=org.ma, customer=customer)
    page = new_page(PHONE)
    login(page, "admin")
    # when the admin opens the bin on a phone and restores the customer
    page.goto("/settings/recycle-bin/")
    assert page.locator("#bin-customers").inner_text().count("回收站恢复测试有限公司") == 1
    shot(page, "phone-recycle-bin")
    page.click(f"tr[data-customer='{customer.pk}'] button[name=restore]")
    page.wait_for_selector(".alert-success")
    # then it is live again and the bin no longer lists it
    assert Customer.objects.get(pk=customer.pk).deleted_at is None
    assert "回收站恢复测试有限公司" not in page.locator("#bin-customers").inner_text()
    page.set_viewport_size(DESKTOP)
    shot(page, "desktop-recycle-bin-after-restore")


def test_manager_sees_a_reps_contacts_masked(new_page, org):
    customer = make_customer(org.ra1, name="脱敏测试有限公司", phone="+8613577778888", email="alice@example.com")
    page = new_page(PHONE)
    login(page, "ma")
    page.goto(f"/customers/{customer.pk}/")
    assert page.locator("#customer-phone").inner_text() == "135****8888"
    assert page.locator("#customer-email").inner_text() == "a***@example.com"
    shot(page, "phone-customer-masked")


def test_a_stale_edit_shows_why_and_keeps_the_other_save(new_page, org):
    # given the rep opened the edit form, then the manager saved the customer
    customer = make_customer(org.ra1, name="并发编辑页面测试有限公司")
    page = new_page(DESKTOP)
    login(page, "ra1")
    page.goto(f"/customers/{customer.pk}/edit/")
    customer_update(actor=org.ma, customer=customer, data={"remarks": "主管先保存"})
    # when the rep saves
    page.fill("#id_remarks", "销售后保存")
    page.click("#save-customer")
    # then the page explains the conflict and the manager's save stands
    page.wait_for_selector("#stale-alert")
    shot(page, "desktop-customer-stale-edit")
    assert Customer.objects.get(pk=customer.pk).remarks == "主管先保存"


def test_purge_asks_first_and_a_dismissed_question_deletes_nothing(new_page, org):
    # given a deleted customer in the bin
    customer = make_customer(org.ra1, name="彻底删除确认测试有限公司")
    customer_delete(actor=org.admin, customer=customer)
    page = new_page(DESKTOP)
    login(page, "admin")
    page.goto("/settings/recycle-bin/")
    # when the admin presses "Delete permanently" and dismisses the question
    questions = []
    page.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
    page.click(f"tr[data-customer='{customer.pk}'] button[name=purge]")
    page.wait_for_timeout(300)
    # then it was asked (no inline script: the CSP-safe data-confirm) and the customer is still there
    assert len(questions) == 1
    assert Customer.objects.filter(pk=customer.pk).exists()
