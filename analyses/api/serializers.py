"""Analyses through the API: coverage metadata for every signed-in user, content only where
`Analysis.objects.restrict(user)` allows. Two serializers, chosen per row by the view.

Help texts are plain English, not translated: they document the API schema, not the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from rest_framework import serializers

from actors.models import Actor, User
from analyses.choices import AnalysisKind, AnalysisStatus, EventType, Sensitivity
from analyses.models import Analysis, ContextEvent
from nexus_portal.api.base import RejectUnknownFields, ValidatingSerializer
from reference.models import Area

METADATA_FIELDS = (
    "id", "kind", "scope", "conducted_on", "review_due", "status", "sensitivity", "author_actors", "supersedes",
    "content_visible",
)  # fmt: skip
CONTENT_FIELDS = (
    "title",
    "summary",
    "method",
    "key_drivers",
    "recommendations",
    "file_url",
    "pillar_h",
    "pillar_d",
    "pillar_p",
)


class AnalysisMetadataSerializer(serializers.ModelSerializer):
    """What every signed-in user may know: that an analysis of this kind, scope and date exists, and who holds it."""

    scope = serializers.SlugRelatedField(
        source="scope_areas", slug_field="pcode", many=True, read_only=True, help_text="P-codes of the scope areas."
    )
    author_actors = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Ids of the author actors (whom to ask)."
    )
    content_visible = serializers.SerializerMethodField(help_text="Whether this row carries the content.")

    class Meta:
        model = Analysis
        fields = METADATA_FIELDS
        read_only_fields = METADATA_FIELDS

    def get_content_visible(self, analysis) -> bool:
        return False


class AnalysisContentSerializer(AnalysisMetadataSerializer):
    """Metadata plus the content, for rows the user may read."""

    file_url = serializers.SerializerMethodField(help_text="Download link of the attached file, if any.")

    class Meta(AnalysisMetadataSerializer.Meta):
        fields = METADATA_FIELDS + CONTENT_FIELDS
        read_only_fields = fields

    def get_content_visible(self, analysis) -> bool:
        return True

    def get_file_url(self, analysis) -> str | None:
        # Served by the page's download view, which checks access again (files are not public media).
        if not analysis.attached_file:
            return None
        request = self.context.get("request")
        url = reverse("analyses:file", args=[analysis.pk])
        return request.build_absolute_uri(url) if request else url


class AnalysisWriteSerializer(RejectUnknownFields, serializers.Serializer):
    """Create or change an analysis through analyses/services.py. Files are uploaded in the portal, not here."""

    title = serializers.CharField(max_length=300, help_text="Title.")
    kind = serializers.ChoiceField(choices=AnalysisKind.choices, help_text="Kind of analysis.")
    scope = serializers.SlugRelatedField(
        slug_field="pcode", queryset=Area.objects.all(), many=True, help_text="P-codes of the scope areas."
    )
    author_actors = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), many=True, help_text="Author actor ids; at least one you edit for."
    )
    shared_with_actors = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(),
        many=True,
        required=False,
        help_text="Actors a restricted analysis is shared with.",
    )
    shared_with_users = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        many=True,
        required=False,
        help_text="People a restricted or named analysis is shared with.",
    )
    pillar_h = serializers.BooleanField(required=False, default=False, help_text="Humanitarian.")
    pillar_d = serializers.BooleanField(required=False, default=False, help_text="Development.")
    pillar_p = serializers.BooleanField(required=False, default=False, help_text="Peace.")
    conducted_on = serializers.DateField(help_text="When it was conducted.")
    review_due = serializers.DateField(
        required=False, allow_null=True, help_text="Empty for the default: 12 months later, 6 for conflict analyses."
    )
    method = serializers.CharField(required=False, allow_blank=True, default="", help_text="Method.")
    summary = serializers.CharField(required=False, allow_blank=True, default="", help_text="Summary.")
    key_drivers = serializers.CharField(required=False, allow_blank=True, default="", help_text="Key drivers.")
    recommendations = serializers.CharField(required=False, allow_blank=True, default="", help_text="Recommendations.")
    status = serializers.ChoiceField(
        choices=AnalysisStatus.choices, default=AnalysisStatus.DRAFT, help_text="Draft, published or archived."
    )
    sensitivity = serializers.ChoiceField(
        choices=Sensitivity.choices, default=Sensitivity.RESTRICTED, help_text="Who may read the content."
    )


def as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(serializers.as_serializer_error(error))


class ContextEventSerializer(RejectUnknownFields, ValidatingSerializer):
    area = serializers.SlugRelatedField(
        slug_field="pcode", queryset=Area.objects.all(), help_text="P-code of the area where it happened."
    )
    event_type = serializers.ChoiceField(choices=EventType.choices, help_text="Type of event.")

    class Meta:
        model = ContextEvent
        fields = ("id", "area", "date", "event_type", "description", "recorded_by", "created_at")
        read_only_fields = ("id", "created_at")
        extra_kwargs = {"recorded_by": {"allow_null": False, "required": True}}
