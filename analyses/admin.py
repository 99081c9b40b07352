from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from analyses.models import Analysis, ContextEvent
from nexus_portal.querysets import CHANGE, DELETE, VIEW
from programmes.admin import PillarFilter, pillar_letters
from reference.admin import CountryFilter


class AnalysisCountryFilter(CountryFilter):
    def filter_country(self, queryset, iso2):
        in_scope = Analysis.scope_areas.through.objects.filter(area__country_code=iso2).values("analysis_id")
        return queryset.filter(pk__in=in_scope)


class EventCountryFilter(CountryFilter):
    def filter_country(self, queryset, iso2):
        return queryset.filter(area__country_code=iso2)


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    """Sensitivity rules hold here too: a named (TLP:RED) analysis stays hidden from administrators it doesn't name.

    The file is not in the form: uploads are content-checked and served only through the portal's
    permission-checked view (there is no public MEDIA_URL for the admin to link to).
    """

    list_display = ["title", "kind", "sensitivity", "status", "pillars", "conducted_on", "review_due"]
    list_filter = ["kind", "sensitivity", "status", PillarFilter, AnalysisCountryFilter]
    search_fields = ["title"]
    autocomplete_fields = [
        "scope_areas",
        "author_actors",
        "supersedes",
        "shared_with_actors",
        "shared_with_users",
    ]
    readonly_fields = ["attached_file_name", "created_by", "created_at", "updated_at"]
    date_hierarchy = "conducted_on"
    fieldsets = [
        (None, {"fields": ["title", "kind", "status", "scope_areas", "author_actors", "supersedes"]}),
        (_("Pillars"), {"fields": ["pillar_h", "pillar_d", "pillar_p"]}),
        (_("Dates"), {"fields": [("conducted_on", "review_due")]}),
        (_("Content"), {"fields": ["method", "summary", "key_drivers", "recommendations", "attached_file_name"]}),
        (_("Sharing"), {"fields": ["sensitivity", "shared_with_actors", "shared_with_users"]}),
        (_("History"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return Analysis.objects.restrict(request.user, VIEW)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may(request, obj, CHANGE)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may(request, obj, DELETE)

    def _may(self, request, obj, action: str) -> bool:
        return obj is None or Analysis.objects.restrict(request.user, action).filter(pk=obj.pk).exists()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("pillars"))
    def pillars(self, analysis: Analysis) -> str:
        return pillar_letters(analysis)


@admin.register(ContextEvent)
class ContextEventAdmin(admin.ModelAdmin):
    list_display = ["date", "event_type", "area", "recorded_by"]
    list_filter = ["event_type", EventCountryFilter]
    search_fields = ["^area__pcode", "area__name", "description", "recorded_by__name", "recorded_by__acronym"]
    list_select_related = ["area", "recorded_by"]
    autocomplete_fields = ["area", "recorded_by"]
    readonly_fields = ["created_by", "created_at"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
