"""Pages of data out and merges: export of the customer list, its background job, duplicates, merge and undo."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huike.accounts import policies
from huike.core.errors import FieldErrors
from huike.core.web import domain_errors, redirect
from huike.customers.selectors import SORTS, customer_get
from huike.customers.web.views import _filters as list_filters  # the list page's own parsing (no copy)

from .. import cells, dedupe, exports, merge
from ..api.views import file_response, zip_response
from ..models import Export


def _list_query(request) -> dict:
    sort = request.GET.get("sort", "")
    return {"filters": list_filters(request), "search": request.GET.get("q", ""),
            "sort": sort if sort in SORTS else ""}


def _field_choices() -> list[tuple[str, str]]:
    return [(f, cells.header(f, labels=True)) for f in cells.EXPORT_FIELDS]


@login_required
@domain_errors
def export_view(request):
    """GET: choose fields and format for the list as filtered; POST: the file, or a background job."""
    query = _list_query(request)
    chosen = request.POST.getlist("fields") if request.method == "POST" else list(cells.DEFAULT_FIELDS)
    fmt = request.POST.get("format", "xlsx")
    if request.method == "POST":
        try:
            export = exports.export_start(actor=request.user, fmt=fmt, fields=chosen,
                                          labels=request.POST.get("labels") == "1", **query)
        except FieldErrors as e:
            for errors in e.errors.values():
                for message in errors:
                    messages.error(request, message)
        else:
            if not export.background:
                return file_response(export, request)
            messages.info(request, _("The export is large: it is being prepared in the background. "
                                     "You will get a notification with the download link."))
            return HttpResponseRedirect(reverse("dataio:export_detail", args=[export.pk]))
    count = exports.customer_query(Export(user=request.user, **query)).count()
    return render(request, "dataio/export.html", {
        "fields": _field_choices(), "chosen": chosen, "format": fmt, "count": count,
        "background": count > exports.sync_max_rows(), "limit": exports.sync_max_rows(),
        "query": request.GET.urlencode(), "back": reverse("customers:list") + "?" + request.GET.urlencode(),
    })


@login_required
@domain_errors
def export_detail(request, pk: int):
    export = exports.export_get(user=request.user, pk=pk)
    template = "dataio/_export_status.html" if request.htmx else "dataio/export_detail.html"
    return render(request, template, {"export": export})


@login_required
@domain_errors
def export_download(request, pk: int):
    return zip_response(*exports.export_for_download(user=request.user, pk=pk))


def _require_merge(user) -> None:
    if not policies.can_merge(user):
        raise PermissionDenied(_("Only a manager or an admin can merge customers."))


@login_required
def duplicates_view(request):
    _require_merge(request.user)
    scan = dedupe.latest_scan(request.user)
    groups = dedupe.live_groups(request.user, scan) if scan and scan.status == "done" else []
    context = {"scan": scan, "groups": groups, "merges": merge.recent_merges(user=request.user)}
    if request.htmx and request.htmx.target == "scan-status":
        return render(request, "dataio/_scan_status.html", context)
    return render(request, "dataio/duplicates.html", context)


@login_required
@require_POST
@domain_errors
def scan_view(request):
    scan = dedupe.scan_start(actor=request.user)
    if scan.status == "done":
        messages.success(request, _("%(n)s customers scanned: %(g)s groups of possible duplicates.") % {
            "n": scan.scanned, "g": len(scan.groups)})
    return redirect(request, reverse("dataio:duplicates"))


@login_required
@require_POST
@domain_errors
def merge_view(request):
    keep = customer_get(user=request.user, pk=request.POST.get("keep"))
    policies.require_merge(request.user)
    other = customer_get(user=request.user, pk=request.POST.get("other"))
    try:
        record = merge.customer_merge(actor=request.user, keep=keep, other=other)
    except FieldErrors as e:
        for errors in e.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(request, reverse("dataio:duplicates"))
    messages.success(request, _("%(other)s was merged into %(keep)s.") % {"other": other, "keep": keep})
    return redirect(request, reverse("dataio:merge_detail", args=[record.pk]))


@login_required
@domain_errors
def merge_detail(request, pk: int):
    _require_merge(request.user)
    record = merge.merge_get(user=request.user, pk=pk)
    labels = {label: _related_name(label) for label in record.moved}
    moved = [(labels[label], len(ids)) for label, ids in record.moved.items()]
    return render(request, "dataio/merge_detail.html", {
        "record": record, "moved": moved, "can_undo": merge.can_undo(record),
        "deadline": merge.undo_deadline(record),
        "filled": [(cells.header(f, True), record.keep_before[f], record.keep_after[f])
                   for f in record.keep_before if f in merge.EDITABLE_FIELDS],
    })


def _related_name(label: str) -> str:
    names = {"followups.followup": _("Follow-ups"), "transactions.order": _("Orders"),
             "transactions.contract": _("Contracts"), "service.complaint": _("Complaints"),
             "automation.reminder": _("Reminders"), "customers.stagechange": _("Stage history"),
             "classification.change": _("Classification history"), "audit.auditentry": _("Change history")}
    if label in names:
        return names[label]
    model, _column = merge.relations().get(label, (None, None))
    return str(model._meta.verbose_name_plural) if model else label


@login_required
@require_POST
@domain_errors
def merge_undo_view(request, pk: int):
    record = merge.merge_get(user=request.user, pk=pk)
    try:
        merge.merge_undo(actor=request.user, record=record)
    except FieldErrors as e:
        for errors in e.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        messages.success(request, _("The merge was undone: %(other)s is back.") % {"other": record.other})
    return redirect(request, reverse("dataio:merge_detail", args=[record.pk]))
