"""Programmes are written through programmes/services.py, the same path as the forms."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from nexus_portal.api.base import RejectUnknownFields
from programmes.api.fields import LocationsField, ParticipantsField, SectorSharesField
from programmes.models import Programme, ProgrammeLink
from programmes.services import programme_create, programme_update

CHILDREN = ("participants", "sectors", "locations")


def as_api_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(serializers.as_serializer_error(error))


class ProgrammeSerializer(RejectUnknownFields, serializers.ModelSerializer):
    participants = ParticipantsField(
        source="participations", required=False, help_text="Organisations taking part, with their IATI role."
    )
    sectors = SectorSharesField(source="sector_shares", required=False, help_text="Sectors with percentages.")
    locations = LocationsField(required=False, help_text="P-codes of the areas it works in, at any level.")

    class Meta:
        model = Programme
        fields = [
            "id",
            "title",
            "description",
            "iati_identifier",
            "reporting_actor",
            "pillars_explicit",
            "pillar_h",
            "pillar_d",
            "pillar_p",
            "status",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "start_date",
            "end_date",
            "total_budget",
            "currency",
            "target_groups",
            "humanitarian",
            "transition_plan",
            "handover_actor",
            "planned_handover_date",
            "participants",
            "sectors",
            "locations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "start_date", "end_date", "created_at", "updated_at"]
        extra_kwargs = {
            "id": {"help_text": "Primary key."},
            "title": {"help_text": "The programme's title."},
            "description": {"help_text": "What it does."},
            "pillar_h": {"help_text": "Humanitarian pillar (derived unless pillars_explicit)."},
            "pillar_d": {"help_text": "Development pillar (derived unless pillars_explicit)."},
            "pillar_p": {"help_text": "Peace pillar (derived unless pillars_explicit)."},
            "status": {"help_text": "IATI activity status: 1 pipeline … 6 suspended."},
            "planned_start": {"help_text": "Planned start date."},
            "planned_end": {"help_text": "Planned end date."},
            "actual_start": {"help_text": "Actual start date."},
            "actual_end": {"help_text": "Actual end date."},
            "start_date": {"help_text": "Actual start where known, else planned."},
            "end_date": {"help_text": "Actual end where known, else planned; empty means ongoing."},
            "total_budget": {"help_text": "Total budget in `currency`."},
            "target_groups": {"help_text": "Who it serves."},
            "humanitarian": {"help_text": "The IATI humanitarian flag."},
            "transition_plan": {"help_text": "How the work is handed over or ended."},
            "handover_actor": {"help_text": "Id of the actor that takes the work over."},
            "planned_handover_date": {"help_text": "When the handover is planned."},
            "created_at": {"help_text": "When it was logged."},
            "updated_at": {"help_text": "When it last changed."},
        }

    def _split(self, validated_data: dict) -> tuple[dict, dict]:
        children = {
            "participants": validated_data.pop("participations", None),
            "sectors": validated_data.pop("sector_shares", None),
            "locations": validated_data.pop("locations", None),
        }
        return validated_data, children

    def create(self, validated_data):
        fields, children = self._split(validated_data)
        try:
            return programme_create(
                user=self.context["request"].user,
                fields=fields,
                participants=children["participants"] or [],
                sectors=children["sectors"] or [],
                locations=children["locations"] or [],
            )
        except DjangoValidationError as error:
            raise as_api_error(error) from None

    def update(self, instance, validated_data):
        fields, children = self._split(validated_data)
        # A PATCH without a list keeps the current rows (the service always replaces all three).
        if children["participants"] is None:
            children["participants"] = [(row.actor, row.role) for row in instance.participations.all()]
        if children["sectors"] is None:
            children["sectors"] = [(row.sector, row.percentage) for row in instance.sector_shares.all()]
        if children["locations"] is None:
            children["locations"] = list(instance.locations.all())
        try:
            return programme_update(user=self.context["request"].user, programme=instance, fields=fields, **children)
        except DjangoValidationError as error:
            raise as_api_error(error) from None


class ProgrammeLinkSerializer(RejectUnknownFields, serializers.ModelSerializer):
    class Meta:
        model = ProgrammeLink
        fields = [
            "id",
            "from_programme",
            "to_programme",
            "link_type",
            "note",
            "status",
            "proposed_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "proposed_by", "created_at", "updated_at"]
        extra_kwargs = {
            "id": {"help_text": "Primary key."},
            "from_programme": {"help_text": "Id of the proposing side's programme."},
            "to_programme": {"help_text": "Id of the other programme; its editors confirm or decline."},
            "link_type": {"help_text": "How the two programmes work together."},
            "note": {"help_text": "What the link means in practice."},
            "status": {"help_text": "Proposed until the other side confirms or declines."},
            "proposed_by": {"help_text": "Id of the user who proposed it."},
            "created_at": {"help_text": "When it was proposed."},
            "updated_at": {"help_text": "When it last changed."},
        }
        # The service decides about duplicates (a declined link may be proposed again).
        validators: list = []
