"""Programmes and their links. Writes go through programmes/services*.py, so the API and the forms
share one set of rules."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from actors.access import actor_ids
from actors.choices import MembershipRole
from nexus_portal.api.base import RestrictedViewSet
from programmes.api.hxl import ProgrammeHxlExportMixin
from programmes.api.renderers import IatiXmlRenderer
from programmes.api.serializers import ProgrammeLinkSerializer, ProgrammeSerializer, as_api_error
from programmes.filtersets import ProgrammeFilterSet
from programmes.interop.iati_export import streaming_response
from programmes.models import Programme, ProgrammeLink, ProgrammeParticipant, ProgrammeSector
from programmes.services_links import link_confirm, link_decline, link_propose, link_remove

# The page's FilterSet uses filter methods without type hints; tell the schema what they take.
# (Annotation only, no change to filtering; better moved into programmes/filtersets.py.)
for _name, _type in {
    "country": OpenApiTypes.STR,
    "area": OpenApiTypes.STR,
    "area_id": OpenApiTypes.INT,
    "sector_id": OpenApiTypes.INT,
    "sector_family": OpenApiTypes.STR,
    "actor_id": OpenApiTypes.INT,
    "actor": OpenApiTypes.INT,
}.items():
    extend_schema_field(_type)(ProgrammeFilterSet.base_filters[_name])


class ProgrammeViewSet(ProgrammeHxlExportMixin, RestrictedViewSet):
    model = Programme
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilterSet
    ordering_fields = ("title", "start_date", "end_date", "updated_at", "total_budget")

    def optimise(self, queryset):
        return queryset.prefetch_related(
            Prefetch("participations", queryset=ProgrammeParticipant.objects.select_related("actor")),
            Prefetch("sector_shares", queryset=ProgrammeSector.objects.select_related("sector")),
            "locations",
        )

    def may_create(self, user, validated_data) -> bool:
        return user.is_superuser or validated_data["reporting_actor"].pk in actor_ids(user, MembershipRole.EDITOR)

    @extend_schema(
        summary="Export programmes as IATI 2.03 activity XML",
        description=(
            "The programmes this user may see that match the same filters as the list, as one iati-activities "
            "2.03 document, streamed (a download named nexus-programmes-iati-<date>.xml). Transactions come only "
            "from the funding agreements this user may see. The document validates against the official schema, "
            "except when no programme matches: the schema asks for at least one activity, and the export then "
            "has an empty iati-activities element. Errors are JSON."
        ),
        filters=True,
        responses={
            (200, "application/xml"): OpenApiResponse(
                response=OpenApiTypes.STR, description="An iati-activities document (IATI 2.03)."
            ),
            (400, "application/json"): OpenApiResponse(
                response={"$ref": "#/components/schemas/Error"}, description="A filter value is not valid."
            ),
        },
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="export-iati",
        renderer_classes=[IatiXmlRenderer],
        pagination_class=None,
    )
    def export_iati(self, request):
        return streaming_response(self.filter_queryset(self.get_queryset()), user=request.user)

    def handle_exception(self, exc):
        # Errors keep the API's JSON shape even when the client asked for the XML export.
        response = super().handle_exception(exc)
        if getattr(self, "action", None) == "export_iati":
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return response


class ProgrammeLinkViewSet(RestrictedViewSet):
    """POST proposes; the other side answers with POST .../confirm/ or .../decline/; DELETE removes."""

    model = ProgrammeLink
    serializer_class = ProgrammeLinkSerializer
    ordering_fields = ("created_at", "updated_at", "link_type", "status")
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = link_propose(
                user=self.request.user,
                from_programme=data["from_programme"],
                to_programme=data["to_programme"],
                link_type=data["link_type"],
                note=data.get("note", ""),
            )
        except DjangoValidationError as error:
            raise as_api_error(error) from None

    def perform_destroy(self, instance):
        link_remove(user=self.request.user, link=instance)

    def _answer(self, service):
        try:
            link = service(user=self.request.user, link=self.get_object())
        except DjangoValidationError as error:
            raise as_api_error(error) from None
        return Response(self.get_serializer(link).data, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses=ProgrammeLinkSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._answer(link_confirm)

    @extend_schema(request=None, responses=ProgrammeLinkSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._answer(link_decline)
