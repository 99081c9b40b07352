from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from programmes.models import (
    ImportJob,
    ImportProblem,
    Programme,
    ProgrammeHumanitarianScope,
    ProgrammeLink,
    ProgrammeLocation,
    ProgrammeParticipant,
    ProgrammeSector,
)
from programmes.services import DAC_VOCABULARIES, apply_derived_pillars, validate_sector_shares
from reference.admin import CountryFilter


class PillarFilter(admin.SimpleListFilter):
    """One filter for the three pillar booleans (pillar_h/d/p) that programmes, goals and analyses share."""

    title = _("pillar")
    parameter_name = "pillar"
    fields = {"h": "pillar_h", "d": "pillar_d", "p": "pillar_p"}

    def lookups(self, request, model_admin):
        return [("h", _("Humanitarian")), ("d", _("Development")), ("p", _("Peace"))]

    def queryset(self, request, queryset):
        field = self.fields.get(self.value())
        return queryset.filter(**{field: True}) if field else queryset


def pillar_letters(obj) -> str:
    return "".join(letter for letter, on in zip("HDP", (obj.pillar_h, obj.pillar_d, obj.pillar_p), strict=True) if on)


class ProgrammeCountryFilter(CountryFilter):
    def filter_country(self, queryset, iso2):
        located = ProgrammeLocation.objects.filter(area__country_code=iso2).values("programme_id")
        return queryset.filter(pk__in=located)


class LocationCountryFilter(CountryFilter):
    def filter_country(self, queryset, iso2):
        return queryset.filter(area__country_code=iso2)


class ParticipantInline(admin.TabularInline):
    model = ProgrammeParticipant
    autocomplete_fields = ["actor"]
    extra = 0


class SectorShareFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        shares = [(data["sector"], data["percentage"]) for data in kept if data.get("sector")]
        if shares:
            validate_sector_shares(shares)  # each vocabulary adds up to 100 %


class SectorInline(admin.TabularInline):
    model = ProgrammeSector
    formset = SectorShareFormSet
    autocomplete_fields = ["sector"]
    extra = 0


class LocationInline(admin.TabularInline):
    model = ProgrammeLocation
    autocomplete_fields = ["area"]
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "reporting_actor", "pillars", "status", "start_date", "end_date", "budget", "updated_at"]
    list_filter = ["status", PillarFilter, "pillars_explicit", "humanitarian", ProgrammeCountryFilter]
    search_fields = ["title", "=iati_identifier", "reporting_actor__name", "reporting_actor__acronym"]
    list_select_related = ["reporting_actor"]
    autocomplete_fields = ["reporting_actor", "handover_actor"]
    readonly_fields = ["start_date", "end_date", "created_at", "updated_at"]
    date_hierarchy = "start_date"
    show_full_result_count = False  # 100,000+ rows: skip the second COUNT(*) on filtered lists
    fieldsets = [
        (None, {"fields": ["title", "description", "iati_identifier", "reporting_actor", "status"]}),
        (_("Pillars"), {"fields": ["pillars_explicit", "pillar_h", "pillar_d", "pillar_p", "humanitarian"]}),
        (
            _("Dates"),
            {"fields": [("planned_start", "planned_end"), ("actual_start", "actual_end"), ("start_date", "end_date")]},
        ),
        (_("Budget"), {"fields": [("total_budget", "currency")]}),
        (
            _("Transition"),
            {"fields": ["target_groups", "transition_plan", "handover_actor", "planned_handover_date"]},
        ),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [ParticipantInline, SectorInline, LocationInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        programme = form.instance
        if not programme.pillars_explicit:  # derived pillars follow the sectors just saved
            shares = programme.sector_shares.filter(sector__vocabulary__in=DAC_VOCABULARIES)
            apply_derived_pillars(programme, dac_codes=shares.values_list("sector__code", flat=True))
            programme.save(update_fields=["pillar_h", "pillar_d", "pillar_p"])

    @admin.display(description=_("pillars"))
    def pillars(self, programme: Programme) -> str:
        return pillar_letters(programme)

    @admin.display(description=_("budget"), ordering="total_budget")
    def budget(self, programme: Programme) -> str:
        if programme.total_budget is None:
            return "–"
        return f"{programme.total_budget:,.0f} {programme.currency}"


@admin.register(ProgrammeParticipant)
class ProgrammeParticipantAdmin(admin.ModelAdmin):
    list_display = ["programme", "actor", "role"]
    list_filter = ["role"]
    search_fields = ["programme__title", "=programme__iati_identifier", "actor__name", "actor__acronym"]
    list_select_related = ["programme", "actor"]
    autocomplete_fields = ["programme", "actor"]


@admin.register(ProgrammeSector)
class ProgrammeSectorAdmin(admin.ModelAdmin):
    list_display = ["programme", "sector", "percentage"]
    list_filter = ["sector__vocabulary"]
    search_fields = ["programme__title", "=programme__iati_identifier", "^sector__code", "sector__name"]
    list_select_related = ["programme", "sector"]
    autocomplete_fields = ["programme", "sector"]


@admin.register(ProgrammeLocation)
class ProgrammeLocationAdmin(admin.ModelAdmin):
    list_display = ["programme", "area"]
    list_filter = [LocationCountryFilter]
    search_fields = ["programme__title", "=programme__iati_identifier", "^area__pcode", "area__name"]
    list_select_related = ["programme", "area"]
    autocomplete_fields = ["programme", "area"]
    show_full_result_count = False


@admin.register(ProgrammeLink)
class ProgrammeLinkAdmin(admin.ModelAdmin):
    list_display = ["from_programme", "to_programme", "link_type", "status", "proposed_by", "created_at"]
    list_filter = ["link_type", "status"]
    search_fields = ["from_programme__title", "to_programme__title", "=from_programme__iati_identifier"]
    list_select_related = ["from_programme", "to_programme", "proposed_by"]
    autocomplete_fields = ["from_programme", "to_programme", "proposed_by"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "created_at"


@admin.register(ProgrammeHumanitarianScope)
class ProgrammeHumanitarianScopeAdmin(admin.ModelAdmin):
    list_display = ["programme", "scope_type", "vocabulary", "code", "narrative"]
    list_filter = ["scope_type", "vocabulary"]
    search_fields = ["programme__title", "=programme__iati_identifier", "code", "narrative"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]


class ImportProblemInline(admin.TabularInline):
    model = ImportProblem
    fields = ["position", "identifier", "level", "message"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0  # problems are written by the import, never by hand
    show_change_link = False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read-only: a job is the record of what an import did."""

    list_display = ["pk", "kind", "original_name", "status", "channel", "created_by", "created_at", "error_count"]
    list_filter = ["kind", "status", "channel"]
    search_fields = ["original_name", "created_by__username"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["created_by"]
    inlines = [ImportProblemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportProblem)
class ImportProblemAdmin(admin.ModelAdmin):
    list_display = ["job", "position", "identifier", "level", "message"]
    list_filter = ["level"]
    search_fields = ["identifier", "message"]
    list_select_related = ["job"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
