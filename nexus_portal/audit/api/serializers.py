from rest_framework import serializers

from nexus_portal.audit.models import AuditEntry
from nexus_portal.audit.presenters import visible_changes


class HistoryQuerySerializer(serializers.Serializer):
    model = serializers.CharField(help_text="app_label.model_name of the record, e.g. programmes.programme")
    object_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The record's id.")


class AuditEntrySerializer(serializers.ModelSerializer):
    model = serializers.SerializerMethodField(
        help_text="The row that changed: the record itself or one of its child rows."
    )
    user = serializers.SerializerMethodField(help_text="User name of who made the change; null for automatic changes.")
    changes = serializers.SerializerMethodField(
        help_text="Field → [old, new]; sets of rows → {added, removed}; analysis content → {changed: true}. "
        'A reference to a record you may not see reads {"id": null, "repr": "—hidden—"}.'
    )

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "action", "model", "object_id", "object_repr", "user", "interface", "changes"]
        read_only_fields = fields

    def get_model(self, entry) -> str:
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_id(entry.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"

    def get_user(self, entry) -> str | None:
        if entry.user is not None:
            return entry.user.get_username()
        return entry.user_repr or None

    def get_changes(self, entry) -> dict:
        return visible_changes(entry, self.context.get("hidden", set()))
