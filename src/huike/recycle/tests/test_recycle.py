"""R-12.2: deletes are soft; admins list, restore (with everything that hung on the record) or purge."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from huike.audit.models import AuditEntry
from huike.core.api_testing import db_fingerprint
from huike.core.errors import FieldErrors, Forbidden
from huike.customers.models import Customer
from huike.customers.services import customer_delete
from huike.followups.models import Attachment, FollowUp
from huike.followups.services import followup_create, followup_delete
from huike.recycle import services
from huike.recycle.models import BinnedRecord
from huike.service.models import Complaint
from huike.service.services import complaint_delete
from huike.testing.factories import make_complaint, make_customer, make_order, unique_mobile
from huike.transactions.models import Order
from huike.transactions.services import order_delete

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def _followup_with_file(customer, author):
    return followup_create(actor=author, customer=customer, files=[SimpleUploadedFile("card.png", PNG)], data={
        "method": "phone", "content": "电话沟通", "occurred_at": timezone.now() - dt.timedelta(hours=1)})


def test_followup_delete_keeps_rows_and_file_in_the_bin_and_restore_brings_them_back(org, media):
    # given a follow-up with an attachment, deleted by the manager
    customer = make_customer(org.ra1)
    followup = _followup_with_file(customer, org.ra1)
    followup_id, attachment = followup.pk, followup.attachments.get()
    followup_delete(actor=org.ma, followup=followup)
    assert not FollowUp.objects.filter(pk=followup_id).exists()
    assert default_storage.exists(attachment.file.name)
    binned = BinnedRecord.objects.get(object_type="followups.followup", object_id=followup_id)
    assert (binned.customer_id, binned.deleted_by) == (customer.pk, org.ma)
    # when the admin restores it
    services.record_restore(actor=org.admin, pk=binned.pk)
    # then the follow-up and its attachment are back under their ids, the bin is empty, the restore is audited
    restored = FollowUp.objects.get(pk=followup_id)
    assert (restored.content, restored.author_id) == ("电话沟通", org.ra1.pk)
    assert list(restored.attachments.values_list("pk", "original_name")) == [(attachment.pk, "card.png")]
    assert BinnedRecord.objects.count() == 0
    assert Customer.objects.get(pk=customer.pk).last_followup_at == restored.occurred_at
    entry = AuditEntry.objects.filter(action="restore").get()
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("followups.followup", followup_id, org.admin.pk)


def test_order_and_complaint_deletes_are_restorable(org):
    # given an order and a complaint deleted by the manager
    customer = make_customer(org.ra1)
    order, complaint = make_order(customer, org.ra1), make_complaint(customer, org.ra1)
    order_id, complaint_id = order.pk, complaint.pk
    order_delete(actor=org.ma, order=order)
    complaint_delete(actor=org.ma, complaint=complaint)
    # when the admin restores both
    for binned in BinnedRecord.objects.all():
        services.record_restore(actor=org.admin, pk=binned.pk)
    # then they are back as they were
    assert Order.objects.get(pk=order_id).amount == order.amount
    assert Complaint.objects.get(pk=complaint_id).description == complaint.description


def test_purge_of_a_record_removes_rows_and_file_and_is_audited(org, media, django_capture_on_commit_callbacks):
    # given a deleted follow-up with a file in the bin
    followup = _followup_with_file(make_customer(org.ra1), org.ra1)
    followup_id, name = followup.pk, followup.attachments.get().file.name
    followup_delete(actor=org.admin, followup=followup)
    binned = BinnedRecord.objects.get()
    # when the admin purges it (the file goes once the purge is committed)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_purge(actor=org.admin, pk=binned.pk)
    # then nothing is left, and the purge is in the audit log under the record's own type
    assert BinnedRecord.objects.count() == 0 and not Attachment.objects.exists()
    assert not default_storage.exists(name)
    entry = AuditEntry.objects.get(action="purge")
    assert (entry.object_type, entry.object_id) == ("followups.followup", followup_id)


def test_customer_restore_brings_back_everything_that_hung_on_it(org):
    # given a customer with an order, soft-deleted by its manager
    customer = make_customer(org.ra1)
    order = make_order(customer, org.ra1)
    customer_delete(actor=org.ma, customer=customer)
    assert Customer.objects.get(pk=customer.pk).deleted_at is not None
    # when the admin restores it
    services.customer_restore(actor=org.admin, pk=customer.pk)
    # then the customer is live again with its order, and the restore is audited
    assert Customer.objects.get(pk=customer.pk).deleted_at is None
    assert list(Customer.objects.get(pk=customer.pk).orders.values_list("pk", flat=True)) == [order.pk]
    assert AuditEntry.objects.filter(action="restore", object_id=customer.pk).count() == 1


def test_customer_restore_refused_when_a_live_customer_took_its_phone(org):
    # given a deleted customer whose phone a new customer now has
    phone = unique_mobile()
    old = make_customer(org.ra1, phone=phone)
    customer_delete(actor=org.admin, customer=old)
    make_customer(org.ra2, phone=phone)
    before = db_fingerprint()
    # when the admin tries to restore it
    with pytest.raises(FieldErrors) as refused:
        services.customer_restore(actor=org.admin, pk=old.pk)
    # then it is refused with a reason and nothing changed
    assert list(refused.value.errors) == ["customer"]
    assert db_fingerprint() == before


def test_customer_purge_hard_deletes_it_with_its_records_and_binned_records(org):
    # given a deleted customer with an order and a binned complaint
    customer = make_customer(org.ra1)
    order = make_order(customer, org.ra1)
    complaint_delete(actor=org.admin, complaint=make_complaint(customer, org.ra1))
    customer_delete(actor=org.admin, customer=customer)
    # when the admin purges it
    services.customer_purge(actor=org.admin, pk=customer.pk)
    # then the customer, its order and its binned complaint are gone; the audit log keeps the purge
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert not Order.objects.filter(pk=order.pk).exists()
    assert BinnedRecord.objects.count() == 0
    assert AuditEntry.objects.filter(action="purge", object_id=customer.pk).count() == 1


@pytest.mark.parametrize("who", ["ra1", "ma"])
def test_only_admins_restore_or_purge(org, who):
    # given a deleted customer and a binned order
    customer = make_customer(org.ra1)
    order_delete(actor=org.admin, order=make_order(customer, org.ra1))
    customer_delete(actor=org.admin, customer=customer)
    binned = BinnedRecord.objects.get()
    before = db_fingerprint()
    # when a rep or a manager tries each action
    for action, pk in ((services.customer_restore, customer.pk), (services.customer_purge, customer.pk),
                       (services.record_restore, binned.pk), (services.record_purge, binned.pk)):
        with pytest.raises(Forbidden):
            action(actor=getattr(org, who), pk=pk)
    # then nothing changed
    assert db_fingerprint() == before


def test_a_live_customer_cannot_be_restored_or_purged(org):
    # given a live customer: the bin does not know it
    customer = make_customer(org.ra1)
    from huike.core.errors import NotFound

    with pytest.raises(NotFound):
        services.customer_purge(actor=org.admin, pk=customer.pk)
    assert Customer.objects.filter(pk=customer.pk, deleted_at__isnull=True).exists()


def test_bin_page_lists_and_restores(org, client):
    # given a deleted customer and a binned order
    customer = make_customer(org.ra1, name="回收站测试有限公司")
    order_delete(actor=org.admin, order=make_order(customer, org.ra1, product="回收产品"))
    customer_delete(actor=org.admin, customer=customer)
    client.force_login(org.admin)
    # when the admin opens the bin
    page = client.get(reverse("recycle:index"))
    # then both are listed
    html = page.content.decode()
    assert page.status_code == 200 and "回收站测试有限公司" in html and f'data-record="{BinnedRecord.objects.get().pk}"' in html
    # and restoring the customer from the page brings it back
    response = client.post(reverse("recycle:customer_restore", args=[customer.pk]))
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).deleted_at is None


def test_bin_page_is_admin_only(org, client):
    client.force_login(org.ma)
    assert client.get(reverse("recycle:index")).status_code == 403
