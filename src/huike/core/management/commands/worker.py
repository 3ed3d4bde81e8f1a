"""`huike worker`: the background worker (huey consumer) alone, e.g. on another machine with Redis."""
from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (the huey consumer) in the foreground."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--workers", "-w", type=int, help="worker threads (default from HUEY settings)")

    def handle(self, *args, **opts):
        extra = {"workers": opts["workers"]} if opts["workers"] else {}
        call_command("run_huey", **extra)
