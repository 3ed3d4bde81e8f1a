"""API of data out and merges: customer export (R-11.2), export status and download, merge and undo (R-2.3)."""
from __future__ import annotations

from django.http import FileResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from huike.accounts import policies
from huike.core.api_views import BAD_REQUEST, FORBIDDEN, NOT_FOUND, clean_query
from huike.customers import selectors
from huike.customers.api.filters import CustomerFilter

from .. import exports, merge
from ..models import Export, MergeRecord


class JsonOnly(DefaultContentNegotiation):
    """`?format=` names the file format here, not a DRF renderer; errors and job answers are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type


class ExportInput(serializers.Serializer):
    format = serializers.ChoiceField(choices=exports.FORMATS, default="csv")
    fields = serializers.CharField(required=False, allow_blank=True,
                                   help_text="Comma-separated customer field names; default a common set.")
    labels = serializers.BooleanField(default=False, help_text="true: translated headers and choice labels.")


class ExportOutput(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Export
        fields = ["id", "status", "format", "fields", "rows", "background", "created_at", "finished_at", "download"]
        read_only_fields = fields

    def get_download(self, export: Export) -> str:
        if export.background and export.status == "done":
            return self.context["request"].build_absolute_uri(f"/api/v1/exports/{export.pk}/download/")
        return ""


def file_response(export: Export, request) -> StreamingHttpResponse | FileResponse:
    """A small export as the file itself: csv streamed, xlsx from a temporary write-only workbook."""
    name = exports.file_name(export)
    if export.format == "csv":
        response = StreamingHttpResponse(exports.csv_chunks(export), content_type="text/csv; charset=utf-8")
    else:
        import tempfile

        spool = tempfile.TemporaryFile()
        exports.write_xlsx(export, spool)
        spool.seek(0)
        response = FileResponse(spool, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


class CustomerExportView(APIView):
    content_negotiation_class = JsonOnly

    @extend_schema(tags=["customers"], filters=False, parameters=[
        ExportInput, *[OpenApiParameter(name, OpenApiTypes.STR) for name in CustomerFilter.base_filters]],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, 202: ExportOutput, 400: BAD_REQUEST})
    def get(self, request):
        """The customer list with its filters as csv or xlsx (R-11.2), within your scope (R-1).

        Over the size limit the export is prepared in the background: 202 with the job; the finished zip
        is at `download`, and a notification links to it.
        """
        options = ExportInput(data=request.query_params)
        options.is_valid(raise_exception=True)
        params = clean_query(CustomerFilter, request)
        search, sort = params.pop("search", ""), params.pop("ordering", "")
        export = exports.export_start(actor=request.user, fmt=options.validated_data["format"],
                                      fields=options.validated_data.get("fields"), filters=params,
                                      search=search, sort=sort, labels=options.validated_data["labels"])
        if export.background:
            return Response(ExportOutput(export, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)
        return file_response(export, request)


class ExportDetailView(APIView):
    @extend_schema(tags=["exports"], responses={200: ExportOutput, 404: NOT_FOUND})
    def get(self, request, pk: int):
        """One of your exports: queued, running, done (with its download link) or failed."""
        return Response(ExportOutput(exports.export_get(user=request.user, pk=pk), context={"request": request}).data)


class ExportDownloadView(APIView):
    content_negotiation_class = JsonOnly

    @extend_schema(tags=["exports"], responses={(200, "application/zip"): OpenApiTypes.BINARY, 404: NOT_FOUND})
    def get(self, request, pk: int):
        """The zipped file of one of your background exports (anyone else's: 404)."""
        return zip_response(*exports.export_for_download(user=request.user, pk=pk))


def zip_response(export: Export, path) -> FileResponse:
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=path.name.split("-", 1)[1],
                            content_type="application/zip")
    response["Cache-Control"] = "no-store"
    return response


class MergeInput(serializers.Serializer):
    other = serializers.IntegerField(help_text="The customer merged into this one (then soft-deleted).")


class MergeOutput(serializers.ModelSerializer):
    undo_until = serializers.SerializerMethodField()

    class Meta:
        model = MergeRecord
        fields = ["id", "keep", "other", "moved", "keep_before", "keep_after", "created_at", "undone_at",
                  "undo_until"]
        read_only_fields = fields

    def get_undo_until(self, record: MergeRecord) -> str:
        return merge.undo_deadline(record).isoformat()


class CustomerMergeView(APIView):
    @extend_schema(tags=["customers"], request=MergeInput,
                   responses={201: MergeOutput, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND})
    def post(self, request, pk: int):
        """Merge customer `other` into this one (R-2.3): managers and admins; undo within 30 days."""
        data = MergeInput(data=request.data)
        data.is_valid(raise_exception=True)
        keep = selectors.customer_get(user=request.user, pk=pk)
        policies.require_merge(request.user)  # a rep is refused before the other id is even looked up
        other = selectors.customer_get(user=request.user, pk=data.validated_data["other"])
        record = merge.customer_merge(actor=request.user, keep=keep, other=other)
        return Response(MergeOutput(record).data, status=status.HTTP_201_CREATED)
