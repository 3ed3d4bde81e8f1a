import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from huike.audit.models import AuditEntry
from huike.core.errors import FieldErrors, Forbidden
from huike.followups.models import Attachment, FollowUp
from huike.followups.services import followup_create, followup_delete, followup_review, followup_update
from huike.testing.factories import make_customer, make_followup

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_a_followup_with_an_attachment_is_stored_and_audited(org):
    # given a rep's customer
    c = make_customer(org.ra1)
    scan = SimpleUploadedFile("../合同扫描.pdf", PDF, content_type="application/pdf")
    # when the rep records a visit with a contract scan
    f = followup_create(actor=org.ra1, customer=c, data={"method": "visit", "content": "上门拜访，确认需求"},
                        files=[scan])
    # then the follow-up is pending review, the file is kept under a safe name, and the create audited
    assert (f.review_status, f.author) == ("pending", org.ra1)
    att = Attachment.objects.get(followup=f)
    assert (att.original_name, att.content_type, att.size) == ("合同扫描.pdf", "application/pdf", len(PDF))
    assert att.file.read() == PDF
    entry = AuditEntry.objects.get(object_type="followups.followup", object_id=f.pk)
    assert entry.changes["attachments"] == [None, ["合同扫描.pdf"]]


def test_a_disguised_file_is_refused_and_nothing_is_written(org):
    c = make_customer(org.ra1)
    fake = SimpleUploadedFile("报价.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(FieldErrors) as e:
        followup_create(actor=org.ra1, customer=c, data={"method": "visit", "content": "x"}, files=[fake])
    assert list(e.value.errors) == ["attachments"]
    assert (FollowUp.objects.count(), Attachment.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"method": "pigeon", "content": "x"}, "method"),
        ({"method": "phone", "content": "  "}, "content"),
        ({"method": "phone", "content": "x" * 5001}, "content"),
        ({"method": "phone", "content": "x", "occurred_at": "FUTURE"}, "occurred_at"),
        ({"method": "phone", "content": "x", "next_followup_at": "PAST"}, "next_followup_at"),
        ({"method": "phone", "content": "x", "author": 1}, "author"),
    ],
)
def test_bad_followups_name_the_field(org, data, field):
    c = make_customer(org.ra1)
    now = timezone.now()
    data = {k: {"FUTURE": now + dt.timedelta(days=1), "PAST": now - dt.timedelta(days=2)}.get(v, v)
            if isinstance(v, str) else v for k, v in data.items()}
    with pytest.raises(FieldErrors) as e:
        followup_create(actor=org.ra1, customer=c, data=data)
    assert field in e.value.errors
    assert FollowUp.objects.count() == 0


def test_a_planned_next_followup_sets_the_customers_due_time(org):
    c = make_customer(org.ra1, intent="low")
    planned = timezone.now() + dt.timedelta(hours=5)
    make_followup(c, org.ra1, next_followup_at=planned)
    c.refresh_from_db()
    assert (c.next_followup_at, c.next_followup_reason) == (planned, "planned")


def test_manager_approves_and_returns_with_a_comment(org):
    c = make_customer(org.ra1)
    f = make_followup(c, org.ra1)
    with pytest.raises(FieldErrors):
        followup_review(actor=org.ma, followup=f, decision="return", comment="")
    followup_review(actor=org.ma, followup=f, decision="return", comment="请补充客户预算")
    f.refresh_from_db()
    assert (f.review_status, f.review_comment, f.reviewed_by) == ("returned", "请补充客户预算", org.ma)
    # the author corrects it: back to pending
    followup_update(actor=org.ra1, followup=f, data={"content": "预算已确认 50 万"})
    f.refresh_from_db()
    assert f.review_status == "pending"
    followup_review(actor=org.ma, followup=f, decision="approve")
    f.refresh_from_db()
    assert f.review_status == "approved"
    assert AuditEntry.objects.filter(object_id=f.pk, action="review").count() == 2


def test_reps_cannot_review_or_edit_approved_or_delete(org):
    c = make_customer(org.ra1)
    f = make_followup(c, org.ra1)
    with pytest.raises(Forbidden):
        followup_review(actor=org.ra1, followup=f, decision="approve")
    followup_review(actor=org.ma, followup=f, decision="approve")
    with pytest.raises(Forbidden):
        followup_update(actor=org.ra1, followup=f, data={"content": "改写"})
    with pytest.raises(Forbidden):
        followup_delete(actor=org.ra1, followup=f)
    f.refresh_from_db()
    assert (f.review_status, f.content) == ("approved", "电话沟通需求")


def test_deleting_the_latest_followup_moves_the_last_contact_back(org):
    c = make_customer(org.ra1)
    older = make_followup(c, org.ra1, occurred_at=timezone.now() - dt.timedelta(days=3))
    newer = make_followup(c, org.ra1, occurred_at=timezone.now() - dt.timedelta(days=1))
    followup_delete(actor=org.ma, followup=newer)
    c.refresh_from_db()
    assert c.last_followup_at == older.occurred_at
