"""Background work of the programmes app: import jobs. Tasks take ids; programmes/interop/jobs.py does the work."""

import logging

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.interop import jobs
from programmes.models_imports import ImportStatus

logger = logging.getLogger(__name__)

RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(**RELIABLE)
def run_import(job_id: int) -> str | None:
    """Run one import job. Delivered twice (a worker died), the second run continues only if the first is gone."""
    job = jobs.run_import_job(job_id)
    return job.status if job is not None else None


@shared_task(**RELIABLE)
def resume_stalled_imports() -> int:
    """Start jobs that were never enqueued (broker down at upload) or whose worker died; returns how many."""
    count = 0
    for job in jobs.stalled_jobs():
        jobs.enqueue(job.pk)
        count += 1
    # A command-line import lives in its process: if that stopped, say so instead of showing "running" forever.
    abandoned = jobs.stalled_jobs_of_commands()
    abandoned.update(
        status=ImportStatus.FAILED,
        finished_at=timezone.now(),
        message=_("The command that ran this import stopped before it finished. Run it again."),
    )
    return count
