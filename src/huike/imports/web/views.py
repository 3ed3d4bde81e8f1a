"""The import wizard: upload → column mapping → preview with each row's problems → run (progress) → result."""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from huike.core.errors import FieldErrors
from huike.core.web import domain_errors, redirect

from .. import columns, errorfile, reading, selectors, services
from ..models import ImportKind, ImportStatus, OnDuplicate

ERRORS_SHOWN = 200


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=ImportKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}))


def _page(request, template: str, context: dict):
    steps = [(1, _("Upload")), (2, _("Columns")), (3, _("Preview")), (4, _("Import"))]
    return render(request, template, {**context, "view_steps": steps})


@login_required
def import_list(request):
    jobs = selectors.jobs_visible(request.user)[:30]
    return render(request, "imports/list.html", {"jobs": jobs})


@login_required
def import_new(request):
    form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind", "customers")})
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            job = services.import_create(actor=request.user, upload=f, name=f.name, size=f.size,
                                         kind=form.cleaned_data["kind"], draft=True)
        except FieldErrors as e:
            for field, messages in e.errors.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect(request, reverse("imports:mapping", args=[job.pk]))
    return _page(request, "imports/new.html", {"form": form, "step": 1, "max_mb": reading.max_bytes() // (1024 * 1024)})


def _draft(request, pk):
    job = selectors.job_get(request.user, pk)
    if job.status != ImportStatus.DRAFT:
        return None, redirect(request, reverse("imports:detail", args=[job.pk]))
    return job, None


def _samples(job, count=3) -> list[list[str]]:
    """A few values under each column, to tell columns apart while mapping."""
    rows = [r["cells"] for r in services.preview(job, limit=count)] if job.mapping else []
    return [[row[i] for row in rows] for i in range(len(job.headers))]


@login_required
@domain_errors
def import_mapping(request, pk: int):
    job, done = _draft(request, pk)
    if done:
        return done
    errors = []
    mapping, on_duplicate = job.mapping, job.on_duplicate
    if request.method == "POST":
        mapping = {str(i): request.POST.get(f"col_{i}", "") for i in range(len(job.headers))}
        on_duplicate = request.POST.get("on_duplicate", "skip")
        try:
            services.import_set_mapping(actor=request.user, job=job, mapping=mapping, on_duplicate=on_duplicate)
        except FieldErrors as e:
            errors = [m for ms in e.errors.values() for m in ms]
        else:
            return redirect(request, reverse("imports:preview", args=[job.pk]))
    fields = [(f, columns.field_label(job.kind, f)) for f in columns.FIELDS[job.kind]]
    required = set(columns.REQUIRED[job.kind])
    rows = [{"index": i, "header": h, "field": mapping.get(str(i), "")} for i, h in enumerate(job.headers)]
    return _page(request, "imports/mapping.html", {
        "job": job, "rows": rows, "fields": fields, "required": required, "errors": errors, "step": 2,
        "on_duplicate": on_duplicate, "duplicate_choices": OnDuplicate.choices})


@login_required
@domain_errors
def import_preview(request, pk: int):
    job, done = _draft(request, pk)
    if done:
        return done
    mapped = sorted((int(i), f) for i, f in job.mapping.items())
    rows = services.preview(job)
    for r in rows:
        r["mapped"] = [r["cells"][i] for i, _f in mapped]
    return _page(request, "imports/preview.html", {
        "job": job, "rows": rows, "step": 3, "bad": sum(1 for r in rows if r["status"] == "error"),
        "columns": [(job.headers[i], columns.field_label(job.kind, f)) for i, f in mapped]})


@login_required
@require_POST
@domain_errors
def import_start_view(request, pk: int):
    job, done = _draft(request, pk)
    if done:
        return done
    services.import_start(actor=request.user, job=job)
    return redirect(request, reverse("imports:detail", args=[job.pk]))


@login_required
@require_POST
@domain_errors
def import_resume_view(request, pk: int):
    job = selectors.job_get(request.user, pk)
    try:
        services.import_resume(actor=request.user, job=job)
    except FieldErrors:
        pass  # already running or done: the page shows which
    return redirect(request, reverse("imports:detail", args=[job.pk]))


def _result_context(job) -> dict:
    errors = list(job.row_errors.order_by("row", "id")[:ERRORS_SHOWN]) if job.status in ("done", "failed") else []
    for e in errors:
        e.label = columns.field_label(job.kind, e.field)
    return {"job": job, "errors": errors, "more_errors": job.failed_rows > len({e.row for e in errors}),
            "running": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)}


@login_required
@domain_errors
def import_detail(request, pk: int):
    job = selectors.job_get(request.user, pk)
    if job.status == ImportStatus.DRAFT:
        return redirect(request, reverse("imports:mapping", args=[job.pk]))
    return _page(request, "imports/detail.html", {**_result_context(job), "step": 4})


@login_required
@domain_errors
def import_progress(request, pk: int):
    job = selectors.job_get(request.user, pk)
    response = render(request, "imports/_progress.html", _result_context(job))
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        response["HX-Refresh"] = "true"  # the full result page, with its error table
    return response


@login_required
@domain_errors
def import_error_file(request, pk: int, fmt: str):
    job = selectors.job_get(request.user, pk)
    if fmt not in ("csv", "xlsx") or job.status not in (ImportStatus.DONE, ImportStatus.FAILED):
        raise Http404()
    if fmt == "csv":
        body, content_type = errorfile.error_csv(job), "text/csv; charset=utf-8"
    else:
        body = errorfile.error_xlsx(job)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.{fmt}"'
    return response
