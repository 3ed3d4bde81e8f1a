"""Shared fixtures: two teams, their managers and reps, an admin (the R-1 cast)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, settings

from huike.accounts.models import Role
from huike.testing.factories import make_team, make_user

# Property tests judge results, not speed: on a shared 2-core machine the generation of a few hundred
# values can take a second, which must not fail a run (no deadline, no "too slow" health check).
settings.register_profile("huike", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("huike")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a cached choice list must not outlive the rows of the test
    (or the flush of a browser test) that produced it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org(db):
    """Team A (manager ma, reps ra1, ra2) and team B (manager mb, rep rb1), and an admin."""
    team_a, team_b = make_team("华东销售部"), make_team("华南销售部")
    ma = make_user("ma", role=Role.MANAGER, team=team_a, display_name="王经理")
    mb = make_user("mb", role=Role.MANAGER, team=team_b, display_name="赵经理")
    team_a.manager, team_b.manager = ma, mb
    team_a.save(), team_b.save()
    return SimpleNamespace(
        team_a=team_a, team_b=team_b, ma=ma, mb=mb,
        ra1=make_user("ra1", team=team_a, display_name="李销售"),
        ra2=make_user("ra2", team=team_a, display_name="周销售"),
        rb1=make_user("rb1", team=team_b, display_name="陈销售"),
        admin=make_user("admin", role=Role.ADMIN, display_name="管理员"),
    )
