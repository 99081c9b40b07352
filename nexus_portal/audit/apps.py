from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "nexus_portal.audit"
    label = "audit"
    verbose_name = _("Audit trail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from nexus_portal.audit import hooks, registry

        registry.connect()
        hooks.connect_tasks()
        hooks.wrap_commands()
