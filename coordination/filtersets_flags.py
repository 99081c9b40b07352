"""The one FilterSet for flags, shared by the inbox and the API (NetBox's pattern).

`country` takes an ISO-2 code, `area` a p-code and finds the flags of that area and of every area
inside it, `responsible_actor` and `assigned_actor` take actor ids. `status` takes several values
(`?status=open&status=acknowledged`: what still needs work).
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from actors.models import Actor
from coordination.choices import FlagStatus, Severity
from coordination.models import Flag
from coordination.selectors.flags import rule_choices
from nexus_portal.widgets import ACTOR_CHOICE, AREA_CHOICE, FastSelect, ValuesModelChoiceFilter
from reference.models import Area


class FlagFilterSet(django_filters.FilterSet):
    # FastSelect: the same HTML as Django's Select, written in Python (two lists of 2,000 organisations below).
    rule = django_filters.ChoiceFilter(
        label=_("Rule"), choices=rule_choices, empty_label=_("Any rule"), widget=FastSelect
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=Severity.choices, empty_label=_("Any severity"), widget=FastSelect
    )
    # distinct=False: a column of the flag row, so no flag can repeat; the default DISTINCT made PostgreSQL sort
    # every open flag (evidence included) before the first page of the inbox could be cut.
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=FlagStatus.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    country = ValuesModelChoiceFilter(
        label=_("Country"),
        queryset=Area.objects.countries().order_by("name"),
        to_field_name="pcode",
        empty_label=_("Any country"),
        **AREA_CHOICE,
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Area p-code"),
        queryset=Area.objects.all(),
        to_field_name="pcode",
        method="filter_area",
        widget=forms.TextInput(attrs={"size": 10, "placeholder": "SS01"}),
        help_text=_("Includes the areas inside it."),
        error_messages={"invalid_choice": _("No area has this p-code. Check it, for example SS01.")},
    )
    responsible_actor = ValuesModelChoiceFilter(
        label=_("Responsible actor"),
        queryset=Actor.objects.order_by("name"),
        method="filter_responsible_actor",
        empty_label=_("Any actor"),
        **ACTOR_CHOICE,
    )
    assigned_actor = ValuesModelChoiceFilter(
        label=_("Assigned to"),
        queryset=Actor.objects.order_by("name"),
        field_name="assigned_to",
        empty_label=_("Anyone or no one"),
        **ACTOR_CHOICE,
    )

    class Meta:
        model = Flag
        fields = ["rule", "severity", "status", "country", "area", "responsible_actor", "assigned_actor"]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_responsible_actor(self, queryset, name, actor):
        # A subquery, not a join: a flag with several responsible actors still appears once.
        responsible = Flag.responsible_actors.through.objects.filter(actor=actor).values("flag_id")
        return queryset.filter(pk__in=responsible)

    def filter_area(self, queryset, name, area):
        # The materialised path makes "inside SS01" a prefix test: SS01 finds SS0101, not SS02.
        return queryset.filter(area__path__startswith=area.path)
