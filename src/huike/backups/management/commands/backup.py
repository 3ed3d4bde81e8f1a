import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from huike.backups.crypto import BackupError
from huike.backups.services import backup_create


class Command(BaseCommand):
    help = ("Write an encrypted backup of the whole system (every table and the uploaded files) with the key "
            "in HUIKE_BACKUP_KEY; by default into HUIKE_DATA_DIR/backups, keeping the scheduled number (R-11.3).")

    def add_arguments(self, parser):
        parser.add_argument("--output", help="the backup file to write (default: a new file in the backups folder)")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            path, manifest = backup_create(output=Path(options["output"]) if options["output"] else None)
        except BackupError as e:
            raise CommandError(str(e)) from None
        rows = sum(manifest.rows.values())
        self.stdout.write(f"{path} : {path.stat().st_size:,} bytes, {rows:,} rows, {manifest.files} files "
                          f"({time.perf_counter() - started:.1f} s)")
