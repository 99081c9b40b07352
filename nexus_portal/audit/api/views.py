"""GET /api/history/?model=programmes.programme&object_id=N: a record's change history, newest first.

The same rule as the history page: only for users who may view the record; otherwise 404, like a
record that does not exist.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.exceptions import NotFound

from nexus_portal.access import get_restricted_or_404
from nexus_portal.audit.api.serializers import AuditEntrySerializer, HistoryQuerySerializer
from nexus_portal.audit.models import AuditEntry
from nexus_portal.audit.presenters import hidden_references
from nexus_portal.audit.registry import history_models
from nexus_portal.querysets import VIEW


@extend_schema(
    parameters=[
        OpenApiParameter("model", OpenApiTypes.STR, required=True, description="e.g. programmes.programme"),
        OpenApiParameter("object_id", OpenApiTypes.INT, required=True, description="The record's id."),
    ]
)
class HistoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Change history of one record (and of its child rows), newest first."""

    serializer_class = AuditEntrySerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []
    queryset = AuditEntry.objects.none()  # for the schema; get_queryset answers per request

    def get_queryset(self):
        query = HistoryQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        model = self._model(query.validated_data["model"])
        record = get_restricted_or_404(model, self.request.user, VIEW, pk=query.validated_data["object_id"])
        return AuditEntry.objects.for_record(record).select_related("user")

    def _model(self, name: str):
        for model in history_models():
            if f"{model._meta.app_label}.{model._meta.model_name}" == name.lower():
                return model
        raise NotFound("No history for this kind of record.")

    def get_serializer(self, *args, **kwargs):
        if args and not kwargs.get("context"):
            entries = args[0] if isinstance(args[0], list) else []
            hidden = hidden_references(entries, self.request.user)
            kwargs["context"] = {**self.get_serializer_context(), "hidden": hidden}
        return super().get_serializer(*args, **kwargs)
