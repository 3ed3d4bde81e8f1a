"""API: token login, the current user, teams and users (R-1)."""
from __future__ import annotations

from huike.accounts.models import Role, Team, User
from huike.audit.models import AuditEntry
from huike.core.api_testing import client_for, db_fingerprint, list_queries, url
from huike.testing.factories import make_team, make_user


def test_token_login_then_token_header_authenticates(org):
    # given ra1's credentials
    anonymous = client_for()
    # when they are exchanged for a token
    response = anonymous.post(url("auth-token"), {"username": "ra1", "password": "pass-1234-word"}, format="json")
    # then the token authenticates later requests
    assert response.status_code == 200
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = anonymous.get(url("me"))
    assert me.status_code == 200
    assert me.json() == {"id": org.ra1.pk, "username": "ra1", "display_name": "李销售", "email": "", "role": "rep",
                         "team": org.team_a.pk, "is_active": True, "language": "",
                         "can_view_contacts": False}


def test_token_login_with_a_wrong_password_is_400_with_a_message_in_the_callers_language(org):
    # given a wrong password
    body = {"username": "ra1", "password": "wrong-password"}
    # when an English and a Chinese client ask for a token
    english = client_for(language="en").post(url("auth-token"), body, format="json")
    chinese = client_for(language="zh-hans").post(url("auth-token"), body, format="json")
    # then both are refused with a message and no token is issued
    assert english.status_code == 400
    assert english.json() == {"non_field_errors": ["The user name or password is incorrect."]}
    assert chinese.status_code == 400
    assert list(chinese.json()) == ["non_field_errors"]
    assert not User.objects.filter(auth_token__isnull=False).exists()


def test_token_login_rejects_unknown_fields_and_inactive_users(org):
    # given an inactive user
    User.objects.filter(pk=org.rb1.pk).update(is_active=False)
    # when they log in, and someone sends an extra key
    inactive = client_for().post(url("auth-token"), {"username": "rb1", "password": "pass-1234-word"}, format="json")
    extra = client_for().post(url("auth-token"), {"username": "ra1", "password": "pass-1234-word", "role": "admin"},
                              format="json")
    # then both are 400 naming the problem
    assert inactive.status_code == 400
    assert extra.status_code == 400
    assert extra.json() == {"role": ["Unknown field."]}


def test_me_reports_admin_for_a_superuser_whatever_the_stored_role(org):
    # given a superuser whose stored role is rep
    root = make_user("root", role=Role.REP, team=org.team_a, is_superuser=True)
    # when they ask who they are
    response = client_for(root).get(url("me"))
    # then the effective role is admin
    assert response.json()["role"] == "admin"


def test_admin_creates_updates_and_deletes_a_team_with_history(org):
    admin = client_for(org.admin)
    # when the admin creates a team, renames it and deletes it
    created = admin.post(url("team-list"), {"name": "华北销售部", "manager": None}, format="json")
    team_id = created.json()["id"]
    renamed = admin.patch(url("team-detail", team_id), {"name": "华北大区"}, format="json")
    deleted = admin.delete(url("team-detail", team_id))
    # then each step answered as promised and was recorded
    assert created.status_code == 201
    assert created.json() == {"id": team_id, "name": "华北销售部", "manager": None}
    assert renamed.json() == {"id": team_id, "name": "华北大区", "manager": None}
    assert deleted.status_code == 204
    assert not Team.objects.filter(pk=team_id).exists()
    assert list(AuditEntry.objects.filter(object_type="accounts.team", object_id=team_id)
                .order_by("id").values_list("action", flat=True)) == ["create", "update", "delete"]


def test_team_bad_input_names_the_field_and_stores_nothing(org):
    admin = client_for(org.admin)
    before = db_fingerprint()
    cases = [
        ({"name": "x" * 101}, "name"),
        ({"name": "华东销售部"}, "name"),  # taken
        ({"name": "新团队", "id": 99}, "id"),
        ({"name": "新团队", "colour": "red"}, "colour"),
        ({"name": "新团队", "manager": "abc"}, "manager"),
        ({"name": "新团队", "manager": org.ra1.pk}, "manager"),  # a rep cannot manage a team
    ]
    for body, field in cases:
        response = admin.post(url("team-list"), body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), (body, response.json())
    assert db_fingerprint() == before


def test_admin_creates_a_user_whose_password_is_never_shown(org):
    # when the admin creates a rep in team B
    body = {"username": "rb2", "password": "pass-1234-word", "display_name": "钱销售", "role": "rep",
            "team": org.team_b.pk, "email": "rb2@example.com"}
    response = client_for(org.admin).post(url("user-list"), body, format="json")
    # then the user exists, can log in, and the password is not in the response
    assert response.status_code == 201
    user = User.objects.get(username="rb2")
    assert response.json() == {"id": user.pk, "username": "rb2", "display_name": "钱销售", "email": "rb2@example.com",
                               "role": "rep", "team": org.team_b.pk, "is_active": True, "language": "",
                               "can_view_contacts": False}
    assert user.check_password("pass-1234-word")


def test_user_bad_input_names_the_field_and_stores_nothing(org):
    admin = client_for(org.admin)
    base = {"username": "newbie", "password": "pass-1234-word", "role": "rep", "team": org.team_a.pk}
    before = db_fingerprint()
    cases = [
        ({**base, "role": "boss"}, "role"),
        ({**base, "username": "u" * 151}, "username"),
        ({**base, "display_name": "名" * 101}, "display_name"),
        ({**base, "is_active": "perhaps"}, "is_active"),
        ({**base, "team": 999999}, "team"),
        ({**base, "team": None}, "team"),  # reps belong to a team
        ({**base, "password": "short"}, "password"),
        ({**base, "email": "not-an-email"}, "email"),
        ({**base, "is_superuser": True}, "is_superuser"),
        ({**base, "id": 5}, "id"),
        ({**base, "username": "ra1"}, "username"),
    ]
    for body, field in cases:
        response = admin.post(url("user-list"), body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), (body, response.json())
    assert db_fingerprint() == before


def test_a_rep_or_manager_cannot_change_their_own_role_or_team(org):
    before = db_fingerprint()
    # when a rep and a manager try to promote themselves or move team
    rep = client_for(org.ra1).patch(url("user-detail", org.ra1.pk), {"role": "admin"}, format="json")
    manager = client_for(org.ma).patch(url("user-detail", org.ma.pk), {"team": org.team_b.pk}, format="json")
    put = client_for(org.ra1).put(url("user-detail", org.ra1.pk), {"username": "ra1", "role": "manager"}, format="json")
    # then all are refused and nothing changed
    assert (rep.status_code, manager.status_code, put.status_code) == (403, 403, 403)
    assert db_fingerprint() == before


def test_user_lists_are_scoped_by_role(org):
    # when each role lists users
    def names(user):
        return [u["username"] for u in client_for(user).get(url("user-list")).json()["results"]]
    # then an admin sees all, a manager the team, a rep only themself
    assert names(org.admin) == ["admin", "ma", "mb", "ra1", "ra2", "rb1"]
    assert names(org.ma) == ["ma", "ra1", "ra2"]
    assert names(org.ra1) == ["ra1"]


def test_users_cannot_be_deleted_through_the_api(org):
    # when an admin tries DELETE on a user
    response = client_for(org.admin).delete(url("user-detail", org.ra2.pk))
    # then the method is not allowed (deactivate instead) and the user stays
    assert response.status_code == 405
    assert User.objects.filter(pk=org.ra2.pk, is_active=True).exists()


def test_team_and_user_lists_take_a_fixed_number_of_queries(org):
    admin = client_for(org.admin)
    # given 3 extra teams and users, then 30
    for i in range(3):
        make_user(team=make_team())
    few = (list_queries(admin, url("team-list")), list_queries(admin, url("user-list")))
    for i in range(27):
        make_user(team=make_team())
    many = (list_queries(admin, url("team-list")), list_queries(admin, url("user-list")))
    # then the number of queries does not grow with the rows
    assert few == many == (2, 2)
