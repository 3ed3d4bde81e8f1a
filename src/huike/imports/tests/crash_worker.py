"""The worker side of the crash-safety test, run as a separate process:

    python -m huike.imports.tests.crash_worker setup ROWS BATCH   → prints the job id
    python -m huike.imports.tests.crash_worker run JOB BATCH      → imports (resumes) the job; killed by the test

The database comes from the environment (HUIKE_DATA_DIR for SQLite, DATABASE_URL for PostgreSQL).
"""
from __future__ import annotations

import os
import sys


def _setup(rows: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from huike.accounts.models import Role
    from huike.imports import services
    from huike.imports.tests.helpers import csv_bytes, customer_row
    from huike.testing.factories import make_user

    call_command("migrate", verbosity=0, skip_checks=True)
    actor = make_user("crash-importer", role=Role.ADMIN)
    content = csv_bytes([customer_row(i) for i in range(rows)])
    job = services.import_create(actor=actor, upload=SimpleUploadedFile("c.csv", content), name="c.csv",
                                 size=len(content), kind="customers", draft=True)
    job.status = "queued"
    job.save(update_fields=["status"])
    print(job.pk)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huike.config.settings")
    import django

    django.setup()
    command, arg = sys.argv[1], int(sys.argv[2])
    if command == "setup":
        _setup(arg)
    elif command == "run":
        from huike.imports import services

        job = services.import_execute(arg, force=True, batch_size=int(sys.argv[3]))
        print(job.status)


if __name__ == "__main__":
    main()
