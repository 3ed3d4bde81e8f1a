"""Login, logout, language switch and the dashboard counts per role."""
import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from huike.customers.models import Customer
from huike.testing.factories import make_customer, make_followup

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_by_default_and_login_works(client, org):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and 'lang="zh-Hans"' in page.content.decode()
    response = client.post(reverse("login"), {"username": "ra1", "password": "pass-1234-word"})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_wrong_password_stays_on_the_login_page(client, org):
    response = client.post(reverse("login"), {"username": "ra1", "password": "wrong-password"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_sets_the_language_cookie_from_the_users_choice(client, org):
    org.ra1.language = "en"
    org.ra1.save(update_fields=["language"])
    response = client.post(reverse("login"), {"username": "ra1", "password": "pass-1234-word"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'lang="en"' in client.get(reverse("dashboard")).content.decode()


def test_language_switch_sets_the_cookie_and_saves_it_on_the_user(client, org):
    client.force_login(org.ra1)
    response = client.post(reverse("language"), {"language": "en", "next": reverse("customers:list")})
    assert response.status_code == 302 and response["Location"] == reverse("customers:list")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    org.ra1.refresh_from_db()
    assert org.ra1.language == "en"


def test_unknown_language_changes_nothing(client, org):
    client.force_login(org.ra1)
    client.post(reverse("language"), {"language": "fr"})
    org.ra1.refresh_from_db()
    assert org.ra1.language == ""


def test_logout_needs_post(client, org):
    client.force_login(org.ra1)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_dashboard_counts_for_a_rep_a_manager_and_an_admin(client, org):
    # given two overdue customers in team A (ra1, ra2), one due later today for ra1, one in team B
    now = timezone.now()
    a1, a2, today, b1 = (make_customer(org.ra1), make_customer(org.ra2), make_customer(org.ra1),
                         make_customer(org.rb1))
    Customer.objects.filter(pk__in=[a1.pk, a2.pk, b1.pk]).update(next_followup_at=now - dt.timedelta(days=1))
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59)
    Customer.objects.filter(pk=today.pk).update(next_followup_at=max(end_of_day, now + dt.timedelta(seconds=30)))
    make_followup(a1, org.ra1)
    Customer.objects.filter(pk=a1.pk).update(next_followup_at=now - dt.timedelta(days=1))

    def stats(user):
        client.force_login(user)
        r = client.get(reverse("dashboard"))
        c = r.context
        return c["customer_count"], c["overdue_count"], c["due_today_count"], c["pending_count"]

    # then each sees their scope: own, team, all
    assert stats(org.ra1) == (2, 1, 1, None)
    assert stats(org.ma) == (3, 2, 1, 1)
    assert stats(org.admin) == (4, 3, 1, 1)


def test_dashboard_flags_late_registrations_for_the_manager(client, org):
    make_customer(org.ra1, name="迟到建档有限公司", first_contact_at=timezone.now() - dt.timedelta(days=3))
    client.force_login(org.ma)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'id="late-registrations"' in html and "迟到建档有限公司" in html
    client.force_login(org.ra1)
    assert 'id="late-registrations"' not in client.get(reverse("dashboard")).content.decode()
