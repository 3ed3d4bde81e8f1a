import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from huike.backups import archive
from huike.backups.crypto import BackupError
from huike.backups.services import backup_restore


class Command(BaseCommand):
    help = ("Rebuild the system from an encrypted backup (key in HUIKE_BACKUP_KEY). It loads in one transaction "
            "that is committed only if the whole file checks out (any damage rolls it back); the target must be empty (no users or customers) unless --force, "
            "which replaces everything. A database without tables is migrated first (R-11.3).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file")
        parser.add_argument("--force", action="store_true", help="replace the data of a database that has some")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path} / 找不到文件：{path}")
        if not archive.applied_migrations("default"):
            call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        try:
            manifest = backup_restore(path=path, force=options["force"])
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"restored {path} (taken {manifest.header['created_at']} on {manifest.header['vendor']}): "
            f"{sum(manifest.rows.values()):,} rows, {manifest.files} files ({time.perf_counter() - started:.1f} s)")
