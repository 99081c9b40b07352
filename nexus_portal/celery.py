import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus_portal.settings")

app = Celery("nexus_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _start_heartbeat(sender=None, **kwargs):
    """Each worker writes a heartbeat to Redis for /health/ (nexus_portal/worker_heartbeat.py)."""
    from nexus_portal.worker_heartbeat import on_worker_ready

    on_worker_ready(sender=sender, **kwargs)
