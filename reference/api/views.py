"""Reference data: read-only for everyone, also without login (as the pages)."""

from rest_framework import permissions, viewsets

from reference.api.filtersets import AreaFilterSet, CodeListItemFilterSet, SectorFilterSet
from reference.api.serializers import AreaSerializer, CodeListItemSerializer, SectorSerializer
from reference.models import Area, CodeListItem, Sector


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    model = None
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user).order_by(*self.model._meta.ordering)


class AreaViewSet(ReferenceViewSet):
    """Admin areas by p-code: /api/areas/SS01/."""

    model = Area
    serializer_class = AreaSerializer
    filterset_class = AreaFilterSet
    lookup_field = "pcode"
    ordering_fields = ("pcode", "name", "level", "path")

    def get_queryset(self):
        return super().get_queryset().select_related("parent")


class SectorViewSet(ReferenceViewSet):
    model = Sector
    serializer_class = SectorSerializer
    filterset_class = SectorFilterSet
    ordering_fields = ("vocabulary", "code", "name", "family")


class CodeListItemViewSet(ReferenceViewSet):
    model = CodeListItem
    serializer_class = CodeListItemSerializer
    filterset_class = CodeListItemFilterSet
    ordering_fields = ("codelist", "code", "name")
