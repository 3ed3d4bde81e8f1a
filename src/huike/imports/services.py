"""Import jobs: upload (checked, stored), mapping, preview, and the batched, resumable run (R-11.1).

A run commits each batch of rows together with the job's counters, its row errors and its checkpoint
(the spreadsheet row number of the batch's last row) in ONE transaction. A worker killed at any moment
therefore leaves exactly the rows of the committed batches; a resumed run starts after the checkpoint.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huike.accounts.models import User
from huike.audit.services import audit_record
from huike.core.errors import FieldErrors, NotFound
from huike.customers import options
from huike.customers.cadence import active_rules

from . import columns, customer_rows, feeds, reading, related_rows
from .models import ImportJob, ImportKind, ImportMapping, ImportRowError, ImportStatus, OnDuplicate

BATCH_SIZE = 5000  # rows per transaction: a commit (SQLite: a WAL sync) costs as much as ~250 rows
STALE_AFTER = dt.timedelta(minutes=5)  # a running job without a committed batch for this long lost its worker


class Superseded(Exception):
    """Another worker committed past our checkpoint: this one stops without writing."""


def import_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_file(job: ImportJob) -> Path:
    return Path(settings.DATA_DIR) / job.file_path


def remembered_mapping(user: User, kind: str) -> dict[str, str]:
    row = ImportMapping.objects.filter(user=user, kind=kind).first()
    return row.columns if row else {}


def import_create(*, actor: User, upload: IO[bytes], name: str, size: int, kind: str, on_duplicate: str = "skip",
                  draft: bool = False) -> ImportJob:
    """Check and store an upload. `draft` keeps it for the wizard's mapping step; otherwise it is queued."""
    errors = {}
    if kind not in ImportKind.values:
        errors["kind"] = [_("Choose customers, orders or followups.")]
    if on_duplicate not in OnDuplicate.values:
        errors["on_duplicate"] = [_("Choose skip or update.")]
    if errors:
        raise FieldErrors(errors)
    try:
        found = reading.inspect_file(name, upload, size)
    except reading.UploadRefused as e:
        raise FieldErrors.single("file", e.message) from None
    mapping = columns.auto_mapping(kind, found.headers, remembered_mapping(actor, kind))
    missing = columns.missing_required(kind, mapping)
    if missing and not draft:
        raise FieldErrors.single("file", _("No column for: %(fields)s. Name the columns as in the template "
                                           "(e.g. 客户名称, 联系人, 联系电话).") % {
            "fields": ", ".join(columns.field_label(kind, f) for f in missing)})
    relative = f"imports/{uuid.uuid4().hex}.{found.file_format}"
    import_dir()
    upload.seek(0)
    with open(Path(settings.DATA_DIR) / relative, "wb") as out:
        while chunk := upload.read(1 << 20):
            out.write(chunk)
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind, on_duplicate=on_duplicate, owner=actor, file_path=relative, original_name=name[:200],
            file_format=found.file_format, encoding=found.encoding, headers=found.headers, mapping=mapping,
            total=found.total, language=translation.get_language() or settings.LANGUAGE_CODE, status=ImportStatus.DRAFT if draft else ImportStatus.QUEUED)
        if not draft:
            _queue(job)
    return job


def import_set_mapping(*, actor: User, job: ImportJob, mapping: dict[str, str], on_duplicate: str) -> ImportJob:
    """The wizard's mapping step; remembered per user and kind by header text."""
    _own_draft(actor, job)
    allowed = set(columns.FIELDS[job.kind])
    clean = {str(i): f for i, f in mapping.items() if f and f in allowed and 0 <= int(i) < len(job.headers)}
    fields = list(clean.values())
    if len(fields) != len(set(fields)):
        dup = sorted({f for f in fields if fields.count(f) > 1})
        raise FieldErrors.single("mapping", _("Each field can come from one column only: %(fields)s.") % {
            "fields": ", ".join(columns.field_label(job.kind, f) for f in dup)})
    missing = columns.missing_required(job.kind, clean)
    if missing:
        raise FieldErrors.single("mapping", _("Choose a column for: %(fields)s.") % {
            "fields": ", ".join(columns.field_label(job.kind, f) for f in missing)})
    if on_duplicate not in OnDuplicate.values:
        raise FieldErrors.single("on_duplicate", _("Choose skip or update."))
    job.mapping, job.on_duplicate = clean, on_duplicate
    job.save(update_fields=["mapping", "on_duplicate"])
    remembered = {columns.normalise_header(h): clean.get(str(i), "") for i, h in enumerate(job.headers) if h}
    ImportMapping.objects.update_or_create(user=actor, kind=job.kind, defaults={"columns": remembered})
    return job


def _own_draft(actor: User, job: ImportJob) -> None:
    if job.owner_id != actor.pk:
        raise NotFound()
    if job.status != ImportStatus.DRAFT:
        raise FieldErrors.single("status", _("This import has already started."))


@transaction.atomic
def import_start(*, actor: User, job: ImportJob) -> ImportJob:
    _own_draft(actor, job)
    job.status = ImportStatus.QUEUED
    job.save(update_fields=["status"])
    _queue(job)
    return job


@transaction.atomic
def import_resume(*, actor: User, job: ImportJob) -> ImportJob:
    """Run a failed (or stalled) import again from its checkpoint; committed rows are not repeated."""
    if job.owner_id != actor.pk and not actor.is_admin:
        raise NotFound()
    stalled = job.status == ImportStatus.RUNNING and job.heartbeat_at and job.heartbeat_at < timezone.now() - STALE_AFTER
    if job.status != ImportStatus.FAILED and not stalled:
        raise FieldErrors.single("status", _("Only a stopped import can be resumed."))
    job.status = ImportStatus.QUEUED
    job.save(update_fields=["status"])
    from .tasks import import_task

    transaction.on_commit(lambda: import_task(job.pk))
    return job


def _queue(job: ImportJob) -> None:
    from .tasks import import_task

    audit_record(actor=job.owner, action="import", obj=job, changes={
        "kind": [None, job.kind], "file": [None, job.original_name], "rows": [None, job.total]})
    transaction.on_commit(lambda: import_task(job.pk))


@dataclass
class Context:
    job: ImportJob
    job_id: int
    kind: str
    actor: User
    on_duplicate: str
    fields: list[tuple[int, str]]
    enums: dict
    rules: list
    users: dict


def _context(job: ImportJob) -> Context:
    users = {}
    if job.kind == ImportKind.CUSTOMERS and "owner" in job.mapping.values():
        for u in User.objects.filter(is_active=True).select_related("team"):
            users.setdefault(u.username.lower(), u)
            if u.display_name:
                users.setdefault(u.display_name.strip().lower(), u)
    return Context(job, job.pk, job.kind, job.owner, job.on_duplicate,
                   sorted((int(i), f) for i, f in job.mapping.items()), columns.enum_indexes(), active_rules(), users)


def preview(job: ImportJob, limit: int = 20) -> list[dict]:
    """The first rows with each row's problems, checked by the same code as the run (nothing is written)."""
    ctx = _context(job)
    rows = []
    with open(job_file(job), "rb") as f:
        for number, cells in reading.iter_rows(job.file_format, job.encoding, f, len(job.headers)):
            rows.append((number, cells))
            if len(rows) >= limit:
                break
    out = []
    for number, cells in rows:
        try:
            with transaction.atomic():
                result = _process(ctx, [(number, cells)])
                raise _Rollback(result)
        except _Rollback as r:
            result = r.result
        status = "error" if result.errors else "skip" if result.skipped else "update" if result.updated else "new"
        out.append({"row": number, "cells": ["" if c is None else columns.text(c) for c in cells], "status": status,
                    "problems": [(columns.field_label(job.kind, f), m) for _r, f, m in result.errors]})
    return out


class _Rollback(Exception):
    def __init__(self, result):
        super().__init__()
        self.result = result


def _process(ctx: Context, rows, prepared=None):
    with options.pinned():  # the choice lists once per batch, not per row and field
        if ctx.kind == ImportKind.CUSTOMERS:
            return customer_rows.process(ctx, rows, prepared)
        return related_rows.process(ctx, rows)


def claim(job_id: int, *, force: bool = False) -> bool:
    """Take a job for this worker: queued or failed ones, running ones whose worker is gone (or `force`)."""
    now = timezone.now()
    runnable = Q(status__in=[ImportStatus.QUEUED, ImportStatus.FAILED])
    runnable |= Q(status=ImportStatus.RUNNING) & (Q(heartbeat_at__lt=now - STALE_AFTER) | Q(pk__in=[job_id] if force else []))
    return bool(ImportJob.objects.filter(runnable, pk=job_id).update(
        status=ImportStatus.RUNNING, heartbeat_at=now, error=""))


def import_execute(job_id: int, *, force: bool = False, batch_size: int = BATCH_SIZE) -> ImportJob:
    """Run (or resume) an import from its checkpoint. Safe to call again after any crash."""
    if not claim(job_id, force=force):
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.get(pk=job_id)
    ImportJob.objects.filter(pk=job_id, started_at__isnull=True).update(started_at=timezone.now())
    with translation.override(job.language):
        return _run(job, batch_size)


def _run(job: ImportJob, batch_size: int) -> ImportJob:
    job_id = job.pk
    try:
        ctx = _context(job)
        checkpoint = job.checkpoint
        statistics = customer_rows.Statistics() if ctx.kind == ImportKind.CUSTOMERS else None
        feed = feeds.process_feed if feeds.use_process(ctx.kind, job.total - job.processed, batch_size) \
            else feeds.thread_feed
        language = translation.get_language() or job.language
        with feed(ctx, job, job_file(job), checkpoint, batch_size, language) as prepared_batches:
            for last, rows, prepared in prepared_batches:  # written in file order, each in its own transaction
                checkpoint = _commit(ctx, job_id, checkpoint, last, rows, prepared, statistics)
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(
            status=ImportStatus.DONE, finished_at=timezone.now())
    except Superseded:
        pass
    except Exception as e:  # shown on the job; the committed batches stay, a resume continues after them
        ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.FAILED, error=repr(e)[:2000],
                                                   finished_at=timezone.now())
        raise
    return ImportJob.objects.get(pk=job_id)


def _commit(ctx: Context, job_id: int, checkpoint: int, last: int, rows, prepared=None, statistics=None) -> int:
    """One batch (its rows, or customer rows already `prepared`; `last`: its last row number), all or nothing,
    with the job's counters and checkpoint. Returns the new checkpoint. `statistics`
    (customer_rows.Statistics) hears of the committed batch's new customers."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                job = ImportJob.objects.select_for_update().get(pk=job_id)
                if job.checkpoint != checkpoint or job.status != ImportStatus.RUNNING:
                    raise Superseded()
                result = _process(ctx, rows, prepared)
                ImportRowError.objects.bulk_create(
                    [ImportRowError(job_id=job_id, row=r, field=f, message=m) for r, f, m in result.errors])
                job.created += result.created
                job.updated += result.updated
                job.skipped += result.skipped
                job.failed_rows += result.failed_rows
                job.checkpoint = last
                job.heartbeat_at = timezone.now()
                job.save(update_fields=["created", "updated", "skipped", "failed_rows", "checkpoint", "heartbeat_at"])
            if statistics is not None:
                statistics.after(result.created)
            return job.checkpoint
        except IntegrityError:
            if attempt == 2:  # a concurrent writer took a phone/email twice in a row: give up on the job
                raise
    raise AssertionError("unreachable")


def resume_stale() -> list[int]:
    """Jobs whose worker died (no batch for STALE_AFTER) run again from their checkpoint."""
    cutoff = timezone.now() - STALE_AFTER
    ids = list(ImportJob.objects.filter(status=ImportStatus.RUNNING, heartbeat_at__lt=cutoff).values_list("pk", flat=True))
    from .tasks import import_task

    for pk in ids:
        import_task(pk)
    return ids
