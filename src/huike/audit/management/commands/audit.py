"""`huike audit verify`: walk the hash chain; exit 1 naming the first bad entry."""
from django.core.management.base import BaseCommand, CommandError

from huike.audit.selectors import chain_verify


class Command(BaseCommand):
    help = "Audit trail tools. `verify` checks the hash chain and names the first tampered or missing entry."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        broken = chain_verify()
        if broken is not None:
            raise CommandError(f"audit chain broken at entry {broken.entry_id}: {broken.reason}")
        self.stdout.write(self.style.SUCCESS("audit chain intact"))
