"""Funding agreements, tranches and requests through the API. Writes go through funding/services.py."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from actors.models import Actor
from funding.choices import Earmarking, Modality, RequestStatus, Stream, TrancheKind
from funding.models import FundingAgreement, FundingRequest, FundingRequestEvent, Tranche
from funding.services import Decision
from nexus_portal.api.base import RejectUnknownFields
from programmes.models import Programme
from reference.models import Area


def as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(serializers.as_serializer_error(error))


class TrancheSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=TrancheKind.choices, help_text="Planned or disbursed.")

    class Meta:
        model = Tranche
        fields = ("id", "agreement", "year", "amount", "kind")
        read_only_fields = ("id", "agreement")


class TrancheInputSerializer(RejectUnknownFields, serializers.Serializer):
    year = serializers.IntegerField(min_value=1990, max_value=2100, help_text="Year.")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Amount in the agreement's currency.")
    kind = serializers.ChoiceField(
        choices=TrancheKind.choices, default=TrancheKind.PLANNED, help_text="Planned or disbursed."
    )


class AgreementSerializer(RejectUnknownFields, serializers.ModelSerializer):
    stream = serializers.ChoiceField(choices=Stream.choices, help_text="Humanitarian, development or peace.")
    modality = serializers.ChoiceField(
        choices=Modality.choices, default=Modality.PROJECT, help_text="How the money is given."
    )
    earmarking = serializers.ChoiceField(
        choices=Earmarking.choices, default=Earmarking.EARMARKED, help_text="IATI EarmarkingCategory (1-4)."
    )
    countries = serializers.SlugRelatedField(
        slug_field="pcode",
        queryset=Area.objects.filter(level=0),
        many=True,
        required=False,
        help_text="ISO-2 codes; empty to take the countries of the funded programmes.",
    )
    funded_programmes = serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.all(), many=True, required=False, help_text="Ids of the funded programmes."
    )
    tranches = TrancheInputSerializer(
        many=True, required=False, help_text="Yearly tranches; they replace the old ones."
    )
    is_multi_year = serializers.BooleanField(read_only=True, help_text="Longer than 12 months.")

    class Meta:
        model = FundingAgreement
        fields = (
            "id", "reference", "donor", "recipient", "parent", "stream", "modality", "start_date", "end_date", "amount",
            "currency", "earmarking", "crisis_modifier", "crisis_modifier_share", "requires_government_approval",
            "nexus_requirements", "responsible_unit", "funded_programmes", "countries", "tranches", "is_multi_year",
            "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = ("id", "is_multi_year", "created_at", "updated_at")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["tranches"] = TrancheSerializer(instance.tranches.all(), many=True).data
        return data


class RequestEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundingRequestEvent
        fields = ("id", "status", "unit", "redirected_to", "outside_mandate", "reason", "date")
        read_only_fields = fields


class RequestSerializer(RejectUnknownFields, serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=RequestStatus.choices, read_only=True, help_text="Where the request is.")
    events = RequestEventSerializer(many=True, read_only=True, help_text="History: submission, redirections, decision.")

    class Meta:
        model = FundingRequest
        fields = (
            "id", "title", "applicant", "programme", "submitted_to", "submitted_on", "amount", "currency", "status",
            "redirected_to", "reason", "outside_mandate", "decision_date", "events", "created_at", "updated_at",
        )  # fmt: skip
        read_only_fields = (
            "id", "status", "redirected_to", "reason", "outside_mandate", "decision_date", "events", "created_at",
            "updated_at",
        )  # fmt: skip


class DecisionSerializer(RejectUnknownFields, serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[Decision.APPROVE, Decision.DECLINE, Decision.REDIRECT], help_text="approve, decline or redirect."
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Needed to decline or redirect."
    )
    redirected_to = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), required=False, allow_null=True, default=None, help_text="Unit to redirect to."
    )
    outside_mandate = serializers.BooleanField(
        required=False, default=False, help_text="Declined because it is outside the unit's mandate."
    )
