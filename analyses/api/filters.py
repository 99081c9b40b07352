"""The pages' filtersets, with the schema types drf-spectacular cannot guess from method filters."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from analyses.filtersets import AnalysisFilterSet


class AnalysisApiFilterSet(AnalysisFilterSet):
    @extend_schema_field(OpenApiTypes.STR)
    def in_country(self, queryset, name, value):
        return super().in_country(queryset, name, value)

    @extend_schema_field(OpenApiTypes.STR)
    def in_area(self, queryset, name, area):
        return super().in_area(queryset, name, area)
