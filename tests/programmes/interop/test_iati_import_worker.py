"""A real Celery worker on Redis runs an uploaded import job to the end (PostgreSQL, as in production)."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from nexus_portal.celery import app
from programmes.interop.jobs import import_job_create
from programmes.models import Programme
from programmes.models_imports import ImportChannel, ImportJob, ImportKind, ImportStatus
from programmes.tasks import resume_stalled_imports
from tests import factories
from tests.celery_helpers import broker_unreachable
from tests.programmes.interop.iati_files import activities_file, activity_xml

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
QUEUE = f"test-import-worker-{os.getpid()}"  # one queue per test process: parallel runs never share tasks


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path, settings):
    # The worker must find the uploaded files: both sides use the same var/ directory.
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the real worker runs the tasks
    app.conf.task_default_queue = QUEUE
    log = tmp_path / "worker.log"
    env = {
        **os.environ, "DATABASE_URL": database_url(), "CELERY_QUEUE": QUEUE, "REDIS_URL": settings.REDIS_URL,
        "NEXUS_VAR_DIR": str(tmp_path),
    }  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "nexus_portal", "worker", "--pool", "solo", "-Q", QUEUE, "-l", "info"],
        cwd=Path(settings.BASE_DIR), env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(lambda: "ready" in log.read_text(), what="the worker to start", log=log)
        yield log
    finally:
        process.terminate()
        process.wait(timeout=20)
        app.conf.task_default_queue = "celery"


def wait_for(condition, *, what: str, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-3000:]}")


def upload(user, count: int) -> ImportJob:
    content = activities_file(*[activity_xml(f"XM-W-{n}") for n in range(count)])
    return import_job_create(
        user=user,
        kind=ImportKind.IATI,
        uploaded_file=SimpleUploadedFile("worker.xml", content.encode()),
        channel=ImportChannel.API,
    )


def finished(job: ImportJob) -> bool:
    return ImportJob.objects.get(pk=job.pk).status in (ImportStatus.DONE, ImportStatus.FAILED)


def test_the_worker_processes_an_uploaded_job_to_done(worker):
    factories.area_tree()
    factories.sector("14030")
    reviewer = factories.user(reviewer=True)

    job = upload(reviewer, 60)  # enqueued on commit, picked up by the worker

    wait_for(lambda: finished(job), what="the import job to finish", log=worker)
    job.refresh_from_db()
    assert (job.status, job.total, job.processed, job.created_count, job.error_count) == ("done", 60, 60, 60, 0)
    assert job.started_at <= job.finished_at
    assert Programme.objects.filter(iati_identifier__startswith="XM-W-").count() == 60


def test_a_job_uploaded_while_redis_is_down_is_started_by_the_sweep(worker):
    factories.area_tree()
    factories.sector("14030")
    reviewer = factories.user(reviewer=True)
    with broker_unreachable():
        job = upload(reviewer, 3)  # the upload succeeds; enqueueing does not
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.QUEUED

    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1))
    resume_stalled_imports.delay()  # as celery beat does every five minutes

    wait_for(lambda: finished(job), what="the swept job to finish", log=worker)
    assert ImportJob.objects.get(pk=job.pk).created_count == 3
