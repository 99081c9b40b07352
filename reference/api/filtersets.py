"""API-only filters; their labels appear in the (English) API schema, not on pages."""

import django_filters
from django.db.models import Q

from reference.choices import AreaLevel, SectorVocabulary
from reference.models import Area, CodeListItem, Sector


class AreaFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search", help_text="Part of a name or p-code.")
    level = django_filters.ChoiceFilter(choices=AreaLevel.choices, label="Level")
    country = django_filters.CharFilter(field_name="country_code", lookup_expr="iexact", label="Country (ISO-2)")
    parent = django_filters.CharFilter(
        field_name="parent__pcode", lookup_expr="iexact", label="Parent", help_text="The parent's p-code."
    )

    class Meta:
        model = Area
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        words = value.strip()
        return queryset.filter(Q(name__icontains=words) | Q(pcode__istartswith=words)) if words else queryset


class SectorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search", help_text="Part of a name or code.")
    vocabulary = django_filters.ChoiceFilter(choices=SectorVocabulary.choices, label="Vocabulary")
    family = django_filters.CharFilter(field_name="family", lookup_expr="iexact", label="Sector family")

    class Meta:
        model = Sector
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        words = value.strip()
        return queryset.filter(Q(name__icontains=words) | Q(code__istartswith=words)) if words else queryset


class CodeListItemFilterSet(django_filters.FilterSet):
    codelist = django_filters.CharFilter(field_name="codelist", label="Code list", help_text="E.g. Currency.")
    q = django_filters.CharFilter(method="filter_search", label="Search", help_text="Part of a name or code.")

    class Meta:
        model = CodeListItem
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        words = value.strip()
        return queryset.filter(Q(name__icontains=words) | Q(code__iexact=words)) if words else queryset
