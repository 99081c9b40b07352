"""API-only filters; their labels appear in the (English) API schema, not on pages."""

import django_filters
from django.db.models import Q

from actors.choices import ActorKind, Localness, MembershipRole
from actors.models import Actor, Membership


class ActorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search", label="Search", help_text="Part of the name or acronym, or the IATI identifier."
    )
    kind = django_filters.ChoiceFilter(choices=ActorKind.choices, label="Kind")
    localness = django_filters.ChoiceFilter(choices=Localness.choices, label="Localness")
    country = django_filters.CharFilter(
        field_name="countries__pcode", lookup_expr="iexact", distinct=True, label="Country (ISO-2)"
    )

    class Meta:
        model = Actor
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        return queryset.filter(
            Q(name__icontains=words) | Q(acronym__icontains=words) | Q(iati_identifier__iexact=words)
        )


class MembershipFilterSet(django_filters.FilterSet):
    actor = django_filters.NumberFilter(field_name="actor_id", label="Actor id")
    user = django_filters.NumberFilter(field_name="user_id", label="User id")
    role = django_filters.ChoiceFilter(choices=MembershipRole.choices, label="Role")

    class Meta:
        model = Membership
        fields: list[str] = []
