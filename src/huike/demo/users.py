"""The demo cast: one admin, two teams each with a manager and two reps, created through the services."""
from __future__ import annotations

import random
import string
from dataclasses import dataclass

from django.db import transaction

from huike.accounts.models import Role, Team, User
from huike.accounts.services import team_create, team_update, user_create

from .data import TEAM_NAMES

ADMIN = "admin"
MANAGERS = ["manager1", "manager2"]
REPS = ["rep1", "rep2", "rep3", "rep4"]
DEMO_USERNAMES = [ADMIN, *MANAGERS, *REPS]


@dataclass
class Login:
    username: str
    password: str
    role: str
    team: str
    display_name: str


@dataclass
class Cast:
    admin: User
    teams: list[Team]
    managers: list[User]
    reps: list[User]
    logins: list[Login]

    def manager_of(self, rep: User) -> User:
        return self.managers[self.reps.index(rep) // 2]


def _password(rng: random.Random) -> str:
    """Readable, not common, at least 8 characters; reproducible for a seed."""
    letters = "".join(rng.choice(string.ascii_lowercase) for _ in range(4))
    return f"huike-{letters}-{rng.randint(1000, 9999)}"


def existing_demo_users() -> list[str]:
    return sorted(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))


@transaction.atomic
def create_cast(rng: random.Random, names: list[str]) -> Cast:
    """`names`: seven Chinese display names (admin, two managers, four reps)."""
    logins: list[Login] = []
    admin_pw = _password(rng)
    # The first admin has nobody to create it: the same bootstrap as `huike createsuperuser`.
    admin = User(username=ADMIN, role=Role.ADMIN, display_name=names[0], is_staff=True, is_superuser=True)
    admin.set_password(admin_pw)
    admin.save()
    logins.append(Login(ADMIN, admin_pw, Role.ADMIN, "", names[0]))
    teams, managers, reps = [], [], []
    for t, team_name in enumerate(TEAM_NAMES):
        team = team_create(actor=admin, data={"name": team_name})
        pw = _password(rng)
        manager = user_create(actor=admin, data={
            "username": MANAGERS[t], "password": pw, "role": Role.MANAGER, "team": team,
            "display_name": names[1 + t]})
        team = team_update(actor=admin, team=team, data={"manager": manager})
        logins.append(Login(manager.username, pw, Role.MANAGER, team_name, manager.display_name))
        teams.append(team)
        managers.append(manager)
        for r in range(2):
            pw = _password(rng)
            rep = user_create(actor=admin, data={
                "username": REPS[2 * t + r], "password": pw, "role": Role.REP, "team": team,
                "display_name": names[3 + 2 * t + r]})
            logins.append(Login(rep.username, pw, Role.REP, team_name, rep.display_name))
            reps.append(rep)
    return Cast(admin=admin, teams=teams, managers=managers, reps=reps, logins=logins)
