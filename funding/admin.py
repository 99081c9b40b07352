from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from funding.models import FundingAgreement, FundingRequest, FundingRequestEvent, Tranche
from reference.admin import CountryFilter


class AgreementCountryFilter(CountryFilter):
    def filter_country(self, queryset, iso2):
        covering = FundingAgreement.countries.through.objects.filter(area__country_code=iso2)
        return queryset.filter(pk__in=covering.values("fundingagreement_id"))


class TrancheInline(admin.TabularInline):
    model = Tranche
    extra = 0


class SubGrantInline(admin.TabularInline):
    """Sub-grants are agreements of their own: listed here, edited on their own page."""

    model = FundingAgreement
    fk_name = "parent"
    verbose_name = _("sub-grant")
    verbose_name_plural = _("sub-grants")
    fields = readonly_fields = ["reference", "recipient", "stream", "amount", "currency", "start_date", "end_date"]
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recipient")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FundingAgreement)
class FundingAgreementAdmin(admin.ModelAdmin):
    list_display = ["reference", "donor", "recipient", "stream", "modality", "start_date", "end_date", "total"]
    list_filter = [
        "stream",
        "modality",
        "earmarking",
        "crisis_modifier",
        "requires_government_approval",
        AgreementCountryFilter,
    ]
    search_fields = ["reference", "donor__name", "donor__acronym", "recipient__name", "recipient__acronym"]
    autocomplete_fields = ["donor", "recipient", "parent", "funded_programmes", "countries"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "start_date"
    fieldsets = [
        (None, {"fields": ["reference", "donor", "recipient", "parent", "responsible_unit"]}),
        (
            _("Terms"),
            {"fields": ["stream", "modality", "earmarking", ("start_date", "end_date"), ("amount", "currency")]},
        ),
        (
            _("Flexibility"),
            {
                "fields": [
                    ("crisis_modifier", "crisis_modifier_share"),
                    "requires_government_approval",
                    "nexus_requirements",
                ]
            },
        ),
        (_("Scope"), {"fields": ["funded_programmes", "countries"]}),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [TrancheInline, SubGrantInline]

    def get_queryset(self, request):
        # The agreement's name shows donor and recipient: joined here for the list and for autocomplete.
        return super().get_queryset(request).select_related("donor", "recipient")

    @admin.display(description=_("amount"), ordering="amount")
    def total(self, agreement: FundingAgreement) -> str:
        return f"{agreement.amount:,.0f} {agreement.currency}"


@admin.register(Tranche)
class TrancheAdmin(admin.ModelAdmin):
    list_display = ["agreement", "year", "kind", "amount"]
    list_filter = ["kind", "year"]
    search_fields = ["agreement__reference", "agreement__donor__name", "agreement__recipient__name"]
    list_select_related = ["agreement__donor", "agreement__recipient"]
    autocomplete_fields = ["agreement"]


class RequestEventInline(admin.TabularInline):
    """Decision history is append-only: new entries can be added, past ones are never rewritten."""

    model = FundingRequestEvent
    fields = ["date", "status", "unit", "redirected_to", "outside_mandate", "reason", "user"]
    autocomplete_fields = ["unit", "redirected_to", "user"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit", "redirected_to", "user")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FundingRequest)
class FundingRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "applicant", "submitted_to", "submitted_on", "status", "redirected_to", "decision_date"]
    list_filter = ["status", "outside_mandate"]
    search_fields = ["title", "applicant__name", "applicant__acronym", "submitted_to__name", "submitted_to__acronym"]
    list_select_related = ["applicant", "submitted_to", "redirected_to"]
    autocomplete_fields = ["applicant", "programme", "submitted_to", "redirected_to"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "submitted_on"
    inlines = [RequestEventInline]


@admin.register(FundingRequestEvent)
class FundingRequestEventAdmin(admin.ModelAdmin):
    list_display = ["request", "status", "unit", "redirected_to", "outside_mandate", "date"]
    list_filter = ["status", "outside_mandate"]
    search_fields = ["request__title", "unit__name", "unit__acronym", "reason"]
    list_select_related = ["request", "unit", "redirected_to"]
    autocomplete_fields = ["request", "unit", "redirected_to", "user"]
    date_hierarchy = "date"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
