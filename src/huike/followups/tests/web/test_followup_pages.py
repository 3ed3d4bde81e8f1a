"""Follow-up pages: add with attachments, review (approve / return / bulk), resubmit, overdue, downloads."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from huike.followups.models import Attachment, FollowUp, ReviewStatus
from huike.testing.factories import make_customer, make_followup

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% test file\n"


def _pdf(name="报价单.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _with_attachment(customer, author):
    from huike.followups.services import followup_create

    return followup_create(actor=author, customer=customer, data={"method": "visit", "content": "现场拜访"},
                           files=[_pdf()])


def test_rep_adds_a_follow_up_with_an_attachment(client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = make_customer(org.ra1)
    client.force_login(org.ra1)
    # when the rep posts a follow-up with a PDF
    response = client.post(reverse("followups:create", args=[c.pk]), {
        "method": "phone", "content": "客户确认预算", "next_action": "发送报价", "attachments": [_pdf()]})
    # then it is stored pending review with its file, and the customer page shows it
    assert response.status_code == 302
    f = FollowUp.objects.get()
    assert (f.author, f.review_status, f.content) == (org.ra1, ReviewStatus.PENDING, "客户确认预算")
    assert list(f.attachments.values_list("original_name", flat=True)) == ["报价单.pdf"]
    html = client.get(reverse("customers:detail", args=[c.pk])).content.decode()
    assert "客户确认预算" in html and "报价单.pdf" in html


def test_follow_up_without_content_is_refused_with_the_field_named(client, org):
    c = make_customer(org.ra1)
    client.force_login(org.ra1)
    response = client.post(reverse("followups:create", args=[c.pk]), {"method": "phone", "content": ""})
    assert response.status_code == 400
    assert 'id="error-fu-content"' in response.content.decode()
    assert FollowUp.objects.count() == 0


def test_a_disguised_file_is_refused_and_nothing_stored(client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = make_customer(org.ra1)
    client.force_login(org.ra1)
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("followups:create", args=[c.pk]),
                           {"method": "phone", "content": "附件测试", "attachments": [fake]})
    assert response.status_code == 400
    assert 'id="error-fu-attachments"' in response.content.decode()
    assert FollowUp.objects.count() == 0 and Attachment.objects.count() == 0


def test_rep_cannot_add_a_follow_up_to_another_reps_customer(client, org):
    c = make_customer(org.rb1)
    client.force_login(org.ra1)
    response = client.post(reverse("followups:create", args=[c.pk]), {"method": "phone", "content": "越权"})
    assert response.status_code == 404
    assert FollowUp.objects.count() == 0


def test_attachment_download_is_scoped(client, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    f = _with_attachment(make_customer(org.ra1), org.ra1)
    a = f.attachments.get()
    url = reverse("followups:attachment", args=[a.pk])
    # the author and their manager download it as an attachment
    client.force_login(org.ra1)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF
    client.force_login(org.ma)
    assert client.get(url).status_code == 200
    # another rep of the team, and the other team's manager, get 404
    client.force_login(org.ra2)
    assert client.get(url).status_code == 404
    client.force_login(org.mb)
    assert client.get(url).status_code == 404


def test_review_queue_lists_the_managers_team_only(client, org):
    make_followup(make_customer(org.ra1), org.ra1, content="本组待审")
    make_followup(make_customer(org.rb1), org.rb1, content="别组待审")
    client.force_login(org.ma)
    html = client.get(reverse("followups:review")).content.decode()
    assert "本组待审" in html and "别组待审" not in html


def test_manager_approves_inline_with_htmx(client, org):
    f = make_followup(make_customer(org.ra1), org.ra1)
    client.force_login(org.ma)
    response = client.post(reverse("followups:review_action", args=[f.pk]), {"decision": "approve"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="review-{f.pk}"' in response.content.decode()
    f.refresh_from_db()
    assert (f.review_status, f.reviewed_by) == (ReviewStatus.APPROVED, org.ma)


def test_returning_without_a_comment_is_refused_and_changes_nothing(client, org):
    f = make_followup(make_customer(org.ra1), org.ra1)
    client.force_login(org.ma)
    response = client.post(reverse("followups:review_action", args=[f.pk]), {"decision": "return"},
                           HTTP_HX_REQUEST="true")
    assert "invalid-feedback" in response.content.decode()
    f.refresh_from_db()
    assert f.review_status == ReviewStatus.PENDING and f.reviewed_by is None


def test_rep_cannot_review(client, org):
    f = make_followup(make_customer(org.ra1), org.ra1)
    client.force_login(org.ra1)
    response = client.post(reverse("followups:review_action", args=[f.pk]), {"decision": "approve"})
    assert response.status_code == 403
    f.refresh_from_db()
    assert f.review_status == ReviewStatus.PENDING


def test_manager_cannot_review_another_teams_follow_up(client, org):
    f = make_followup(make_customer(org.rb1), org.rb1)
    client.force_login(org.ma)
    response = client.post(reverse("followups:review_action", args=[f.pk]), {"decision": "approve"})
    assert response.status_code == 404
    f.refresh_from_db()
    assert f.review_status == ReviewStatus.PENDING


def test_returned_follow_up_is_corrected_and_resubmitted_by_the_rep(client, org):
    f = make_followup(make_customer(org.ra1), org.ra1, content="内容太简单")
    client.force_login(org.ma)
    client.post(reverse("followups:review_action", args=[f.pk]), {"decision": "return", "review_comment": "请补充客户反馈"})
    client.force_login(org.ra1)
    # the rep sees it with the comment
    queue = client.get(reverse("followups:review")).content.decode()
    assert "内容太简单" in queue and "请补充客户反馈" in queue
    # and resubmits a corrected version
    response = client.post(reverse("followups:edit", args=[f.pk]), {
        "method": "phone", "occurred_at": timezone.localtime(f.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "content": "内容太简单", "feedback": "客户希望下周演示"})
    assert response.status_code == 302
    f.refresh_from_db()
    assert (f.review_status, f.feedback) == (ReviewStatus.PENDING, "客户希望下周演示")


def test_rep_cannot_edit_an_approved_follow_up(client, org):
    f = make_followup(make_customer(org.ra1), org.ra1, content="已审核")
    client.force_login(org.ma)
    client.post(reverse("followups:review_action", args=[f.pk]), {"decision": "approve"})
    client.force_login(org.ra1)
    response = client.post(reverse("followups:edit", args=[f.pk]), {"method": "phone", "content": "偷偷改"})
    assert response.status_code == 403
    f.refresh_from_db()
    assert f.content == "已审核"


def test_bulk_approve_approves_only_the_managers_scope(client, org):
    mine = [make_followup(make_customer(org.ra1), org.ra1) for _ in range(2)]
    other = make_followup(make_customer(org.rb1), org.rb1)
    client.force_login(org.ma)
    response = client.post(reverse("followups:review_bulk"), {"ids": [mine[0].pk, mine[1].pk, other.pk]})
    assert response.status_code == 302
    assert set(FollowUp.objects.filter(review_status="approved").values_list("pk", flat=True)) == {m.pk for m in mine}


def test_overdue_page_per_role(client, org):
    past = timezone.now() - dt.timedelta(days=3)
    own = make_customer(org.ra1, name="逾期一有限公司", first_contact_at=past - dt.timedelta(days=30))
    teammate = make_customer(org.ra2, name="逾期二有限公司", first_contact_at=past - dt.timedelta(days=30))
    other = make_customer(org.rb1, name="逾期三有限公司", first_contact_at=past - dt.timedelta(days=30))
    from huike.customers.models import Customer

    Customer.objects.filter(pk__in=[own.pk, teammate.pk, other.pk]).update(next_followup_at=past)
    client.force_login(org.ra1)
    rep_html = client.get(reverse("followups:overdue")).content.decode()
    client.force_login(org.ma)
    manager_html = client.get(reverse("followups:overdue")).content.decode()
    client.force_login(org.admin)
    admin_html = client.get(reverse("followups:overdue")).content.decode()
    assert "逾期一" in rep_html and "逾期二" not in rep_html and "逾期三" not in rep_html
    assert "逾期一" in manager_html and "逾期二" in manager_html and "逾期三" not in manager_html
    assert manager_html.count('class="card mb-3 overdue-group"') == 2
    assert "逾期一" in admin_html and "逾期二" in admin_html and "逾期三" in admin_html
