"""The schemathesis run of the suite, longer: every API operation as a rep, a manager and an admin.

    .venv/bin/python benchmarks/fuzz.py --examples 50            # SQLite
    .venv/bin/python benchmarks/fuzz.py --db postgres --examples 50

Zero server errors, zero schema violations, zero ignored authentication and no other owner's record for the
rep are expected; each failing operation is printed with the reason.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import configure, fast_passwords  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--examples", type=int, default=50, help="generated requests per operation and role")
    args = p.parse_args()
    where = configure(args.db)
    fast_passwords()
    from rest_framework.authtoken.models import Token

    from huike.core.tests.access.fuzzing import CHECKS, fuzz, load_schema, only_own_records
    from huike.testing.factories import make_customer, make_followup, make_order, make_team, make_user

    team_a, team_b = make_team("华东销售部"), make_team("华南销售部")
    cast = {"rep": make_user("fz_rep", team=team_a), "manager": make_user("fz_mgr", role="manager", team=team_a),
            "admin": make_user("fz_admin", role="admin")}
    for owner in (cast["rep"], make_user("fz_rep2", team=team_a), make_user("fz_rep3", team=team_b)):
        for _ in range(3):
            customer = make_customer(owner)
            make_followup(customer, owner), make_order(customer, owner)
    schema = load_schema()
    failures = 0
    for role, user in cast.items():
        started = time.monotonic()
        checks = [*CHECKS, *([only_own_records(user)] if role == "rep" else [])]
        problems = fuzz(schema, Token.objects.create(user=user).key, checks, args.examples)
        failures += len(problems)
        print(f"{where}: {role}: {len(problems)} failing operations, {time.monotonic() - started:.0f} s", flush=True)
        for line in problems:
            print("  " + line)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
