"""Filters of the analyses library. Every filter reads coverage metadata only, except the text search,
which looks only inside analyses the user may read (and never in named ones)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analyses.choices import AnalysisKind, AnalysisStatus, Sensitivity
from analyses.models import Analysis, ContextEvent
from reference.models import Area


class Freshness:
    CURRENT = "current"
    OVERDUE = "overdue"
    CHOICES = [
        (CURRENT, _("Current (published, not replaced, review not due, no event since)")),
        (OVERDUE, _("Review overdue")),
    ]


def with_trigger_event(today):
    """Analyses with a context event in their scope after they were conducted (domain: trigger event)."""
    scope = Analysis.scope_areas.through.objects
    events = ContextEvent.objects.filter(
        area__path__startswith=OuterRef("area__path"), date__gt=OuterRef("analysis__conducted_on"), date__lte=today
    )
    return scope.filter(Exists(events)).values("analysis_id")


def live(queryset):
    """Published and not replaced by a newer version."""
    return queryset.filter(status=AnalysisStatus.PUBLISHED, superseded_by__isnull=True)


class AnalysisFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search titles and summaries"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AnalysisKind.choices, empty_label=_("Any kind"))
    country = django_filters.ChoiceFilter(label=_("Country"), method="in_country", empty_label=_("Any country"))
    area = django_filters.ModelChoiceFilter(
        label=_("Area p-code"),
        queryset=Area.objects.all(),
        to_field_name="pcode",
        method="in_area",
        widget=forms.TextInput(attrs={"size": 10, "placeholder": "SS01"}),
        error_messages={"invalid_choice": _("No area has this p-code. Check it, for example SS01.")},
        help_text=_("Includes the areas inside it."),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AnalysisStatus.choices, empty_label=_("Any status"))
    freshness = django_filters.ChoiceFilter(
        label=_("Up to date"), choices=Freshness.CHOICES, method="by_freshness", empty_label=_("Any")
    )
    sensitivity = django_filters.ChoiceFilter(
        label=_("Sensitivity"), choices=Sensitivity.choices, empty_label=_("Any level")
    )

    class Meta:
        model = Analysis
        fields = ["q", "kind", "country", "area", "status", "freshness", "sensitivity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is None or not self.request.user.is_authenticated:
            # Visitors only ever see public, published analyses: these filters would change nothing.
            for name in ("status", "sensitivity"):
                del self.filters[name]
        self.filters["country"].extra["choices"] = list(
            Area.objects.countries().order_by("name").values_list("pcode", "name")
        )

    def search(self, queryset, name, value):
        # Only rows whose content the user may read, and never named (TLP:RED) ones: a match on a
        # hidden title would tell what a restricted analysis is about.
        user = self.request.user if self.request else None
        searchable = Analysis.objects.restrict(user).exportable()
        matches = searchable.filter(Q(title__icontains=value) | Q(summary__icontains=value))
        return queryset.filter(pk__in=matches.values("pk"))

    def in_country(self, queryset, name, value):
        scope = Analysis.scope_areas.through.objects.filter(area__country_code=value)
        return queryset.filter(pk__in=scope.values("analysis_id"))

    def in_area(self, queryset, name, area):
        scope = Analysis.scope_areas.through.objects.filter(area__path__startswith=area.path)
        return queryset.filter(pk__in=scope.values("analysis_id"))

    def by_freshness(self, queryset, name, value):
        today = timezone.localdate()
        if value == Freshness.CURRENT:
            return live(queryset).filter(review_due__gte=today).exclude(pk__in=with_trigger_event(today))
        return live(queryset).filter(review_due__lt=today)
