"""The coordination API: shared goals and what hangs off them, flags and their triage, flag runs, and the
dashboard's metrics. Reads use the same restrict() and FilterSets as the pages; writes call the services."""

from contextlib import contextmanager
from dataclasses import fields as dataclass_fields
from dataclasses import is_dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from actors.access import is_reviewer
from coordination import services_flags, services_goals, tasks
from coordination.api import serializers as s
from coordination.engine import runner
from coordination.filtersets import GoalFilterSet
from coordination.filtersets_flags import FlagFilterSet
from coordination.forms_flags import DashboardForm
from coordination.models import Contribution, Flag, FlagRun, GoalCommitment, GoalProgress, SharedGoal
from coordination.selectors.dashboard_summary import dashboard_countries_cached, dashboard_figures
from coordination.selectors.scope import Share
from nexus_portal.api.base import RestrictedViewSet, WritesNeedAWritableToken
from programmes.api.hxl import FlagHxlExportMixin

READ_AND_POST = ["get", "post", "head", "options"]


@contextmanager
def service_errors():
    """The services raise Django's errors; the API answers them in its own shape (400 / 403)."""
    try:
        yield
    except DjangoValidationError as error:
        raise serializers.ValidationError(serializers.as_serializer_error(error)) from None
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from None


def valid(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# -- goals --------------------------------------------------------------------------------------


class GoalViewSet(RestrictedViewSet):
    """Shared goals: every signed-in user reads them; the convener's and leads' editors change them."""

    model = SharedGoal
    serializer_class = s.GoalSerializer
    filterset_class = GoalFilterSet
    ordering_fields = ("pk", "title", "horizon_start", "horizon_end", "updated_at")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def optimise(self, queryset):
        return queryset.prefetch_related("areas")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        with service_errors():
            serializer.instance = services_goals.goal_create(user=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        with service_errors():
            serializer.instance = services_goals.goal_update(user=self.request.user, goal=serializer.instance, **data)


class CommitmentViewSet(RestrictedViewSet):
    """Commitments to goals (`?goal=<id>` for one goal's). Invite, join, accept and decline are actions."""

    model = GoalCommitment
    serializer_class = s.CommitmentSerializer
    filterset_fields = ("goal", "actor", "status", "role")
    ordering_fields = ("pk", "committed_on")
    http_method_names = READ_AND_POST

    def optimise(self, queryset):
        return queryset

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed("POST", "Use /invite/ or /join/.")

    def _offer(self, request, service):
        data = valid(s.CommitmentOfferSerializer, request)
        with service_errors():
            commitment = service(user=request.user, **data)
        return Response(s.CommitmentSerializer(commitment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CommitmentOfferSerializer, responses={201: s.CommitmentSerializer})
    @action(detail=False, methods=["post"])
    def invite(self, request):
        """The goal's owners invite an actor."""
        return self._offer(request, services_goals.commitment_invite)

    @extend_schema(request=s.CommitmentOfferSerializer, responses={201: s.CommitmentSerializer})
    @action(detail=False, methods=["post"])
    def join(self, request):
        """An actor's editor commits their own actor."""
        return self._offer(request, services_goals.commitment_join)

    def _answer(self, request, service):
        commitment = self.get_object()
        data = valid(s.AnswerSerializer, request)
        with service_errors():
            commitment = service(user=request.user, commitment=commitment, **data)
        return Response(s.CommitmentSerializer(commitment).data)

    @extend_schema(request=s.AnswerSerializer, responses={200: s.CommitmentSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The invited actor's editors accept."""
        return self._answer(request, services_goals.commitment_accept)

    @extend_schema(request=s.AnswerSerializer, responses={200: s.CommitmentSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """The invited actor's editors decline."""
        return self._answer(request, services_goals.commitment_decline)


class ContributionViewSet(RestrictedViewSet):
    """Programmes' contributions to goals: the programme's editors add them; they or the goal's remove them."""

    model = Contribution
    serializer_class = s.ContributionSerializer
    filterset_fields = ("goal", "programme")
    ordering_fields = ("pk",)
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services_goals.contribution_add(user=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        with service_errors():
            services_goals.contribution_remove(user=self.request.user, contribution=instance)


class ProgressViewSet(RestrictedViewSet):
    """Measured values of goals' indicators, reported by the goals' owners."""

    model = GoalProgress
    serializer_class = s.ProgressSerializer
    filterset_fields = ("goal",)
    ordering_fields = ("pk", "date")
    http_method_names = READ_AND_POST

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services_goals.progress_report(user=self.request.user, **serializer.validated_data)


# -- flags --------------------------------------------------------------------------------------


class FlagViewSet(FlagHxlExportMixin, RestrictedViewSet):
    """Coordination flags the user may see; triage through the POST actions (as in the inbox)."""

    model = Flag
    serializer_class = s.FlagSerializer
    filterset_class = FlagFilterSet
    ordering_fields = ("pk", "severity", "status", "first_seen", "last_seen")
    http_method_names = READ_AND_POST

    def optimise(self, queryset):
        return queryset.select_related("country", "area").prefetch_related("responsible_actors")

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed("POST")

    def _triage(self, request, service, serializer_class=s.EmptySerializer):
        flag = self.get_object()
        data = valid(serializer_class, request)
        with service_errors():
            service(flag=flag, user=request.user, **data)
        return Response(s.FlagSerializer(self.get_object()).data)

    @extend_schema(request=s.EmptySerializer, responses={200: s.FlagSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._triage(request, services_flags.flag_acknowledge)

    @extend_schema(request=s.AssignSerializer, responses={200: s.FlagSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._triage(request, services_flags.flag_assign, s.AssignSerializer)

    @extend_schema(request=s.DismissSerializer, responses={200: s.FlagSerializer})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return self._triage(request, services_flags.flag_dismiss, s.DismissSerializer)

    @extend_schema(request=s.ReopenSerializer, responses={200: s.FlagSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._triage(request, services_flags.flag_reopen, s.ReopenSerializer)

    @extend_schema(request=s.NoteSerializer, responses={200: s.FlagSerializer})
    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        return self._triage(request, services_flags.flag_add_note, s.NoteSerializer)


class FlagRunViewSet(RestrictedViewSet):
    """The rule engine's runs, for reviewers; POST starts a full run."""

    model = FlagRun
    serializer_class = s.FlagRunSerializer
    filterset_fields = ("status", "trigger")
    ordering_fields = ("pk", "started_at")
    http_method_names = READ_AND_POST

    @extend_schema(request=s.EmptySerializer, responses={202: s.FlagRunSerializer})
    def create(self, request, *args, **kwargs):
        if not is_reviewer(request.user):
            raise exceptions.PermissionDenied("Only reviewers start flag runs.")
        valid(s.EmptySerializer, request)
        try:
            run = runner.start_run(trigger=FlagRun.Trigger.MANUAL, full=True, user=request.user)
        except runner.RunBusy as busy:
            raise RunIsBusy(str(busy)) from None
        tasks.dispatch_run(run)
        run.refresh_from_db()
        return Response(s.FlagRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunIsBusy(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "run_busy"
    default_detail = "Another run is writing flags."


# -- dashboard ----------------------------------------------------------------------------------


def plain(value):
    """The dashboard's dataclasses as JSON: shares with their percent, dates as ISO strings."""
    if isinstance(value, Share):
        return {"part": plain(value.part), "whole": plain(value.whole), "percent": value.percent}
    if is_dataclass(value):
        return {field.name: plain(getattr(value, field.name)) for field in dataclass_fields(value)}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((plain(item) for item in value), key=str)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


class DashboardViewSet(viewsets.ViewSet):
    """The dashboard's nine metrics for one country and date, as the dashboard page computes them."""

    permission_classes = [IsAuthenticated, WritesNeedAWritableToken]

    @extend_schema(
        parameters=[
            OpenApiParameter("country", OpenApiTypes.STR, description="ISO-2 code of a country with programmes."),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="The date, YYYY-MM-DD; today by default."),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        data = {"as_of": timezone.localdate().isoformat(), **request.query_params.dict()}
        form = DashboardForm(data, countries=dashboard_countries_cached())
        if not form.is_valid():
            raise serializers.ValidationError({name: list(errors) for name, errors in form.errors.items()})
        country, as_of = form.cleaned_data["country"], form.cleaned_data["as_of"]
        figures = dashboard_figures(user=request.user, country_code=country, as_of=as_of)
        return Response(plain(figures))
