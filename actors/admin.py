from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from actors.matching import normalise_name
from actors.models import Actor, ActorAlias, ActorMerge, Membership, NotDuplicate, User
from reference.admin import CountryFilter


class ActorCountryFilter(CountryFilter):
    def filter_country(self, queryset, iso2):
        return queryset.filter(
            pk__in=Actor.countries.through.objects.filter(area__country_code=iso2).values("actor_id")
        )


class MandateFilter(admin.SimpleListFilter):
    title = _("mandate")
    parameter_name = "mandate"
    fields = {"h": "mandate_humanitarian", "d": "mandate_development", "p": "mandate_peace"}

    def lookups(self, request, model_admin):
        return [("h", _("Humanitarian")), ("d", _("Development")), ("p", _("Peace"))]

    def queryset(self, request, queryset):
        field = self.fields.get(self.value())
        return queryset.filter(**{field: True}) if field else queryset


class MembershipOfUserInline(admin.TabularInline):
    model = Membership
    fields = ["actor", "role", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["actor"]
    extra = 0


class MembershipOfActorInline(MembershipOfUserInline):
    fields = ["user", "role", "created_at"]
    autocomplete_fields = ["user"]


@admin.register(User)
class NexusUserAdmin(UserAdmin):
    fieldsets = [
        *UserAdmin.fieldsets[:2],
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "is_reviewer", "groups", "user_permissions"]},
        ),
        *UserAdmin.fieldsets[3:],
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "email", "usable_password", "password1", "password2"]}),
        (_("Permissions"), {"fields": ["is_reviewer"]}),
    ]
    list_display = ["username", "email", "first_name", "last_name", "is_reviewer", "is_staff", "is_active"]
    list_filter = ["is_reviewer", "is_staff", "is_superuser", "is_active", "groups"]
    inlines = [MembershipOfUserInline]


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "localness", "iati_identifier", "parent", "mandate_labels"]
    list_filter = ["kind", "localness", MandateFilter, "adheres_to_humanitarian_principles", ActorCountryFilter]
    search_fields = ["name", "acronym", "=iati_identifier"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent", "countries"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "acronym", "kind", "localness", "parent", "countries"]}),
        (_("IATI"), {"fields": ["iati_identifier", "iati_org_type"]}),
        (
            _("Mandate"),
            {
                "fields": [
                    "mandate_humanitarian",
                    "mandate_development",
                    "mandate_peace",
                    "adheres_to_humanitarian_principles",
                ]
            },
        ),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [MembershipOfActorInline]

    @admin.display(description=_("mandate"))
    def mandate_labels(self, actor: Actor) -> str:
        flags = (actor.mandate_humanitarian, actor.mandate_development, actor.mandate_peace)
        return "".join(letter for letter, on in zip("HDP", flags, strict=True) if on) or "–"


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "actor", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "actor__name", "actor__acronym"]
    list_select_related = ["user", "actor"]
    autocomplete_fields = ["user", "actor"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"


class ActorAliasForm(forms.ModelForm):
    """Sets the normalised name the matching reads, and refuses an alias the actor already has."""

    class Meta:
        model = ActorAlias
        fields = ["actor", "name", "source"]

    def clean(self):
        cleaned = super().clean()
        normalised = normalise_name(cleaned.get("name") or "")
        if not normalised:
            self.add_error("name", _("Give a name with letters or digits."))
            return cleaned
        self.instance.normalised = normalised
        actor = cleaned.get("actor")
        others = ActorAlias.objects.filter(actor=actor, normalised=normalised).exclude(pk=self.instance.pk)
        if actor and others.exists():
            raise forms.ValidationError(_("This actor already has this alias."))
        return cleaned


@admin.register(ActorAlias)
class ActorAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "actor", "source", "created_at"]
    list_filter = ["source"]
    search_fields = ["name", "normalised", "actor__name", "actor__acronym"]
    list_select_related = ["actor"]
    autocomplete_fields = ["actor"]
    readonly_fields = ["normalised", "created_at"]
    form = ActorAliasForm


@admin.register(ActorMerge)
class ActorMergeAdmin(admin.ModelAdmin):
    """History only: merges are made on the duplicates page, the API or the command line."""

    list_display = ["merged_name", "merged_pk", "kept", "merged_by", "created_at"]
    search_fields = ["merged_name", "kept__name"]
    list_select_related = ["kept", "merged_by"]
    readonly_fields = ["kept", "merged_pk", "merged_name", "merged_snapshot", "moved", "merged_by", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotDuplicate)
class NotDuplicateAdmin(admin.ModelAdmin):
    list_display = ["actor_low", "actor_high", "decided_by", "created_at"]
    search_fields = ["actor_low__name", "actor_high__name"]
    list_select_related = ["actor_low", "actor_high", "decided_by"]
    autocomplete_fields = ["actor_low", "actor_high", "decided_by"]
    readonly_fields = ["created_at"]
