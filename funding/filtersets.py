import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.access import actor_ids
from actors.choices import MembershipRole
from actors.models import Actor
from funding.choices import Earmarking, RequestStatus, Stream
from funding.models import FundingAgreement, FundingRequest
from reference.models import Area

OPEN_STATUSES = (RequestStatus.PENDING, RequestStatus.REDIRECTED)


def country_choices():
    return list(Area.objects.countries().order_by("name").values_list("pcode", "name"))


class AgreementLevel:
    TOP = "top"
    SUB = "sub"
    CHOICES = [(TOP, _("Top-level agreements (count in totals)")), (SUB, _("Sub-grants"))]


class AgreementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Reference"), field_name="reference", lookup_expr="icontains")
    donor = django_filters.ModelChoiceFilter(
        label=_("Donor"), queryset=Actor.objects.filter(agreements_given__isnull=False).distinct(), empty_label=_("Any")
    )
    recipient = django_filters.ModelChoiceFilter(
        label=_("Recipient"),
        queryset=Actor.objects.filter(agreements_received__isnull=False).distinct(),
        empty_label=_("Any"),
    )
    stream = django_filters.ChoiceFilter(label=_("Stream"), choices=Stream.choices, empty_label=_("Any"))
    country = django_filters.ChoiceFilter(label=_("Country"), method="in_country", empty_label=_("Any country"))
    year = django_filters.NumberFilter(label=_("Year"), method="in_year", min_value=1990, max_value=2100)
    earmarking = django_filters.ChoiceFilter(label=_("Earmarking"), choices=Earmarking.choices, empty_label=_("Any"))
    crisis_modifier = django_filters.BooleanFilter(
        label=_("Crisis modifier"),
        widget=django_filters.widgets.BooleanWidget,
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=AgreementLevel.CHOICES, method="by_level", empty_label=_("All agreements")
    )

    class Meta:
        model = FundingAgreement
        fields = ["q", "donor", "recipient", "stream", "country", "year", "earmarking", "crisis_modifier", "level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["country"].extra["choices"] = country_choices()
        self.form.fields["crisis_modifier"].widget.choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]

    def in_country(self, queryset, name, value):
        """Its own countries, or (when it has none) where its funded programmes are."""
        own = FundingAgreement.countries.through.objects.filter(area__country_code=value)
        by_programme = FundingAgreement.funded_programmes.through.objects.filter(
            programme__location_links__area__country_code=value
        )
        return queryset.filter(
            Q(pk__in=own.values("fundingagreement_id")) | Q(pk__in=by_programme.values("fundingagreement_id"))
        )

    def in_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(start_date__year__lte=year, end_date__year__gte=year)

    def by_level(self, queryset, name, value):
        return queryset.filter(parent__isnull=value == AgreementLevel.TOP)


class Waiting:
    MINE = "mine"
    CHOICES = [(MINE, _("Waiting for a decision by my organisations"))]


class RequestFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title"), field_name="title", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices, empty_label=_("Any"))
    applicant = django_filters.ModelChoiceFilter(
        label=_("Applicant"),
        queryset=Actor.objects.filter(funding_requests__isnull=False).distinct(),
        empty_label=_("Any"),
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Donor unit"),
        queryset=Actor.objects.filter(
            Q(requests_received__isnull=False) | Q(requests_redirected_here__isnull=False)
        ).distinct(),
        method="by_unit",
        empty_label=_("Any"),
        help_text=_("Submitted to or redirected to."),
    )
    waiting = django_filters.ChoiceFilter(
        label=_("Waiting"), choices=Waiting.CHOICES, method="waiting_for_me", empty_label=_("Any")
    )

    class Meta:
        model = FundingRequest
        fields = ["q", "status", "applicant", "unit", "waiting"]

    def by_unit(self, queryset, name, actor):
        return queryset.filter(Q(submitted_to=actor) | Q(redirected_to=actor))

    def waiting_for_me(self, queryset, name, value):
        return queryset.filter(deciding_unit_condition(actor_ids(self.request.user, MembershipRole.EDITOR)))


def deciding_unit_condition(unit_ids) -> Q:
    """Open requests whose current unit (the one redirected to, else the one submitted to) is among `unit_ids`."""
    return Q(status=RequestStatus.PENDING, submitted_to_id__in=unit_ids) | Q(
        status=RequestStatus.REDIRECTED, redirected_to_id__in=unit_ids
    )
