"""/api/analyses/ and /api/context-events/.

Analyses: the list holds every analysis's coverage metadata (so gaps and holders are visible) and the
content only of rows in `restrict(user)`. Named (TLP:RED) analyses that do not name the user are left out
of the API altogether (list, detail, counts): RED never appears in bulk results. Ordering and filters
use metadata only; the text search (q) looks only inside readable, non-named rows (AnalysisFilterSet).
Files are uploaded in the portal only: the API writes JSON.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.response import Response

from actors.access import actor_ids
from actors.choices import MembershipRole
from analyses.api.filters import AnalysisApiFilterSet
from analyses.api.serializers import (
    AnalysisContentSerializer,
    AnalysisMetadataSerializer,
    AnalysisWriteSerializer,
    ContextEventSerializer,
    as_drf_error,
)
from analyses.choices import Sensitivity
from analyses.models import Analysis, ContextEvent
from analyses.services import analysis_create, analysis_update
from nexus_portal.api.base import RestrictedViewSet, WritesNeedAWritableToken
from nexus_portal.querysets import CHANGE

AnalysisRow = PolymorphicProxySerializer(
    component_name="AnalysisRow",
    serializers=[AnalysisContentSerializer, AnalysisMetadataSerializer],
    resource_type_field_name=None,
)


@extend_schema_view(
    list=extend_schema(responses=AnalysisRow),
    retrieve=extend_schema(responses=AnalysisRow),
    create=extend_schema(request=AnalysisWriteSerializer, responses={201: AnalysisContentSerializer}),
    update=extend_schema(request=AnalysisWriteSerializer, responses=AnalysisContentSerializer),
    partial_update=extend_schema(request=AnalysisWriteSerializer, responses=AnalysisContentSerializer),
)
class AnalysisViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, WritesNeedAWritableToken]
    serializer_class = AnalysisContentSerializer
    filterset_class = AnalysisApiFilterSet
    # Metadata only: ordering by title would reveal hidden titles through row positions.
    ordering_fields = ("conducted_on", "review_due", "kind", "status", "sensitivity", "id")
    ordering = ("-conducted_on", "id")
    queryset = Analysis.objects.none()  # for the schema; get_queryset decides

    def get_queryset(self):
        user = self.request.user
        if self.request.method in ("PUT", "PATCH"):
            rows = Analysis.objects.restrict(user, CHANGE)
        else:
            readable_named = Analysis.objects.restrict(user).filter(sensitivity=Sensitivity.NAMED).values("pk")
            # coverage_for() defers the content; undo that, readable rows need it (one query, not one per row).
            rows = (
                Analysis.objects.coverage_for(user)
                .defer(None)
                .exclude(Q(sensitivity=Sensitivity.NAMED) & ~Q(pk__in=readable_named))
            )
        return rows.prefetch_related("scope_areas", "author_actors").order_by(*self.ordering)

    def readable_ids(self, analyses) -> set[int]:
        ids = [analysis.pk for analysis in analyses]
        return set(Analysis.objects.restrict(self.request.user).filter(pk__in=ids).values_list("pk", flat=True))

    def hidden_predecessors(self, analyses) -> set[int]:
        """Ids among the rows' `supersedes` that are named (RED) analyses the user may not read: the API never
        mentions those, so a row pointing at one shows `supersedes: null` (one query per page)."""
        ids = {a.supersedes_id for a in analyses if a.supersedes_id}
        if not ids:
            return set()
        readable = Analysis.objects.restrict(self.request.user).values("pk")
        named = Analysis.objects.filter(pk__in=ids, sensitivity=Sensitivity.NAMED).exclude(pk__in=readable)
        return set(named.values_list("pk", flat=True))

    def represent(self, analyses):
        readable = self.readable_ids(analyses)
        hidden = self.hidden_predecessors(analyses)
        context = self.get_serializer_context()
        rows = []
        for analysis in analyses:
            serializer = AnalysisContentSerializer if analysis.pk in readable else AnalysisMetadataSerializer
            row = serializer(analysis, context=context).data
            if analysis.supersedes_id in hidden:
                row["supersedes"] = None
            rows.append(row)
        return rows

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.represent(page))

    def retrieve(self, request, pk=None):
        return Response(self.represent([self.get_object()])[0])

    def create(self, request):
        payload = self.validated(AnalysisWriteSerializer(data=request.data))
        try:
            analysis = analysis_create(user=request.user, **payload)
        except DjangoValidationError as error:
            raise as_drf_error(error) from None
        return Response(self.represent([analysis])[0], status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        analysis = self.get_object()
        payload = self.validated(AnalysisWriteSerializer(data=request.data, partial=partial))
        current = {
            "author_actors": analysis.author_actors.all(),
            "scope_areas": analysis.scope_areas.all(),
            "shared_with_actors": analysis.shared_with_actors.all(),
            "shared_with_users": analysis.shared_with_users.all(),
        }
        try:
            analysis_update(analysis=analysis, user=request.user, **(current | payload))
        except DjangoValidationError as error:
            raise as_drf_error(error) from None
        analysis = self.get_queryset().get(pk=analysis.pk)
        return Response(self.represent([analysis])[0])

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    def validated(self, serializer) -> dict:
        serializer.is_valid(raise_exception=True)
        payload = dict(serializer.validated_data)
        if "scope" in payload:
            payload["scope_areas"] = payload.pop("scope")
        if payload.get("review_due", "") is None:
            payload.pop("review_due")  # the model fills in the default
        return payload


class ContextEventViewSet(RestrictedViewSet):
    """Events that make older analyses of an area stale: every signed-in user reads; editors of `recorded_by` write."""

    model = ContextEvent
    queryset = ContextEvent.objects.none()  # for the schema; get_queryset restricts
    serializer_class = ContextEventSerializer
    filterset_fields = ("event_type",)
    ordering_fields = ("date", "event_type", "id")
    http_method_names = ("get", "post", "put", "patch", "head", "options")

    def optimise(self, queryset):
        return queryset.select_related("area")

    def may_create(self, user, validated_data) -> bool:
        return self.edits_for(user, validated_data)

    def perform_create(self, serializer):
        if not self.may_create(self.request.user, serializer.validated_data):
            raise exceptions.PermissionDenied("You may not record events for that organisation.")
        serializer.save(created_by=self.request.user)

    def perform_update(self, serializer):
        if not self.edits_for(self.request.user, serializer.validated_data):
            raise exceptions.PermissionDenied("You may not record events for that organisation.")
        serializer.save()

    @staticmethod
    def edits_for(user, validated_data) -> bool:
        recorded_by = validated_data.get("recorded_by")
        return recorded_by is None or recorded_by.pk in actor_ids(user, MembershipRole.EDITOR)
