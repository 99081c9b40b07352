"""The trail in the admin: read-only for administrators (no add, change or delete, no bulk actions)."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from nexus_portal.audit.models import AuditEntry
from nexus_portal.audit.presenters import lines_of
from nexus_portal.querysets import VIEW


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "content_type", "object_repr", "user_repr", "interface"]
    list_filter = ["interface", "action", "content_type"]
    search_fields = ["object_repr", "user_repr", "request_id"]
    date_hierarchy = "at"
    list_select_related = ["content_type"]
    fields = [
        "at",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "record_type",
        "record_id",
        "changes_table",
        "user",
        "user_repr",
        "interface",
        "request_id",
        "ip",
    ]
    readonly_fields = fields
    actions = None

    def get_queryset(self, request):
        return AuditEntry.objects.restrict(request.user, VIEW)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("changes"))
    def changes_table(self, entry):
        rows = []
        for line in lines_of(entry, hidden=set()):
            if line.content_only:
                rows.append((line.label, _("changed (the content is not kept in the history)"), ""))
            elif line.added or line.removed:
                rows.append((line.label, ", ".join(line.removed) or "—", ", ".join(line.added) or "—"))
            else:
                rows.append((line.label, line.old, line.new))
        if not rows:
            return "—"
        body = format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows)
        return format_html("<table>{}</table>", body)
