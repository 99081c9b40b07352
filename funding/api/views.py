"""/api/agreements/, /api/tranches/ and /api/requests/: the same visibility as the funding pages.

Tranches are read here (filter ?agreement=<id>) and written with their agreement: agreement_save
replaces them as a set, the same as the agreement form.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from funding.api.filters import AgreementApiFilterSet, RequestApiFilterSet
from funding.api.serializers import (
    AgreementSerializer,
    DecisionSerializer,
    RequestSerializer,
    TrancheSerializer,
    as_drf_error,
)
from funding.models import FundingAgreement, FundingRequest, Tranche
from funding.services import TrancheData, agreement_save, may_decide, request_create, request_decide
from nexus_portal.api.base import RestrictedViewSet


class AgreementViewSet(RestrictedViewSet):
    model = FundingAgreement
    queryset = FundingAgreement.objects.none()  # for the schema; get_queryset restricts
    serializer_class = AgreementSerializer
    filterset_class = AgreementApiFilterSet
    ordering_fields = ("start_date", "end_date", "amount", "reference", "id")
    http_method_names = ("get", "post", "put", "patch", "head", "options")

    def optimise(self, queryset):
        return queryset.prefetch_related("tranches", "countries", "funded_programmes")

    def perform_create(self, serializer):
        serializer.instance = self.save(serializer, agreement=None)

    def perform_update(self, serializer):
        serializer.instance = self.save(serializer, agreement=serializer.instance)

    def save(self, serializer, agreement):
        # The donor check lives in agreement_save (a ValidationError on `donor`), not in may_create.
        data = dict(serializer.validated_data)
        current = agreement is not None
        tranches = data.pop("tranches", None)
        if tranches is None:
            tranches = (
                [{"year": t.year, "amount": t.amount, "kind": t.kind} for t in agreement.tranches.all()]
                if current
                else []
            )
        programmes = data.pop("funded_programmes", agreement.funded_programmes.all() if current else [])
        countries = data.pop("countries", agreement.countries.all() if current else [])
        try:
            saved = agreement_save(
                user=self.request.user,
                agreement=agreement,
                tranches=[TrancheData(**t) for t in tranches],
                funded_programmes=list(programmes),
                countries=list(countries),
                **data,
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from None
        return FundingAgreement.objects.prefetch_related("tranches", "countries", "funded_programmes").get(pk=saved.pk)


class TrancheViewSet(RestrictedViewSet):
    model = Tranche
    queryset = Tranche.objects.none()
    serializer_class = TrancheSerializer
    filterset_fields = ("agreement", "year", "kind")
    ordering_fields = ("year", "amount", "id")
    http_method_names = ("get", "head", "options")


class RequestViewSet(RestrictedViewSet):
    model = FundingRequest
    queryset = FundingRequest.objects.none()
    serializer_class = RequestSerializer
    filterset_class = RequestApiFilterSet
    ordering_fields = ("submitted_on", "decision_date", "id")
    http_method_names = ("get", "post", "head", "options")

    def optimise(self, queryset):
        return queryset.prefetch_related("events")

    def perform_create(self, serializer):
        # request_create checks the user edits for the applicant (a ValidationError on `applicant`).
        try:
            serializer.instance = request_create(user=self.request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise as_drf_error(error) from None

    @extend_schema(request=DecisionSerializer, responses=RequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The unit that must decide now approves, declines or redirects; the step joins the history."""
        funding_request = self.get_object()
        if not may_decide(request.user, funding_request):
            raise exceptions.PermissionDenied("Only the unit that must decide now can decide this request.")
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        try:
            request_decide(request=funding_request, user=request.user, **decision.validated_data)
        except DjangoValidationError as error:
            raise as_drf_error(error) from None
        funding_request = self.get_queryset().get(pk=funding_request.pk)
        return Response(
            RequestSerializer(funding_request, context=self.get_serializer_context()).data, status=status.HTTP_200_OK
        )
