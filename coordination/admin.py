from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from coordination.choices import FlagAction, FlagStatus
from coordination.models import (
    Contribution,
    DirtyCountry,
    Flag,
    FlagEvent,
    FlagRun,
    GoalCommitment,
    GoalProgress,
    SharedGoal,
)
from programmes.admin import PillarFilter, pillar_letters
from reference.admin import CountryFilter

# The action a triage history records when the admin moves a flag to a status.
ACTION_FOR_STATUS = {
    FlagStatus.OPEN: FlagAction.REOPENED,
    FlagStatus.ACKNOWLEDGED: FlagAction.ACKNOWLEDGED,
    FlagStatus.DISMISSED: FlagAction.DISMISSED,
    FlagStatus.RESOLVED: FlagAction.RESOLVED,
}


class GoalCountryFilter(CountryFilter):
    def filter_country(self, queryset, iso2):
        covering = SharedGoal.areas.through.objects.filter(area__country_code=iso2).values("sharedgoal_id")
        return queryset.filter(pk__in=covering)


class FlagCountryFilter(CountryFilter):
    def filter_country(self, queryset, iso2):
        return queryset.filter(country__country_code=iso2)


class CommitmentInline(admin.TabularInline):
    model = GoalCommitment
    autocomplete_fields = ["actor"]
    extra = 0


class ContributionInline(admin.TabularInline):
    model = Contribution
    autocomplete_fields = ["programme"]
    extra = 0


class ProgressInline(admin.TabularInline):
    model = GoalProgress
    autocomplete_fields = ["reported_by"]
    extra = 0


@admin.register(SharedGoal)
class SharedGoalAdmin(admin.ModelAdmin):
    list_display = ["title", "convening_actor", "status", "pillars", "horizon_start", "horizon_end", "updated_at"]
    list_filter = ["status", PillarFilter, GoalCountryFilter]
    search_fields = ["title", "indicator", "convening_actor__name", "convening_actor__acronym"]
    list_select_related = ["convening_actor"]
    autocomplete_fields = ["convening_actor", "areas"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "horizon_start"
    inlines = [CommitmentInline, ContributionInline, ProgressInline]

    @admin.display(description=_("pillars"))
    def pillars(self, goal: SharedGoal) -> str:
        return pillar_letters(goal)


@admin.register(GoalCommitment)
class GoalCommitmentAdmin(admin.ModelAdmin):
    list_display = ["goal", "actor", "role", "status", "committed_on"]
    list_filter = ["role", "status"]
    search_fields = ["goal__title", "actor__name", "actor__acronym"]
    list_select_related = ["goal", "actor"]
    autocomplete_fields = ["goal", "actor"]
    date_hierarchy = "committed_on"


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["programme", "goal"]
    search_fields = ["programme__title", "=programme__iati_identifier", "goal__title"]
    list_select_related = ["programme", "goal"]
    autocomplete_fields = ["programme", "goal"]


@admin.register(GoalProgress)
class GoalProgressAdmin(admin.ModelAdmin):
    list_display = ["goal", "date", "value", "source", "reported_by"]
    search_fields = ["goal__title", "source"]
    list_select_related = ["goal", "reported_by"]
    autocomplete_fields = ["goal", "reported_by"]
    date_hierarchy = "date"


class FlagAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        # Resolving needs a time (a database constraint); the admin supplies "now" instead of asking.
        if cleaned.get("status") == FlagStatus.RESOLVED and not cleaned.get("resolved_at"):
            cleaned["resolved_at"] = timezone.now()
        return cleaned


class FlagEventInline(admin.TabularInline):
    """Triage history: written by whoever triages, never edited afterwards."""

    model = FlagEvent
    fields = readonly_fields = ["created_at", "action", "user", "note"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    """Flags come from the rule engine: the admin triages them (status, assignee, reason) but never creates one."""

    form = FlagAdminForm
    list_display = ["rule", "severity", "status", "short_message", "country", "area", "assigned_to", "last_seen"]
    list_filter = ["status", "severity", "rule", FlagCountryFilter]
    search_fields = ["rule", "subject_key", "message", "^area__pcode", "area__name"]
    list_select_related = ["country", "area", "assigned_to"]
    autocomplete_fields = ["assigned_to"]
    readonly_fields = [
        "rule",
        "subject_key",
        "severity",
        "subject_type",
        "subject_id",
        "country",
        "area",
        "responsible_actors",
        "message",
        "message_nb",
        "evidence",
        "evidence_hash",
        "first_seen",
        "last_seen",
    ]
    fieldsets = [
        (None, {"fields": ["rule", "severity", "message", "message_nb", "country", "area", "responsible_actors"]}),
        (_("Triage"), {"fields": ["status", "assigned_to", "dismissed_reason", "resolved_at"]}),
        (_("Evidence"), {"fields": ["subject_key", "subject_type", "subject_id", "evidence", "evidence_hash"]}),
        (_("Seen"), {"fields": ["first_seen", "last_seen"]}),
    ]
    date_hierarchy = "last_seen"
    show_full_result_count = False
    inlines = [FlagEventInline]

    @admin.display(description=_("message"))
    def short_message(self, flag: Flag) -> str:
        return Truncator(flag.message).chars(90)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Leave the same trail as triage in the portal, so the flag's history stays complete.
        note = obj.dismissed_reason if obj.status == FlagStatus.DISMISSED else ""
        if "status" in form.changed_data:
            FlagEvent.objects.create(flag=obj, action=ACTION_FOR_STATUS[obj.status], user=request.user, note=note)
        if "assigned_to" in form.changed_data and obj.assigned_to_id:
            FlagEvent.objects.create(flag=obj, action=FlagAction.ASSIGNED, user=request.user, note=str(obj.assigned_to))


@admin.register(FlagEvent)
class FlagEventAdmin(admin.ModelAdmin):
    list_display = ["flag", "action", "user", "created_at"]
    list_filter = ["action"]
    search_fields = ["flag__rule", "flag__subject_key", "note"]
    list_select_related = ["flag", "user"]
    readonly_fields = ["flag", "action", "user", "note", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EngineRecordAdmin(admin.ModelAdmin):
    """Written by the rule engine only: shown for diagnosis, never added or edited by hand."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FlagRun)
class FlagRunAdmin(EngineRecordAdmin):
    list_display = ["started_at", "trigger", "status", "as_of", "duration_ms", "requested_by"]
    list_filter = ["status", "trigger"]
    search_fields = ["log", "error"]
    list_select_related = ["requested_by"]
    date_hierarchy = "started_at"

    def has_delete_permission(self, request, obj=None):
        # Deleting a running run would drop the single-writer lock under a worker that still writes.
        running = obj is not None and obj.status == FlagRun.Status.RUNNING
        return super().has_delete_permission(request, obj) and not running


@admin.register(DirtyCountry)
class DirtyCountryAdmin(EngineRecordAdmin):
    list_display = ["country_code", "marked_at"]
    search_fields = ["=country_code"]

    def has_delete_permission(self, request, obj=None):
        return False  # a mark removed by hand is a change never re-checked
