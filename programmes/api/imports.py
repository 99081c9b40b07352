"""Import jobs over the API: upload a file (multipart) and follow the job, as on the import pages.

POST /api/imports/ answers 202 at once with the queued job; the work runs in the background. A job is
visible to the user who started it only: anyone else gets 404, as for a missing one.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from nexus_portal.api.base import RejectUnknownFields, RestrictedViewSet
from programmes.api.hxl import HxlImportActionsMixin
from programmes.api.serializers import as_api_error
from programmes.interop.jobs import import_job_create
from programmes.models_imports import ImportChannel, ImportJob, ImportKind, ImportProblem


class ImportJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True, help_text="Share of the file's items processed (0–100).")
    is_finished = serializers.BooleanField(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id", "kind", "status", "channel", "original_name", "created_at", "started_at", "finished_at",
            "heartbeat_at", "total", "processed", "percent", "is_finished", "created_count", "updated_count",
            "skipped_count", "error_count", "message",
        ]  # fmt: skip
        read_only_fields = fields


class ImportJobCreateSerializer(RejectUnknownFields, serializers.Serializer):
    file = serializers.FileField(help_text="The file to import: an IATI 2.01–2.03 activity XML file for kind=iati.")
    kind = serializers.ChoiceField(
        choices=ImportKind.choices,
        default=ImportKind.IATI,
        help_text="What the file is. The portal answers 400 for a kind it cannot import (yet).",
    )


class ImportProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportProblem
        fields = ["position", "identifier", "level", "message"]
        read_only_fields = fields


class ImportJobViewSet(HxlImportActionsMixin, RestrictedViewSet):
    """Your import jobs: progress, counts and the activities that were not imported or came with a warning."""

    model = ImportJob
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = ("created_at", "status")

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "-pk")

    @extend_schema(
        request={"multipart/form-data": ImportJobCreateSerializer},
        responses={202: ImportJobSerializer},
        description="Upload a file to import. The file is checked at once (size, type, the start of the XML); "
        "the import itself runs in the background: follow it at /api/imports/{id}/.",
    )
    def create(self, request, *args, **kwargs):
        serializer = ImportJobCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            job = import_job_create(
                user=request.user,
                kind=serializer.validated_data["kind"],
                uploaded_file=serializer.validated_data["file"],
                channel=ImportChannel.API,
            )
        except DjangoValidationError as error:
            raise as_api_error(error) from None
        job.refresh_from_db()  # without a broker the job already ran during the request
        return Response(
            ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED, headers={"Location": f"{job.pk}/"}
        )

    @extend_schema(responses=ImportProblemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def problems(self, request, pk=None):
        """Activities not imported (level error) or imported with a caveat (warning), in file order, paginated."""
        job = self.get_object()
        page = self.paginate_queryset(job.problems.order_by("position", "pk"))
        return self.get_paginated_response(ImportProblemSerializer(page, many=True).data)
