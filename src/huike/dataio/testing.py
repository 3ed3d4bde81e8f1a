"""Builders for tests of data in/out (used by the API permission matrix too)."""
from __future__ import annotations

import zipfile

from django.conf import settings
from django.utils import timezone

from .exports import export_dir
from .models import Export, JobStatus


def make_finished_export(user, rows: int = 1) -> Export:
    """A background export of `user` that is done, with a small zip on disk."""
    export = Export.objects.create(user=user, format="csv", fields=["code"], background=True, rows=rows,
                                   status=JobStatus.DONE, finished_at=timezone.now())
    folder = export_dir() / str(user.pk)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{export.pk}-huike-customers-test.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("huike-customers-test.csv", "\ufeffcode\r\nC000001\r\n")
    Export.objects.filter(pk=export.pk).update(file=str(path.relative_to(settings.DATA_DIR)))
    export.refresh_from_db()
    return export
