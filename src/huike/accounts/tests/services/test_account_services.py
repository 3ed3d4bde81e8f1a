import pytest

from huike.accounts.models import Team, User
from huike.accounts.services import team_create, team_update, user_create, user_update
from huike.audit.models import AuditEntry
from huike.core.errors import FieldErrors, Forbidden


def test_admin_creates_a_team_and_a_rep(org):
    team = team_create(actor=org.admin, data={"name": "西北销售部"})
    rep = user_create(actor=org.admin, data={"username": "xiaoli", "password": "Str0ng-pass-9", "role": "rep",
                                             "team": team, "display_name": "小李"})
    assert rep.check_password("Str0ng-pass-9")
    assert (rep.role, rep.team) == ("rep", team)
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=rep.pk)
    assert "password" not in entry.changes


def test_non_admins_cannot_manage_users_or_teams(org):
    for actor in (org.ma, org.ra1):
        with pytest.raises(Forbidden):
            user_create(actor=actor, data={"username": "x", "password": "Str0ng-pass-9", "role": "admin"})
        with pytest.raises(Forbidden):
            user_update(actor=actor, user=actor, data={"role": "admin"})
        with pytest.raises(Forbidden):
            team_create(actor=actor, data={"name": "新团队"})
    assert not User.objects.filter(username="x").exists()
    org.ra1.refresh_from_db()
    assert org.ra1.role == "rep"
    assert not Team.objects.filter(name="新团队").exists()


def test_bad_user_input_is_named(org):
    with pytest.raises(FieldErrors) as e:
        user_create(actor=org.admin, data={"username": "ra1", "password": "123", "role": "boss"})
    assert sorted(e.value.errors) == ["password", "role", "username"]


def test_reps_and_managers_need_a_team(org):
    with pytest.raises(FieldErrors) as e:
        user_create(actor=org.admin, data={"username": "loner", "password": "Str0ng-pass-9", "role": "rep"})
    assert list(e.value.errors) == ["team"]


def test_an_admin_cannot_demote_themself(org):
    with pytest.raises(FieldErrors):
        user_update(actor=org.admin, user=org.admin, data={"role": "rep", "team": org.team_a})
    org.admin.refresh_from_db()
    assert org.admin.role == "admin"


def test_a_team_manager_joins_the_team(org):
    new_manager = user_create(actor=org.admin, data={"username": "boss2", "password": "Str0ng-pass-9",
                                                     "role": "manager", "team": org.team_b})
    team_update(actor=org.admin, team=org.team_a, data={"manager": new_manager})
    new_manager.refresh_from_db()
    assert new_manager.team == org.team_a
    with pytest.raises(FieldErrors):
        team_update(actor=org.admin, team=org.team_a, data={"manager": org.ra1})
