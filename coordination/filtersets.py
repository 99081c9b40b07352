"""Filters for shared goals, one FilterSet shared by the portal's pages and the API (NetBox style)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from actors.models import Actor
from coordination.choices import GoalStatus
from coordination.models import SharedGoal
from programmes.choices import Pillar
from reference.models import Area

PILLAR_FIELDS = {Pillar.HUMANITARIAN: "pillar_h", Pillar.DEVELOPMENT: "pillar_d", Pillar.PEACE: "pillar_p"}


class PcodeField(ModelChoiceField):
    """An area typed as its p-code, in any case ("ss01" finds SS01)."""

    def to_python(self, value):
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


class PcodeFilter(django_filters.ModelChoiceFilter):
    field_class = PcodeField


class GoalFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search")
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        queryset=Area.objects.countries().order_by("name"),
        to_field_name="pcode",
        method="filter_country",
        empty_label=_("Any country"),
    )
    area = PcodeFilter(
        label=_("Area p-code"),
        queryset=Area.objects.all(),
        to_field_name="pcode",
        method="filter_area",
        widget=forms.TextInput(attrs={"size": 10, "placeholder": "SS01"}),
        help_text=_("For example SS01: goals in that area or any area within it."),
        error_messages={"invalid_choice": _("No area has this p-code. Check it, for example SS01.")},
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=GoalStatus.choices, empty_label=_("Any status"))
    pillar = django_filters.ChoiceFilter(
        label=_("Pillar"), choices=Pillar.choices, method="filter_pillar", empty_label=_("Any pillar")
    )
    convening_actor = django_filters.ModelChoiceFilter(
        label=_("Convening actor"),
        # Only actors that convene a goal: a short list, not the whole directory.
        queryset=Actor.objects.filter(pk__in=SharedGoal.objects.values("convening_actor_id")).order_by("name"),
        empty_label=_("Any actor"),
    )

    class Meta:
        model = SharedGoal
        fields = ["search", "country", "area", "status", "pillar", "convening_actor"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(indicator__icontains=value)
        )

    @extend_schema_field(OpenApiTypes.STR)
    def filter_country(self, queryset, name, value):
        covering = SharedGoal.areas.through.objects.filter(area__country_code=value.country_code)
        return queryset.filter(pk__in=covering.values("sharedgoal_id"))

    @extend_schema_field(OpenApiTypes.STR)
    def filter_area(self, queryset, name, area):
        """The area and every area below it: a prefix of the materialised path (p-codes are not prefixes)."""
        covering = SharedGoal.areas.through.objects.filter(area__path__startswith=area.path)
        return queryset.filter(pk__in=covering.values("sharedgoal_id"))

    def filter_pillar(self, queryset, name, value):
        return queryset.filter(**{PILLAR_FIELDS[value]: True})
