"""A real Celery worker on Redis runs the engine against the test database (PostgreSQL)."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from coordination.models import DirtyCountry, Flag, FlagRun
from coordination.tasks import recheck_dirty_countries
from nexus_portal.celery import app
from programmes.models import Programme
from tests import factories
from tests.celery_helpers import broker_unreachable

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
QUEUE = f"test-worker-{os.getpid()}"  # one queue per test process, so parallel test runs never share tasks


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path, django_db_blocker, settings):
    settings.FLAG_RECHECK_DELAY_SECONDS = 0
    app.conf.task_default_queue = QUEUE
    log = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_QUEUE": QUEUE, "REDIS_URL": settings.REDIS_URL}
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


def wait_for(condition, *, what: str, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-3000:]}")


def stale_programme_in_south_sudan() -> Programme:
    areas = factories.area_tree()
    programme = factories.programme(locations=[areas["SS0101"]], start=timezone.localdate() - timedelta(days=600))
    Programme.objects.filter(pk=programme.pk).update(updated_at=timezone.now() - timedelta(days=400))
    return programme


def test_saving_a_programme_enqueues_a_recheck_that_the_worker_runs(worker):
    # The save enqueues a re-check on commit; that one may run before the age is backdated by update()
    # (which sends no signal), so mark the country and enqueue once more, as any later save would.
    programme = stale_programme_in_south_sudan()
    DirtyCountry.objects.update_or_create(country_code="SS")
    recheck_dirty_countries.delay()

    wait_for(lambda: Flag.objects.filter(rule="stale-record").exists(), what="the stale-record flag", log=worker)
    run = FlagRun.objects.filter(status=FlagRun.Status.SUCCEEDED, trigger=FlagRun.Trigger.INCREMENTAL).latest("pk")
    assert "SS" in run.countries
    assert Flag.objects.get(rule="stale-record").subject == programme


def test_a_change_made_while_redis_is_down_is_picked_up_by_the_next_run(worker):
    with broker_unreachable():
        programme = stale_programme_in_south_sudan()  # enqueueing its re-check fails; the save must not
    assert programme.pk is not None  # the write succeeded
    assert DirtyCountry.objects.filter(country_code="SS").exists()  # and its mark waits in the database

    recheck_dirty_countries.delay()  # the next run, once Redis is back

    wait_for(lambda: Flag.objects.filter(rule="stale-record").exists(), what="the stale-record flag", log=worker)
    wait_for(lambda: not DirtyCountry.objects.filter(country_code="SS").exists(), what="the mark to go", log=worker)
