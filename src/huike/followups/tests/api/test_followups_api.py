"""API: follow-ups (R-3.1) — JSON and multipart with attachments, read-only review fields, the review action."""
from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from huike.core.api_testing import client_for, db_fingerprint, list_queries, url
from huike.followups.models import Attachment, FollowUp
from huike.testing.factories import make_customer, make_followup

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_rep_adds_a_follow_up_and_the_customer_cadence_moves(org):
    customer = make_customer(org.ra1)
    occurred = (timezone.now() - dt.timedelta(hours=2)).replace(microsecond=0)
    body = {"customer": customer.pk, "method": "phone", "occurred_at": occurred.isoformat(), "content": "电话沟通报价",
            "feedback": "价格偏高", "next_action": "发送优惠方案", "result": "待定"}
    response = client_for(org.ra1).post(url("followup-list"), body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert {k: data[k] for k in ("customer", "method", "content", "feedback", "next_action", "result", "author",
                                 "review_status", "review_comment", "attachments")} == {
        "customer": customer.pk, "method": "phone", "content": "电话沟通报价", "feedback": "价格偏高",
        "next_action": "发送优惠方案", "result": "待定", "author": org.ra1.pk, "review_status": "pending",
        "review_comment": "", "attachments": []}
    customer.refresh_from_db()
    assert customer.last_followup_at == occurred


def test_multipart_create_stores_the_attachments_and_lists_them(org):
    customer = make_customer(org.ra1)
    files = [SimpleUploadedFile("报价单.png", PNG, content_type="image/png"),
             SimpleUploadedFile("合同.pdf", b"%PDF-1.4 test", content_type="application/pdf")]
    response = client_for(org.ra1).post(url("followup-list"), {
        "customer": customer.pk, "method": "visit", "content": "上门演示", "attachments": files}, format="multipart")
    assert response.status_code == 201, response.json()
    listed = sorted((a["name"], a["size"], a["content_type"]) for a in response.json()["attachments"])
    assert listed == [("合同.pdf", 13, "application/pdf"), ("报价单.png", len(PNG), "image/png")]
    assert Attachment.objects.filter(followup_id=response.json()["id"]).count() == 2


def test_a_disguised_or_unsupported_file_is_refused_and_nothing_is_stored(org):
    customer = make_customer(org.ra1)
    before = db_fingerprint()
    for name, content in (("脚本.exe", b"MZ\x90\x00"), ("假图片.png", b"not a png at all")):
        response = client_for(org.ra1).post(url("followup-list"), {
            "customer": customer.pk, "method": "visit", "content": "上门演示",
            "attachments": [SimpleUploadedFile(name, content)]}, format="multipart")
        assert response.status_code == 400
        assert list(response.json()) == ["attachments"]
    assert db_fingerprint() == before


def test_bad_follow_up_input_names_the_field_and_stores_nothing(org):
    customer = make_customer(org.ra1)
    base = {"customer": customer.pk, "method": "phone", "content": "沟通"}
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    cases = [
        ({**base, "method": "pigeon"}, "method"),
        ({**base, "content": "x" * 5001}, "content"),
        ({**base, "content": ""}, "content"),
        ({**base, "occurred_at": "2024-13-40 10:00"}, "occurred_at"),
        ({**base, "occurred_at": future}, "occurred_at"),
        ({**base, "next_followup_at": "2000-01-01T00:00:00Z"}, "next_followup_at"),
        ({**base, "author": org.ra2.pk}, "author"),
        ({**base, "review_status": "approved"}, "review_status"),
        ({**base, "review_comment": "好"}, "review_comment"),
        ({**base, "mood": "good"}, "mood"),
    ]
    before = db_fingerprint()
    for body, field in cases:
        response = client_for(org.ra1).post(url("followup-list"), body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), (body, response.json())
    assert db_fingerprint() == before


def test_review_fields_cannot_be_patched_by_anyone(org):
    followup = make_followup(make_customer(org.ra1), org.ra1)
    before = db_fingerprint()
    for user in (org.ra1, org.ma, org.admin):
        for field, value in (("review_status", "approved"), ("review_comment", "ok"), ("author", user.pk)):
            response = client_for(user).patch(url("followup-detail", followup.pk), {field: value}, format="json")
            assert response.status_code == 400
            assert response.json() == {field: ["This field is read-only."]}
    assert db_fingerprint() == before


def test_a_manager_approves_or_returns_a_follow_up_and_a_rep_cannot(org):
    first = make_followup(make_customer(org.ra1), org.ra1)
    second = make_followup(make_customer(org.ra2), org.ra2)
    manager = client_for(org.ma)
    before = db_fingerprint()
    # a rep may not review, and a return needs a comment
    assert client_for(org.ra1).post(url("followup-review", first.pk), {"decision": "approve"},
                                    format="json").status_code == 403
    no_comment = manager.post(url("followup-review", first.pk), {"decision": "return"}, format="json")
    assert no_comment.status_code == 400 and list(no_comment.json()) == ["comment"]
    bad = manager.post(url("followup-review", first.pk), {"decision": "maybe"}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["decision"]
    assert db_fingerprint() == before
    # when the manager approves one and returns the other
    approved = manager.post(url("followup-review", first.pk), {"decision": "approve"}, format="json")
    returned = manager.post(url("followup-review", second.pk), {"decision": "return", "comment": "请补充客户反馈"},
                            format="json")
    # then both carry the decision
    assert (approved.json()["review_status"], approved.json()["reviewed_by"]) == ("approved", org.ma.pk)
    assert (returned.json()["review_status"], returned.json()["review_comment"]) == ("returned", "请补充客户反馈")
    # and an approved record is frozen for its author
    locked = client_for(org.ra1).patch(url("followup-detail", first.pk), {"feedback": "改"}, format="json")
    assert locked.status_code == 403
    assert FollowUp.objects.get(pk=first.pk).feedback == ""


def test_the_author_corrects_a_returned_follow_up_and_it_goes_back_to_pending(org):
    followup = make_followup(make_customer(org.ra1), org.ra1)
    client_for(org.ma).post(url("followup-review", followup.pk), {"decision": "return", "comment": "补充"},
                            format="json")
    response = client_for(org.ra1).patch(url("followup-detail", followup.pk), {"feedback": "客户同意试用"},
                                         format="json")
    assert response.status_code == 200
    assert (response.json()["feedback"], response.json()["review_status"]) == ("客户同意试用", "pending")


def test_follow_up_list_filters_and_takes_a_fixed_number_of_queries(org):
    customers = [make_customer(org.ra1), make_customer(org.ra2)]
    manager = client_for(org.ma)
    for i in range(3):
        f = make_followup(customers[i % 2], org.ra1)
    Attachment.objects.create(followup=f, file="attachments/x.png", original_name="x.png", content_type="image/png",
                              size=10)
    few = list_queries(manager, url("followup-list"))
    for i in range(27):
        make_followup(customers[i % 2], org.ra1)
    many = list_queries(manager, url("followup-list"))
    assert few == many == 3  # count + page + attachments
    assert manager.get(url("followup-list", customer=customers[1].pk)).json()["count"] == 14
    assert manager.get(url("followup-list", review_status="approved")).json()["count"] == 0
    assert manager.get(url("followup-list", review_status="nope")).status_code == 400
