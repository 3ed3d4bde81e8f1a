"""Issue 7 fuzzing: schemathesis over the OpenAPI schema, one run per role: no server error, no response that
breaks the schema, no undocumented status, no ignored authentication, and a rep never receives another
owner's record. Short here (a few examples per operation); benchmarks/fuzz.py runs it longer."""
from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from .fuzzing import CHECKS, fuzz, load_schema, only_own_records


@pytest.mark.parametrize("who", ["ra1", "ma", "admin"])
def test_schemathesis_run_is_clean(world, who):
    # given the R-1 world and the user's API token
    user = getattr(world.org, who)
    token = Token.objects.create(user=user).key
    checks = [*CHECKS, *([only_own_records(user)] if who == "ra1" else [])]
    # when every operation of the schema is fuzzed as that user
    problems = fuzz(load_schema(), token, checks, max_examples=3)
    # then nothing failed
    assert problems == [], "\n" + "\n\n".join(problems)
