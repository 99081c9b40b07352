"""Reference data admin: public, loaded from the official files, so staff read it and superusers change it."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reference.choices import AreaLevel
from reference.models import Area, CodeListItem, Sector


class CountryFilter(admin.SimpleListFilter):
    """The ~250 countries as a filter; a plain filter on an area field would list all 33,000 areas.

    Subclasses say how a model reaches its country by overriding `filter_country`.
    """

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        return list(Area.objects.countries().values_list("country_code", "name"))

    def queryset(self, request, queryset):
        return self.filter_country(queryset, self.value()) if self.value() else queryset

    def filter_country(self, queryset, iso2: str):
        return queryset.filter(country_code=iso2)


class ReferenceDataAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        # Anyone may read reference data; every staff user needs it for the autocomplete widgets.
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class AreaForm(forms.ModelForm):
    """Level, path and country follow from the parent, so the materialised path cannot disagree with it."""

    class Meta:
        model = Area
        fields = ["pcode", "name", "parent", "valid_from"]

    def clean(self):
        cleaned = super().clean()
        parent, pcode = cleaned.get("parent", self.instance.parent), cleaned.get("pcode", self.instance.pcode)
        if parent is not None and parent.level >= AreaLevel.ADMIN2:
            self.add_error("parent", _("Areas go down to admin level 2; choose a level 0 or 1 parent."))
        elif pcode:
            self.instance.level = parent.level + 1 if parent else AreaLevel.COUNTRY
            self.instance.path = f"{parent.path if parent else '/'}{pcode}/"
            self.instance.country_code = parent.country_code if parent else pcode[:2].upper()
        return cleaned


@admin.register(Area)
class AreaAdmin(ReferenceDataAdmin):
    form = AreaForm
    list_display = ["pcode", "name", "level", "parent", "country_code", "valid_from"]
    list_filter = ["level", CountryFilter]
    search_fields = ["^pcode", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["level", "path", "country_code"]
    show_full_result_count = False  # 33,000 rows: skip the second COUNT(*) on filtered lists

    def get_readonly_fields(self, request, obj=None):
        # Moving or renaming an existing area would break the paths of every area below it.
        if obj is not None:
            return ["pcode", "parent", *self.readonly_fields]
        return self.readonly_fields


@admin.register(Sector)
class SectorAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "vocabulary", "category", "family"]
    list_filter = ["vocabulary"]
    search_fields = ["^code", "name", "family"]


@admin.register(CodeListItem)
class CodeListItemAdmin(ReferenceDataAdmin):
    list_display = ["codelist", "code", "name", "withdrawn"]
    list_filter = ["codelist", "withdrawn"]
    search_fields = ["^code", "name"]
