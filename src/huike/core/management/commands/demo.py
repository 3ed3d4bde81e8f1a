"""`huike demo [--customers N] [--seed S]`: realistic, reproducible demo data with printed logins."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from huike.accounts.models import User
from huike.demo.generator import Options, Stats, generate
from huike.demo.reset import reset_demo
from huike.demo.users import existing_demo_users


class Command(BaseCommand):
    help = "Load realistic demo data (users of all three roles, customers and their history)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=200, help="number of customers (default 200)")
        parser.add_argument("--seed", type=int, default=2024, help="random seed: same seed, same data")
        parser.add_argument("--orders-per-customer", type=float, default=3.0)
        parser.add_argument("--followups-per-customer", type=float, default=4.0)
        parser.add_argument("--reset", action="store_true", help="remove earlier demo data first")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing (and succeed) when the database already has users")

    def handle(self, *args, **opts):
        if opts["customers"] < 0:
            raise CommandError("--customers must be 0 or more.")
        if opts["if_empty"] and User.objects.exists():
            self.stdout.write("The database already has users: no demo data loaded.")
            return
        existing = existing_demo_users()
        if existing and not opts["reset"]:
            raise CommandError(
                f"Demo users already exist ({', '.join(existing)}). "
                "Run `huike demo --reset` to replace the demo data."
            )
        if existing:
            removed = reset_demo()
            self.stdout.write(f"Removed the earlier demo data ({removed} customers).")
        options = Options(
            customers=opts["customers"], seed=opts["seed"],
            orders_per_customer=opts["orders_per_customer"], followups_per_customer=opts["followups_per_customer"],
        )
        cast, stats = generate(options, progress=self._progress if opts["customers"] >= 5000 else None)
        self._classify()
        self._report(cast, stats)

    def _classify(self) -> None:
        """Classify the new book at once, so the demo shows value tiers and relationship types with evidence."""
        from huike.classification.models import Run
        from huike.classification.services import run_execute, today

        run = run_execute(Run.objects.create(as_of=today(), kind="manual").pk)
        kinds = ", ".join(f"{k} {v}" for k, v in run.counts["relationship_type"].items())
        self.stdout.write(f"Classified as of {run.as_of}: {kinds}.")

    def _progress(self, stats: Stats) -> None:
        self.stdout.write(f"  {stats.counts.get('customers', 0):>9,} customers, {stats.rows:>11,} rows, "
                          f"{stats.seconds:6.1f} s")

    def _report(self, cast, stats: Stats) -> None:
        counts = ", ".join(f"{n:,} {name}" for name, n in stats.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {stats.seconds:.1f} s: {counts}."))
        self.stdout.write("Demo logins (user name / password):")
        for login in cast.logins:
            team = f", {login.team}" if login.team else ""
            self.stdout.write(f"  {login.role:<8} {login.username:<9} {login.password:<18} {login.display_name}{team}")
