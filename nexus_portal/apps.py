from django.apps import AppConfig


class NexusPortalConfig(AppConfig):
    name = "nexus_portal"
    verbose_name = "Nexus portal"

    def ready(self) -> None:
        from nexus_portal.api import schema  # noqa: F401  (registers the token scheme with drf-spectacular)
