import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from huike.classification.models import Run, RunKind
from huike.classification.services import run_execute, today


class Command(BaseCommand):
    help = "Classify every customer as of a date (R-5): value tier, value class, relationship type, RFM segments."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="YYYY-MM-DD, default today")

    def handle(self, *args, **options):
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else today()
        except ValueError:
            raise CommandError("--as-of must be a date as YYYY-MM-DD / 日期格式应为 YYYY-MM-DD") from None
        if as_of > today():
            raise CommandError("--as-of cannot be in the future / 不能按未来日期分类")
        started = time.perf_counter()
        run = Run.objects.create(as_of=as_of, kind=RunKind.MANUAL)
        run = run_execute(run.pk)
        c = run.counts
        self.stdout.write(
            f"run {run.pk} as of {as_of}: {c['customers']} customers, {c['changed']} changed, "
            f"{c['history']} history rows, {c['pending']} waiting for approval, {c['tasks']} tasks "
            f"({time.perf_counter() - started:.1f} s)")
        for name in ("value_tier", "value_class", "relationship_type"):
            self.stdout.write(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in c[name].items()))
