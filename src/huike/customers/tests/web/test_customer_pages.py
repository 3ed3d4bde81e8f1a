"""Customer pages through Django's test client: allowed and forbidden paths, form errors, query counts."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from huike.audit.models import AuditEntry
from huike.customers.models import Customer
from huike.testing.factories import make_customer

pytestmark = pytest.mark.django_db

VALID = {"name": "杭州明远科技有限公司", "kind": "enterprise", "contact_name": "刘洋", "phone": "13900001111",
         "stage": "potential", "intent": "medium"}


def _count_list_queries(client, user):
    client.force_login(user)
    client.get(reverse("customers:list"))  # warm caches (options, session) outside the measurement
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("customers:list"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_anonymous_visitor_is_sent_to_login(client):
    # when an anonymous visitor opens the customer list
    response = client.get(reverse("customers:list"))
    # then they are redirected to the login page
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_list_shows_only_the_reps_own_customers(client, org):
    # given customers of two reps in team A and one in team B
    mine = make_customer(org.ra1, name="甲方自有客户有限公司")
    make_customer(org.ra2, name="同组他人客户有限公司")
    make_customer(org.rb1, name="别组客户有限公司")
    client.force_login(org.ra1)
    # when rep ra1 opens the list
    html = client.get(reverse("customers:list")).content.decode()
    # then only their own customer is listed, with the phone in display form
    assert mine.name in html and "同组他人客户" not in html and "别组客户" not in html
    assert "139 " in html


def test_manager_sees_the_team_and_can_filter_by_owner(client, org):
    # given customers of ra1, ra2 (team A) and rb1 (team B)
    make_customer(org.ra1, name="一号客户有限公司")
    make_customer(org.ra2, name="二号客户有限公司")
    make_customer(org.rb1, name="三号客户有限公司")
    client.force_login(org.ma)
    # when manager ma lists all, then filters by ra2
    all_html = client.get(reverse("customers:list")).content.decode()
    filtered = client.get(reverse("customers:list"), {"owner": org.ra2.pk}).content.decode()
    # then the team's two customers show, the other team's never; the filter narrows to ra2's
    assert "一号客户" in all_html and "二号客户" in all_html and "三号客户" not in all_html
    assert "二号客户" in filtered and "一号客户" not in filtered


def test_live_search_returns_only_the_results_fragment(client, org):
    # given two customers of the rep
    make_customer(org.ra1, name="北京星河贸易有限公司")
    make_customer(org.ra1, name="广州海风物流有限公司")
    client.force_login(org.ra1)
    # when HTMX asks for the results with a search term
    response = client.get(reverse("customers:list"), {"q": "星河"}, HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="customer-results")
    html = response.content.decode()
    # then only the table fragment comes back, with the match
    assert response.status_code == 200
    assert "<html" not in html and "星河贸易" in html and "海风物流" not in html


def test_list_filters_by_stage_and_sorts_by_name(client, org):
    # given two intent-stage customers, the later created sorting first by name, and a potential one
    make_customer(org.ra1, name="甲公司", stage="intent")
    make_customer(org.ra1, name="乙公司", stage="intent")
    make_customer(org.ra1, name="丙公司", stage="potential")
    client.force_login(org.ra1)
    # when the rep filters on stage intent, newest first and then by name descending
    newest = client.get(reverse("customers:list"), {"stage": "intent"}).content.decode()
    by_name = client.get(reverse("customers:list"), {"stage": "intent", "sort": "-name"}).content.decode()
    # then the potential customer is gone and the order follows the sort (乙 U+4E59 < 甲 U+7532)
    assert "丙公司" not in newest and "丙公司" not in by_name
    assert newest.index("乙公司") < newest.index("甲公司")
    assert by_name.index("甲公司") < by_name.index("乙公司")


def test_list_page_runs_the_same_number_of_queries_for_3_and_30_customers(client, org):
    # given 3 customers with tags
    for _ in range(3):
        make_customer(org.ra1, tags=["高意向", "大客户"])
    few, _r = _count_list_queries(client, org.ma)
    # when 27 more exist
    for _ in range(27):
        make_customer(org.ra2, tags=["价格敏感"])
    many, response = _count_list_queries(client, org.ma)
    # then the page costs exactly as many queries, tag names read in the page's own statement
    # session, user, count, page, tag options, owners, teams, unread notifications
    assert few == many == 8
    page = response.content.decode()
    assert page.count('class="cell-name"') == 30
    assert page.count('<span class="tag">大客户</span><span class="tag">高意向</span>') == 3


def test_list_paginates_by_50(client, org):
    for _ in range(51):
        make_customer(org.ra1)
    client.force_login(org.ra1)
    first = client.get(reverse("customers:list")).content.decode()
    second = client.get(reverse("customers:list"), {"page": 2}).content.decode()
    assert first.count('class="cell-name"') == 50
    assert second.count('class="cell-name"') == 1


def test_create_with_bad_phone_shows_the_error_under_phone_and_stores_nothing(client, org):
    client.force_login(org.ra1)
    # when the rep submits a 10-digit mobile
    response = client.post(reverse("customers:create"), {**VALID, "phone": "1380013800"})
    html = response.content.decode()
    # then the form comes back with the phone message under the phone field, nothing stored
    assert response.status_code == 400
    assert 'id="error-phone"' in html and "13812345678" in html
    assert Customer.objects.count() == 0


def test_create_after_correcting_the_phone_saves_and_opens_the_record(client, org):
    client.force_login(org.ra1)
    response = client.post(reverse("customers:create"), {**VALID, "tags": "高意向，新标签", "industry": "it"})
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert customer.phone == "+8613900001111" and customer.owner == org.ra1 and customer.industry == "it"
    assert sorted(customer.tags.values_list("name", flat=True)) == ["新标签", "高意向"]


def test_missing_phone_and_email_is_refused_with_the_spec_message(client, org):
    client.force_login(org.ra1)
    response = client.post(reverse("customers:create"), {**VALID, "phone": "", "name": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-phone"' in html and 'id="error-name"' in html
    assert Customer.objects.count() == 0


def test_lost_stage_without_churn_reason_is_refused(client, org):
    client.force_login(org.ra1)
    response = client.post(reverse("customers:create"), {**VALID, "stage": "lost"})
    assert response.status_code == 400
    assert 'id="error-lost_reason"' in response.content.decode()
    assert Customer.objects.count() == 0


def test_duplicate_phone_is_refused_naming_the_existing_record_with_a_link(client, org):
    existing = make_customer(org.ra1, name="既有客户有限公司", phone="13900001111")
    client.force_login(org.ra1)
    response = client.post(reverse("customers:create"), VALID)
    html = response.content.decode()
    assert response.status_code == 400
    assert existing.code in html and "既有客户有限公司" in html
    assert reverse("customers:detail", args=[existing.pk]) in html
    assert Customer.objects.count() == 1


def test_duplicate_of_a_record_outside_scope_is_named_but_not_linked(client, org):
    other = make_customer(org.rb1, name="别组既有客户有限公司", phone="13900001111")
    client.force_login(org.ra1)
    html = client.post(reverse("customers:create"), VALID).content.decode()
    assert other.code in html
    assert reverse("customers:detail", args=[other.pk]) not in html
    assert Customer.objects.count() == 1


def test_similar_name_warns_and_creates_only_when_confirmed(client, org):
    make_customer(org.ra1, name="杭州明远科技有限公司", phone="13700002222")
    client.force_login(org.ra1)
    data = {**VALID, "name": "杭州明远科技股份有限公司"}
    warned = client.post(reverse("customers:create"), data)
    assert 'id="similar-alert"' in warned.content.decode()
    assert Customer.objects.count() == 1
    confirmed = client.post(reverse("customers:create"), {**data, "confirm_similar": "1"})
    assert confirmed.status_code == 302
    assert Customer.objects.count() == 2


def test_rep_cannot_open_another_reps_customer(client, org):
    same_team = make_customer(org.ra2)
    other_team = make_customer(org.rb1)
    client.force_login(org.ra1)
    assert client.get(reverse("customers:detail", args=[same_team.pk])).status_code == 404
    assert client.get(reverse("customers:detail", args=[other_team.pk])).status_code == 404
    assert client.get(reverse("customers:edit", args=[other_team.pk])).status_code == 404


def test_manager_opens_team_customers_but_not_other_teams(client, org):
    team = make_customer(org.ra1)
    other = make_customer(org.rb1)
    client.force_login(org.ma)
    assert client.get(reverse("customers:detail", args=[team.pk])).status_code == 200
    assert client.get(reverse("customers:detail", args=[other.pk])).status_code == 404


def test_detail_shows_fields_timeline_and_role_buttons(client, org):
    c = make_customer(org.ra1, name="详情测试有限公司", intent="high", industry="finance")
    client.force_login(org.ra1)
    rep_html = client.get(reverse("customers:detail", args=[c.pk])).content.decode()
    client.force_login(org.ma)
    manager_html = client.get(reverse("customers:detail", args=[c.pk])).content.decode()
    assert c.code in rep_html and "金融" in rep_html and 'id="followup-form"' in rep_html
    assert 'id="open-delete"' not in rep_html and 'id="open-assign"' not in rep_html
    assert 'id="open-delete"' in manager_html and 'id="open-assign"' in manager_html


def test_edit_records_before_and_after_on_the_timeline(client, org):
    c = make_customer(org.ra1, name="改名前有限公司")
    client.force_login(org.ra1)
    response = client.post(reverse("customers:edit", args=[c.pk]), {
        **{k: v for k, v in VALID.items() if k != "phone"}, "phone": "13900003333", "name": "改名后有限公司",
        "contact_name": "张三", "confirm_similar": "1"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.name == "改名后有限公司" and c.phone == "+8613900003333"
    html = client.get(reverse("customers:detail", args=[c.pk])).content.decode()
    assert "改名前有限公司" in html and "改名后有限公司" in html
    entry = AuditEntry.objects.filter(object_id=c.pk, action="update").get()
    assert entry.changes["name"] == ["改名前有限公司", "改名后有限公司"]


def test_edit_with_bad_email_keeps_the_record_unchanged(client, org):
    c = make_customer(org.ra1, name="邮件客户有限公司")
    client.force_login(org.ra1)
    response = client.post(reverse("customers:edit", args=[c.pk]), {
        "name": c.name, "kind": "enterprise", "contact_name": "张三", "phone": c.phone, "email": "not-an-email",
        "stage": "potential", "intent": "medium"})
    assert response.status_code == 400
    assert 'id="error-email"' in response.content.decode()
    c.refresh_from_db()
    assert c.email == ""


def test_rep_delete_is_forbidden_and_changes_nothing(client, org):
    c = make_customer(org.ra1)
    client.force_login(org.ra1)
    response = client.post(reverse("customers:delete", args=[c.pk]))
    assert response.status_code == 403
    c.refresh_from_db()
    assert c.deleted_at is None


def test_manager_deletes_softly(client, org):
    c = make_customer(org.ra1)
    client.force_login(org.ma)
    response = client.post(reverse("customers:delete", args=[c.pk]))
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.deleted_at is not None
    assert client.get(reverse("customers:detail", args=[c.pk])).status_code == 404


def test_delete_by_get_is_not_allowed(client, org):
    c = make_customer(org.ra1)
    client.force_login(org.ma)
    assert client.get(reverse("customers:delete", args=[c.pk])).status_code == 405
    c.refresh_from_db()
    assert c.deleted_at is None


def test_rep_assign_is_forbidden_and_changes_nothing(client, org):
    c = make_customer(org.ra1)
    client.force_login(org.ra1)
    response = client.post(reverse("customers:assign", args=[c.pk]), {"owner": org.ra2.pk})
    assert response.status_code == 403
    c.refresh_from_db()
    assert c.owner == org.ra1


def test_manager_cannot_assign_to_another_teams_rep(client, org):
    c = make_customer(org.ra1)
    client.force_login(org.ma)
    response = client.post(reverse("customers:assign", args=[c.pk]), {"owner": org.rb1.pk})
    assert response.status_code == 403
    c.refresh_from_db()
    assert c.owner == org.ra1


def test_manager_assigns_within_the_team(client, org):
    c = make_customer(org.ra1)
    client.force_login(org.ma)
    response = client.post(reverse("customers:assign", args=[c.pk]), {"owner": org.ra2.pk})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.owner == org.ra2
    assert AuditEntry.objects.filter(object_id=c.pk, action="assign").count() == 1


def test_manager_cannot_assign_another_teams_customer(client, org):
    c = make_customer(org.rb1)
    client.force_login(org.ma)
    assert client.post(reverse("customers:assign", args=[c.pk]), {"owner": org.ra1.pk}).status_code == 404
    c.refresh_from_db()
    assert c.owner == org.rb1


def test_admin_assigns_across_teams(client, org):
    c = make_customer(org.ra1)
    client.force_login(org.admin)
    assert client.post(reverse("customers:assign", args=[c.pk]), {"owner": org.rb1.pk}).status_code == 302
    c.refresh_from_db()
    assert c.owner == org.rb1


def test_the_whole_book_count_from_kept_counts_matches_the_rows_for_every_role(client, org):
    # given customers across two teams, one of ra1's in the recycle bin and one moved from ra2 to rb1
    kept = [make_customer(org.ra1) for _ in range(3)]
    moved = make_customer(org.ra2)
    make_customer(org.rb1, stage="intent")
    type(kept[0]).objects.filter(pk=kept[0].pk).update(deleted_at=timezone.now())
    type(moved).objects.filter(pk=moved.pk).update(owner=org.rb1)
    expected = {org.ra1: 2, org.ra2: 0, org.ma: 2, org.mb: 2, org.admin: 4}
    for user, n in expected.items():
        client.force_login(user)
        # when the unfiltered list and a filtered one are read
        page = client.get(reverse("customers:list"))
        filtered = client.get(reverse("customers:list"), {"stage": "intent"})
        # then the unfiltered count (kept counts) equals the rows shown, and filters still count rows
        assert page.context["page"].paginator.count == n, user.username
        assert page.content.decode().count('class="cell-name"') == n
        assert filtered.context["page"].paginator.count == (1 if user in (org.mb, org.admin) else 0)


def test_filtering_in_place_updates_the_headings_count_with_the_results(client, org):
    # given ra1 with two customers, one of them at the intent stage
    make_customer(org.ra1, stage="intent")
    make_customer(org.ra1, stage="potential")
    client.force_login(org.ra1)
    # when the full page is opened, then filtered in place (HTMX swaps the results only)
    full = client.get(reverse("customers:list")).content.decode()
    swapped = client.get(reverse("customers:list"), {"stage": "intent"}, HTTP_HX_REQUEST="true",
                         HTTP_HX_TARGET="customer-results").content.decode()
    # then the page has one heading count, and the swap carries the filtered count out of band
    assert full.count('id="customer-count"') == 1 and "2 个客户" in full
    assert '<div class="subtitle" id="customer-count" hx-swap-oob="true">1 个客户</div>' in swapped
    assert swapped.count('class="cell-name"') == 1
