"""HXL 3W spreadsheets over the API: the exports of programmes and flags, and the preview/confirm steps of an
HXL import job. Mixins, so each viewset keeps one line for them:

- GET /api/programmes/export-hxl/?file=csv|xlsx&<the list's filters>
- GET /api/flags/export-hxl/?file=csv|xlsx&<the list's filters>
- POST /api/imports/ (kind=hxl) makes a job that is previewed, not run; then
  GET /api/imports/{id}/preview/, POST /api/imports/{id}/confirm/ (runs it) or .../cancel/.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from programmes.interop import hxl_export, hxl_jobs

ERROR = {"$ref": "#/components/schemas/Error"}
FILE_PARAMETER = OpenApiParameter(
    "file",
    type=str,
    enum=list(hxl_export.FORMATS),
    default="csv",
    description="csv (UTF-8 with BOM, streamed) or xlsx (Excel workbook).",
)


class HxlFileRenderer(BaseRenderer):
    """Declares the download types. The export is a file response that no renderer touches; errors are
    rendered as JSON (see handle_exception)."""

    media_type = "text/csv"
    format = "hxl"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data, renderer_context=renderer_context)


def _export_schema(what: str, description: str):
    return extend_schema(
        summary=f"Export {what} as an HXL-tagged spreadsheet",
        description=description,
        filters=True,
        parameters=[FILE_PARAMETER],
        responses={
            (200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR, description="HXL-tagged CSV."),
            (200, hxl_export.XLSX_CONTENT_TYPE): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="HXL-tagged Excel workbook."
            ),
            (400, "application/json"): OpenApiResponse(response=ERROR, description="A parameter is not valid."),
        },
    )


class _HxlExportMixin:
    def _file_format(self, request) -> str:
        file_format = request.query_params.get("file", "csv")
        if file_format not in hxl_export.FORMATS:
            raise exceptions.ValidationError({"file": ["Use csv or xlsx."]})
        return file_format

    def handle_exception(self, exc):
        # Errors keep the API's JSON shape even when the client asked for a spreadsheet.
        response = super().handle_exception(exc)
        if getattr(self, "action", None) == "export_hxl":
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return response


class ProgrammeHxlExportMixin(_HxlExportMixin):
    @_export_schema(
        "programmes",
        "The programmes this user may see that match the list's filters, as a 3W sheet: row 1 headers, row 2 HXL "
        "hashtags (#org+impl, #activity, #sector, #adm1+code …), then one row per programme and location. Cells "
        "that a spreadsheet could run as a formula start with an apostrophe. Errors are JSON.",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="export-hxl",
        renderer_classes=[HxlFileRenderer, JSONRenderer],
        pagination_class=None,
    )
    def export_hxl(self, request):
        file_format = self._file_format(request)
        return hxl_export.programmes_response(self.filter_queryset(self.get_queryset()), file_format=file_format)


class FlagHxlExportMixin(_HxlExportMixin):
    @_export_schema(
        "flags",
        "The flags this user may see that match the list's filters, one row per flag: rule (#indicator+code), "
        "severity, status, place (#country+code, #adm1+code …), responsible actors and dates. Errors are JSON.",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="export-hxl",
        renderer_classes=[HxlFileRenderer, JSONRenderer],
        pagination_class=None,
    )
    def export_hxl(self, request):
        file_format = self._file_format(request)
        flags = self.filter_queryset(self.get_queryset())
        return hxl_export.flags_response(flags, file_format=file_format, build_url=request.build_absolute_uri)


# -- import jobs -----------------------------------------------------------------------------------
class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The job is not in a state that allows this."
    default_code = "conflict"


class HxlPreviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="preview_ready: waiting for POST …/confirm/.")
    message = serializers.CharField(read_only=True, help_text="Why the file cannot be imported, if it cannot.")
    preview = serializers.JSONField(
        read_only=True,
        help_text="columns (header, hashtag, field or note), counts (rows, create, update, unchanged, "
        "rows_with_errors, new_actors, empty_rows) and rows (row number, action, title, organisations, area, "
        "programme, errors, warnings, suggestions; capped, errors first).",
    )


JOB_RESPONSES = {
    (202, "application/json"): OpenApiResponse(response=OpenApiTypes.OBJECT, description="The job, as at GET …/{id}/."),
    (409, "application/json"): OpenApiResponse(response=ERROR, description="The job is not waiting for this step."),
}


class HxlImportActionsMixin:
    """preview / confirm / cancel for HXL jobs (other kinds answer 409 to confirm and cancel)."""

    @extend_schema(responses=HxlPreviewSerializer)
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        """What an HXL import would do: column mapping, counts and rows. Empty for other kinds of job."""
        return Response(HxlPreviewSerializer(self.get_object()).data)

    def _hxl_step(self, service):
        job = self.get_object()
        try:
            job = service(user=self.request.user, job=job)
        except DjangoValidationError as error:
            raise Conflict(" ".join(error.messages)) from None
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses=JOB_RESPONSES,
        description="Run an HXL import whose preview is ready. The job is queued; follow it at /api/imports/{id}/.",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._hxl_step(hxl_jobs.hxl_job_confirm)

    @extend_schema(
        request=None,
        responses=JOB_RESPONSES,
        description="Cancel an HXL import that was not confirmed; nothing is imported.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._hxl_step(hxl_jobs.hxl_job_cancel)
