"""Issue 7 points 1 and 2: every route × method × role × ownership answers as the matrix says, and every
refused request (400/401/403/404/405) leaves every table unchanged, writes no audit row and is logged."""
from __future__ import annotations

import pytest

from huike.core.api_testing import api_routes

from .matrix import MATRIX
from .matrix_runner import ROLES, check_role
from .routes import all_routes
from .targets import TARGETS


def test_every_route_has_an_entry():
    # given every URL pattern the project serves
    names = {r.name for r in all_routes()}
    # then each has a line in the matrix, and the matrix names no route that is gone
    missing = sorted(names - set(MATRIX))
    assert not missing, "routes without an entry in core/tests/access/matrix.py: " + ", ".join(missing)
    assert sorted(set(MATRIX) - names) == []


def test_every_api_method_has_an_expectation():
    # given the methods each API route really answers (read from the router / view classes)
    missing = [f"{method} api:{name}" for name, method in api_routes() if method not in MATRIX[f"api:{name}"].methods]
    # then the matrix has an expected status for each
    assert missing == []


def test_every_page_has_get_and_post():
    # pages answer whatever method they are sent: both are pinned, so a form that takes GET writes is seen
    missing = [n for n, e in MATRIX.items() if not n.startswith("api:") and not {"GET", "POST"} <= set(e.methods)]
    assert missing == []


def test_record_routes_name_their_target():
    routes = {r.name: r for r in all_routes()}
    wrong = [n for n, e in MATRIX.items() if n in routes and bool(routes[n].record_param) != bool(e.target)]
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_route_matrix(world, role, caplog):
    # given the R-1 cast with one of every record each, and `role` signed in (or not)
    # when it sends every method of the matrix to every route, for its own, a teammate's and the other team's record
    problems = check_role(world, role, [r for r in all_routes() if r.name in MATRIX], MATRIX, TARGETS, caplog)
    # then every answer is the expected one, and refusals changed nothing and were logged
    assert problems == [], "\n" + "\n".join(problems)
