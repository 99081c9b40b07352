"""Serializers for goals, commitments, contributions, progress, flags and flag runs.

Write serializers only check types and lookups (p-codes, ids); the rules live in the services
(`services_goals.py`, `services_flags.py`), which the views call, so the API and the forms agree.
"""

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.models import Actor
from coordination.choices import CommitmentRole, GoalStatus
from coordination.models import Contribution, Flag, FlagRun, GoalCommitment, GoalProgress, SharedGoal
from nexus_portal.api.base import RejectUnknownFields
from programmes.choices import Pillar
from programmes.models import Programme
from reference.models import Area

PILLARS = [choice.value for choice in Pillar]


def pillars_of(obj) -> list[str]:
    return [letter for letter, on in zip(PILLARS, (obj.pillar_h, obj.pillar_d, obj.pillar_p), strict=True) if on]


# -- goals --------------------------------------------------------------------------------------


class GoalSerializer(RejectUnknownFields, serializers.ModelSerializer):
    areas = serializers.SlugRelatedField(
        slug_field="pcode", many=True, queryset=Area.objects.all(), help_text="P-codes of the areas the goal covers."
    )
    pillars = serializers.ListField(
        child=serializers.ChoiceField(choices=Pillar.choices),
        required=False,
        help_text="Pillars the goal spans: H (humanitarian), D (development), P (peace).",
    )
    convening_actor = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), help_text="Id of the actor that convenes the goal (one the user edits)."
    )
    status = serializers.ChoiceField(choices=GoalStatus.choices, required=False, help_text="Where the goal stands.")

    class Meta:
        model = SharedGoal
        fields = [
            "id", "title", "description", "areas", "pillars", "indicator", "unit", "baseline_value", "baseline_date",
            "target_value", "target_date", "horizon_start", "horizon_end", "convening_actor", "status",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"id": {"help_text": "The goal's id."}, "title": {"help_text": "A short name for the outcome."}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["pillars"] = pillars_of(instance)
        return data


class CommitmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoalCommitment
        fields = ["id", "goal", "actor", "role", "status", "commitment_text", "committed_on"]
        read_only_fields = fields
        extra_kwargs = {"id": {"help_text": "The commitment's id."}, "goal": {"help_text": "The goal's id."}}


class CommitmentOfferSerializer(RejectUnknownFields, serializers.Serializer):
    """An invitation (by the goal's owners) or a direct commitment (by the actor's editors)."""

    goal = serializers.PrimaryKeyRelatedField(queryset=SharedGoal.objects.all(), help_text="The goal's id.")
    actor = serializers.PrimaryKeyRelatedField(queryset=Actor.objects.all(), help_text="The committing actor's id.")
    role = serializers.ChoiceField(
        choices=CommitmentRole.choices, default=CommitmentRole.CONTRIBUTOR, help_text="The actor's role."
    )
    text = serializers.CharField(required=False, default="", allow_blank=True, help_text="What it commits to.")


class AnswerSerializer(RejectUnknownFields, serializers.Serializer):
    text = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="What the actor commits to, or why it declines."
    )


class ContributionSerializer(RejectUnknownFields, serializers.ModelSerializer):
    goal = serializers.PrimaryKeyRelatedField(queryset=SharedGoal.objects.all(), help_text="The goal's id.")
    programme = serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.all(), help_text="The contributing programme's id."
    )

    class Meta:
        model = Contribution
        fields = ["id", "goal", "programme", "description"]
        read_only_fields = ["id"]
        extra_kwargs = {"id": {"help_text": "The contribution's id."}}


class ProgressSerializer(RejectUnknownFields, serializers.ModelSerializer):
    goal = serializers.PrimaryKeyRelatedField(queryset=SharedGoal.objects.all(), help_text="The goal's id.")

    class Meta:
        model = GoalProgress
        fields = ["id", "goal", "date", "value", "source", "note", "reported_by"]
        read_only_fields = ["id", "reported_by"]
        extra_kwargs = {
            "id": {"help_text": "The report's id."},
            "reported_by": {"help_text": "Id of the user who reported the value."},
        }


# -- flags --------------------------------------------------------------------------------------


class FlagSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="pcode", read_only=True, help_text="ISO-2 code of the country.")
    area = serializers.SlugRelatedField(slug_field="pcode", read_only=True, help_text="P-code of the flag's area.")
    message = serializers.SerializerMethodField(help_text="What the gap is, in the request's language.")
    evidence = serializers.JSONField(read_only=True, help_text="The facts behind the flag (sorted, stable JSON).")

    class Meta:
        model = Flag
        fields = [
            "id", "rule", "subject_key", "severity", "status", "country", "area", "responsible_actors", "message",
            "evidence", "assigned_to", "dismissed_reason", "first_seen", "last_seen", "resolved_at",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The flag's id."},
            "responsible_actors": {"help_text": "Ids of the actors responsible for following up."},
            "assigned_to": {"help_text": "Id of the actor the follow-up is assigned to."},
        }

    @extend_schema_field(serializers.CharField())
    def get_message(self, flag) -> str:
        if (get_language() or "").startswith("nb") and flag.message_nb:
            return flag.message_nb
        return flag.message


class AssignSerializer(RejectUnknownFields, serializers.Serializer):
    actor = serializers.PrimaryKeyRelatedField(queryset=Actor.objects.all(), help_text="Id of the actor to assign.")


class DismissSerializer(RejectUnknownFields, serializers.Serializer):
    reason = serializers.CharField(help_text="Why the flag is not a real gap, or is accepted (kept in its history).")


class NoteSerializer(RejectUnknownFields, serializers.Serializer):
    note = serializers.CharField(help_text="A triage note for the flag's history.")


class ReopenSerializer(RejectUnknownFields, serializers.Serializer):
    note = serializers.CharField(required=False, default="", allow_blank=True, help_text="Why it is reopened.")


class FlagRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = FlagRun
        fields = [
            "id", "trigger", "as_of", "rules", "full", "countries", "status", "started_at", "finished_at",
            "duration_ms", "counts", "log", "error", "requested_by",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The run's id."},
            "requested_by": {"help_text": "Id of the user who started the run."},
        }


class EmptySerializer(RejectUnknownFields, serializers.Serializer):
    """A POST that takes no fields."""
