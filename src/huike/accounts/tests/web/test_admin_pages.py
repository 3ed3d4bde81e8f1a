"""Admin pages for users and teams: who may open them, what they save, what bad input leaves behind."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huike.accounts.models import Role, Team, User
from huike.testing.factories import make_team, make_user

PASSWORD = "pass-1234-word"


def login(client, user):
    client.force_login(user)
    return client


def admin_urls(org):
    return [
        reverse("accounts:users"), reverse("accounts:user_create"), reverse("accounts:user_edit", args=[org.ra1.pk]),
        reverse("accounts:teams"), reverse("accounts:team_create"), reverse("accounts:team_edit", args=[org.team_a.pk]),
    ]


def user_state():
    return sorted(User.objects.values_list("username", "role", "team_id", "is_active", "display_name", "password"))


def team_state():
    return sorted(Team.objects.values_list("name", "manager_id"))


def test_paths_are_the_published_ones(org):
    # given the URL names other pages link to / when reversed / then they give the documented paths
    assert reverse("accounts:users") == "/settings/users/"
    assert reverse("accounts:teams") == "/settings/teams/"
    assert reverse("accounts:user_edit", args=[7]) == "/settings/users/7/"


def test_anonymous_is_sent_to_login(client, org):
    # given no session / when any admin page is asked for / then it redirects to the login page
    login_url = resolve_url(settings.LOGIN_URL)
    for url in admin_urls(org):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{login_url}?next={url}"


@pytest.mark.parametrize("who", ["ra1", "ma"])
def test_reps_and_managers_get_403_on_every_admin_page(client, org, who):
    # given a rep or a manager / when they open or post to an admin page / then 403
    login(client, getattr(org, who))
    for url in admin_urls(org):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("who", ["ra1", "ma"])
def test_non_admin_posts_change_nothing(client, org, who):
    # given a rep or a manager and the current users and teams
    login(client, getattr(org, who))
    users_before, teams_before = user_state(), team_state()
    # when they post a new user, a role change, a new team and a team rename
    responses = [
        client.post(reverse("accounts:user_create"), {"username": "x1", "role": "admin", "password": "Zz-98765-qq"}),
        client.post(reverse("accounts:user_edit", args=[getattr(org, who).pk]),
                    {"username": who, "role": "admin", "team": org.team_a.pk, "is_active": "on"}),
        client.post(reverse("accounts:team_create"), {"name": "新团队"}),
        client.post(reverse("accounts:team_edit", args=[org.team_a.pk]), {"name": "改名"}),
        client.post(reverse("accounts:team_delete", args=[org.team_b.pk])),
    ]
    # then every one is refused and the database is unchanged
    assert [r.status_code for r in responses] == [403] * 5
    assert user_state() == users_before
    assert team_state() == teams_before


def test_admin_sees_users_with_role_and_team(client, org):
    # given the admin / when the user list is opened
    response = login(client, org.admin).get(reverse("accounts:users"))
    # then each user appears with display name and team
    body = response.content.decode()
    assert response.status_code == 200
    for name in ("ra1", "李销售", "rb1", "华南销售部", "王经理"):
        assert name in body


def test_admin_creates_a_rep_who_can_log_in(client, org):
    # given the admin / when a rep is created with a password
    response = login(client, org.admin).post(reverse("accounts:user_create"), {
        "username": "newrep", "display_name": "孙销售", "email": "sun@example.cn", "role": Role.REP,
        "team": org.team_b.pk, "is_active": "on", "password": "Qx-2468-long-pass",
    })
    # then the user exists with those values and the password works
    assert response.status_code == 302
    assert response.url == reverse("accounts:users")
    user = User.objects.get(username="newrep")
    assert (user.display_name, user.email, user.role, user.team_id, user.is_active) == (
        "孙销售", "sun@example.cn", Role.REP, org.team_b.pk, True)
    assert user.check_password("Qx-2468-long-pass")


def test_rep_without_team_is_refused_with_the_field_named(client, org):
    # given the admin and the current users
    before = user_state()
    # when a rep without a team is posted
    response = login(client, org.admin).post(reverse("accounts:user_create"), {
        "username": "noteam", "role": Role.REP, "password": "Qx-2468-long-pass", "is_active": "on",
    })
    # then the form comes back with the team error and nobody was created
    assert response.status_code == 200
    assert response.context["form"].errors["team"] == ["Sales reps and managers belong to a team."]
    assert user_state() == before


def test_taken_user_name_and_missing_password_are_field_errors(client, org):
    # given the admin / when a taken user name without a password is posted
    before = user_state()
    response = login(client, org.admin).post(reverse("accounts:user_create"), {
        "username": "RA1", "role": Role.REP, "team": org.team_a.pk,
    })
    # then both fields carry the service's messages and nothing changed
    errors = response.context["form"].errors
    assert errors["username"] == ["This user name is taken."]
    assert errors["password"] == ["Enter an initial password."]
    assert user_state() == before


def test_admin_moves_a_rep_to_another_team_keeping_the_password(client, org):
    # given the admin / when ra2 is moved to team B as a manager without a new password
    response = login(client, org.admin).post(reverse("accounts:user_edit", args=[org.ra2.pk]), {
        "username": "ra2", "display_name": "周主管", "role": Role.MANAGER, "team": org.team_b.pk, "is_active": "on",
        "password": "",
    })
    # then the role, team and name changed and the old password still works
    assert response.status_code == 302
    org.ra2.refresh_from_db()
    assert (org.ra2.role, org.ra2.team_id, org.ra2.display_name) == (Role.MANAGER, org.team_b.pk, "周主管")
    assert org.ra2.check_password(PASSWORD)


def test_admin_cannot_demote_or_deactivate_themselves(client, org):
    # given the admin / when they post their own user as a rep
    before = user_state()
    response = login(client, org.admin).post(reverse("accounts:user_edit", args=[org.admin.pk]), {
        "username": "admin", "role": Role.REP, "team": org.team_a.pk, "is_active": "on",
    })
    # then the role error is shown and nothing changed
    assert response.status_code == 200
    assert response.context["form"].errors["role"] == [
        "You cannot remove your own admin rights or deactivate yourself."]
    assert user_state() == before


def test_unknown_user_is_404_for_the_admin(client, org):
    # given the admin / when a missing user id is opened / then 404
    assert login(client, org.admin).get(reverse("accounts:user_edit", args=[999999])).status_code == 404


def test_team_list_counts_members_and_names_the_manager(client, org):
    # given the admin / when the team list is opened
    response = login(client, org.admin).get(reverse("accounts:teams"))
    # then team A has 3 members (ma, ra1, ra2), team B 2, each with its manager
    rows = {t.name: (t.member_count, str(t.manager)) for t in response.context["teams"]}
    assert rows == {"华东销售部": (3, "王经理"), "华南销售部": (2, "赵经理")}


def test_admin_creates_a_team_with_a_manager_who_joins_it(client, org):
    # given the admin and a manager without a team
    boss = make_user("boss", role=Role.MANAGER, team=make_team("临时"))
    # when a team is created with that manager
    response = login(client, org.admin).post(reverse("accounts:team_create"), {"name": "西南销售部", "manager": boss.pk})
    # then the team exists and the manager became its member
    assert response.status_code == 302
    team = Team.objects.get(name="西南销售部")
    boss.refresh_from_db()
    assert (team.manager_id, boss.team_id) == (boss.pk, team.pk)


def test_team_with_taken_name_or_rep_as_manager_is_refused(client, org):
    # given the admin and the current teams
    before = team_state()
    login(client, org.admin)
    url = reverse("accounts:team_edit", args=[org.team_a.pk])
    # when team A is renamed to a taken name, and then given a rep as manager
    taken = client.post(url, {"name": "华南销售部", "manager": org.ma.pk})
    rep = client.post(url, {"name": "华东一部", "manager": org.ra1.pk})
    # then each comes back with its field's error (a rep is not offered as manager) and nothing changed
    assert (taken.status_code, rep.status_code) == (200, 200)
    assert taken.context["form"].errors == {"name": ["A team with this name exists."]}
    assert list(rep.context["form"].errors) == ["manager"]
    assert team_state() == before


def test_admin_deletes_an_empty_team_but_not_one_with_members(client, org):
    # given the admin and an empty team
    empty = make_team("空团队")
    login(client, org.admin)
    # when both the empty team and team A are deleted
    ok = client.post(reverse("accounts:team_delete", args=[empty.pk]))
    refused = client.post(reverse("accounts:team_delete", args=[org.team_a.pk]))
    # then only the empty team is gone
    assert (ok.status_code, refused.status_code) == (302, 302)
    assert refused.url == reverse("accounts:team_edit", args=[org.team_a.pk])
    assert sorted(Team.objects.values_list("name", flat=True)) == ["华东销售部", "华南销售部"]


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name", ["accounts:users", "accounts:teams"])
def test_admin_lists_do_not_grow_queries_with_rows(client, org, name):
    # given the admin and the list's query count with the fixture's rows
    login(client, org.admin)
    url = reverse(name)
    small = _count_queries(client, url)
    # when ten more teams, each with a manager and a rep, exist
    for i in range(10):
        team = make_team(f"团队{i}")
        team.manager = make_user(f"m{i}", role=Role.MANAGER, team=team)
        team.save()
        make_user(f"r{i}", team=team)
    # then the page takes the same number of queries
    assert _count_queries(client, url) == small
