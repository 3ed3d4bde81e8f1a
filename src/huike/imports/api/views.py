"""Import API (API.md): POST a file to queue an import, GET its status and the rows that were not imported."""
from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from huike.core.api_views import BAD_REQUEST, NOT_FOUND
from huike.core.errors import FieldErrors

from .. import selectors, services
from ..models import ImportKind, OnDuplicate

ImportInput = inline_serializer("ImportInput", {
    "file": serializers.FileField(), "kind": serializers.ChoiceField(ImportKind.choices),
    "on_duplicate": serializers.ChoiceField(OnDuplicate.choices, required=False)})
ImportCreated = inline_serializer("ImportCreated", {"id": serializers.IntegerField()})
ImportOutput = inline_serializer("Import", {
    "id": serializers.IntegerField(), "status": serializers.CharField(), "kind": serializers.CharField(),
    "total": serializers.IntegerField(), "created": serializers.IntegerField(),
    "updated": serializers.IntegerField(), "skipped": serializers.IntegerField(),
    "errors": inline_serializer("ImportRowError", many=True, fields={
        "row": serializers.IntegerField(), "field": serializers.CharField(), "message": serializers.CharField()})})

ALLOWED = {"file", "kind", "on_duplicate"}


class _NameKeepingParser(DjangoMultiPartParser):
    """Django silently cuts a path off an uploaded file's name; a name that carried one is marked so the
    import refuses it (R-11.1) instead of importing a file the client may not have meant."""

    def sanitize_file_name(self, file_name):
        clean = super().sanitize_file_name(file_name)
        if clean and ("/" in file_name or "\\" in file_name):
            return "\x00" + clean
        return clean


class UploadParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        try:
            data, files = _NameKeepingParser(meta, stream, request.upload_handlers,
                                             parser_context.get("encoding") or "utf-8").parse()
        except MultiPartParserError as exc:
            raise ParseError(str(exc)) from None
        return DataAndFiles(data, files)


class ImportListView(APIView):
    parser_classes = [UploadParser, FormParser]

    @extend_schema(tags=["imports"], request={"multipart/form-data": ImportInput},
                   responses={201: ImportCreated, 400: BAD_REQUEST})
    def post(self, request):
        """Upload an xlsx or csv of customers, orders or follow-ups; the worker imports it."""
        errors = {k: [_("Unknown field.")] for k in sorted(set(request.data.keys()) - ALLOWED)}
        upload = request.FILES.get("file")
        if upload is None:
            errors["file"] = [_("Choose an .xlsx or .csv file to import.")]
        if errors:
            raise FieldErrors(errors)
        job = services.import_create(
            actor=request.user, upload=upload, name=upload.name, size=upload.size,
            kind=request.data.get("kind", ""), on_duplicate=request.data.get("on_duplicate") or OnDuplicate.SKIP)
        return Response({"id": job.pk}, status=status.HTTP_201_CREATED)


class ImportDetailView(APIView):
    @extend_schema(tags=["imports"], responses={200: ImportOutput, 404: NOT_FOUND})
    def get(self, request, pk: int):
        """Status and counts; `errors` lists every row not imported (row 1 is the header)."""
        job = selectors.job_get(request.user, pk)
        return Response({"id": job.pk, "status": job.status, "kind": job.kind, "total": job.total,
                         "created": job.created, "updated": job.updated, "skipped": job.skipped,
                         "errors": selectors.job_errors(job)})
