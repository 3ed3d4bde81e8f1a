"""Backups (R-11.3): take one, restore one, the schedule and retention. Every run is in the audit log."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huike.audit.services import audit_record, diff, snapshot as audit_snapshot
from huike.core.errors import FieldErrors

from . import archive, dump, load
from .crypto import key_from_env
from .domain import schedule as plan
from .models import BackupSchedule, Frequency

SUFFIX = ".hkb"
SCHEDULE_FIELDS = ["frequency", "at", "weekday", "keep"]


@dataclass
class BackupFile:
    path: Path
    size: int
    created_at: dt.datetime

    @property
    def name(self) -> str:
        return self.path.name


def backups_dir() -> Path:
    path = Path(getattr(settings, "HUIKE_BACKUP_DIR", None) or Path(settings.DATA_DIR) / "backups")
    path.mkdir(parents=True, exist_ok=True)
    return path


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _new_path(directory: Path) -> Path:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    path, n = directory / f"huike-{stamp}{SUFFIX}", 1
    while path.exists():
        n += 1
        path = directory / f"huike-{stamp}-{n}{SUFFIX}"
    return path


def backup_create(*, actor=None, output: Path | None = None, using: str = "default",
                  media: Path | None = None) -> tuple[Path, archive.Manifest]:
    """Write an encrypted backup (to `output`, or a new file in the backups folder, then apply retention)."""
    passphrase = key_from_env()
    directory = backups_dir()
    target = Path(output) if output else _new_path(directory)
    partial = target.with_name(target.name + ".part")  # never listed, never restored, never counted
    started = time.perf_counter()
    try:
        with dump.snapshot(using, workdir=directory) as alias, partial.open("wb") as raw:
            manifest = archive.write(raw, passphrase, alias, media or media_root())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _audit(actor, "backup", using, {"file": target.name, "size": target.stat().st_size, "files": manifest.files,
                                    "rows": sum(manifest.rows.values()),
                                    "seconds": round(time.perf_counter() - started, 1)})
    if target.parent.resolve() == directory.resolve():
        prune(keep=schedule_get(using=using).keep)
    return target, manifest


def backup_restore(*, path: Path, force: bool = False, using: str = "default", media: Path | None = None,
                   passphrase: str | None = None) -> archive.Manifest:
    """Replace the database (and the uploaded files) with a backup's. Nothing stays changed unless all of it is right.

    The key and the header come first (a wrong key is refused before anything else); then the target must
    have the backup's schema and (without force) no users or customers. The rows are then loaded in one
    transaction while the rest of the file is authenticated frame by frame and its structure and counts
    checked: damage anywhere, even in the last frame, raises before the commit and rolls everything back.
    The uploaded files go to a staging folder and are swapped in only after the commit.
    """
    passphrase = passphrase or key_from_env()
    media = Path(media or media_root())
    with open(path, "rb") as raw:
        records = iter(archive.Reader(raw, passphrase))
        _kind, header = next(records)
        load.check_target(archive.Manifest(header=header), using, force=force)
        media.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=media.parent))
        try:
            # SQLite: foreign keys are checked once at the end (load.Rebuilt), not on every row
            with connections[using].constraint_checks_disabled(), transaction.atomic(using=using):
                manifest = _load(records, header["format"], using, staging)
                _audit(None, "restore", using, {"file": Path(path).name, "taken_at": header["created_at"],
                                                "rows": sum(manifest.rows.values()), "files": manifest.files})
            _swap(staging, media)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    ContentType.objects.clear_cache()
    return manifest


def _audit(actor, action: str, using: str, facts: dict) -> None:
    """Backups and restores join the audit log through its one writer (which keeps its own integrity
    rules); it writes to the configured database, so another alias (a migration tool, tests) is not audited."""
    if using == DEFAULT_DB_ALIAS:
        audit_record(actor=actor, action=action, obj=schedule_get(), changes={k: [None, v] for k, v in facts.items()})


def _load(records, content_format: int, using: str, staging: Path) -> archive.Manifest:
    """Inside the caller's transaction: derived-table triggers, indexes and foreign keys off, every table
    emptied and loaded, then all of it back (built once); returns the manifest once the end record checked out."""
    connection = connections[using]
    triggers = load.derived_table_triggers()
    for module in triggers:
        module.drop_triggers(connection)
    rebuilt = load.Rebuilt(using)
    rebuilt.take_off()
    load.wipe(using)
    writer = load.BulkWriter(using) if content_format >= 2 else load.Inserter(using)
    manifest, handle = None, None
    try:
        for kind, value in records:
            if kind == "rows":
                writer.insert(*value)
                continue
            if isinstance(writer, load.BulkWriter):
                writer.close()
            if kind == "file":
                target = staging / value
                target.parent.mkdir(parents=True, exist_ok=True)
                handle = target.open("wb")
            elif kind == "piece":
                handle.write(value)
            elif kind == "file_end":
                handle.close()
            elif kind == "end":
                manifest = value
    except BaseException as error:
        if isinstance(writer, load.BulkWriter):
            writer.close(error)
        raise
    finally:
        if handle is not None:
            handle.close()
    rebuilt.put_back()
    for module in triggers:
        module.create_triggers(connection)
    if connection.vendor == "postgresql":
        load.reset_sequences(using)
    return manifest


def _swap(staging: Path, media: Path, now: dt.datetime | None = None) -> None:
    """Put the restored files in place; files that were there move aside (kept, never silently lost), to a
    folder named by the time, numbered when a restore in the same second already took that name."""
    if media.exists():
        if any(media.iterdir()):
            stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%d-%H%M%S")
            aside, n = media.with_name(f"{media.name}.before-restore-{stamp}"), 1
            while aside.exists():
                n += 1
                aside = media.with_name(f"{media.name}.before-restore-{stamp}-{n}")
            media.rename(aside)
        else:
            media.rmdir()
    staging.rename(media)


def backup_list() -> list[BackupFile]:
    """The backups in the backups folder, newest first (partial files excluded)."""
    out = []
    for path in backups_dir().glob(f"*{SUFFIX}"):
        stat = path.stat()
        out.append(BackupFile(path=path, size=stat.st_size,
                              created_at=dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc)))
    return sorted(out, key=lambda b: (b.created_at, b.name), reverse=True)


def prune(*, keep: int) -> list[str]:
    """Retention: delete the oldest backups beyond `keep`."""
    oldest_first = [b.name for b in reversed(backup_list())]
    removed = plan.to_remove(oldest_first, keep)
    for name in removed:
        (backups_dir() / name).unlink(missing_ok=True)
    return removed


def schedule_get(*, using: str = "default") -> BackupSchedule:
    row, _created = BackupSchedule.objects.using(using).get_or_create(pk=1)
    return row


def schedule_update(*, actor, data: dict) -> BackupSchedule:
    """Set the schedule; slots from now on count (setting it never triggers a backup at once)."""
    errors: dict[str, list[str]] = {}
    frequency = data.get("frequency")
    if frequency not in Frequency.values:
        errors["frequency"] = [_("Choose off, daily or weekly.")]
    at = data.get("at")
    if isinstance(at, str):
        try:
            at = dt.time.fromisoformat(at)
        except ValueError:
            at = None
    if not isinstance(at, dt.time):
        errors["at"] = [_("Enter a time as HH:MM.")]
    weekday, keep = data.get("weekday", 0), data.get("keep")
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        errors["weekday"] = [_("Choose a day of the week.")]
    if not isinstance(keep, int) or not 1 <= keep <= 365:
        errors["keep"] = [_("Keep between 1 and 365 backups.")]
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        row = BackupSchedule.objects.select_for_update().get(pk=schedule_get().pk)
        before = audit_snapshot(row, SCHEDULE_FIELDS)
        row.frequency, row.at, row.weekday, row.keep = frequency, at.replace(second=0, microsecond=0), weekday, keep
        row.last_run_at = timezone.now()
        row.save(update_fields=[*SCHEDULE_FIELDS, "last_run_at"])
        changes = diff(before, audit_snapshot(row, SCHEDULE_FIELDS))
        if changes:
            audit_record(actor=actor, action="update", obj=row, changes=changes)
    return row


def as_plan(row: BackupSchedule) -> plan.Schedule:
    return plan.Schedule(frequency=row.frequency, at=row.at, weekday=row.weekday)


def next_run(row: BackupSchedule) -> dt.datetime | None:
    last = timezone.localtime(row.last_run_at or timezone.now()).replace(tzinfo=None)
    slot = plan.next_slot(as_plan(row), last)
    return timezone.make_aware(slot) if slot else None


def schedule_claim(*, now: dt.datetime | None = None) -> bool:
    """Claim a due scheduled backup (one worker wins): records the run time before the backup starts."""
    now = now or timezone.now()
    with transaction.atomic():
        row = BackupSchedule.objects.select_for_update().get(pk=schedule_get().pk)
        last = timezone.localtime(row.last_run_at or now).replace(tzinfo=None)
        if not plan.is_due(as_plan(row), last=last, now=timezone.localtime(now).replace(tzinfo=None)):
            return False
        row.last_run_at = now
        row.save(update_fields=["last_run_at"])
    return True


def schedule_report(*, error: str) -> None:
    BackupSchedule.objects.filter(pk=schedule_get().pk).update(last_error=error[:2000])
