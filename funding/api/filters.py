"""The pages' filtersets, with the schema types drf-spectacular cannot guess from method filters."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from funding.filtersets import AgreementFilterSet, RequestFilterSet


class AgreementApiFilterSet(AgreementFilterSet):
    @extend_schema_field(OpenApiTypes.STR)
    def in_country(self, queryset, name, value):
        return super().in_country(queryset, name, value)


class RequestApiFilterSet(RequestFilterSet):
    @extend_schema_field(OpenApiTypes.INT)
    def by_unit(self, queryset, name, actor):
        return super().by_unit(queryset, name, actor)
