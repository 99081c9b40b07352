from django.apps import AppConfig


class NexusPortalConfig(AppConfig):
    name = "nexus_portal"
    verbose_name = "Nexus portal"
