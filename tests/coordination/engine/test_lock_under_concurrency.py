"""Two runs started at the same instant from two connections: the database lets exactly one write."""

import threading

import pytest
from django.db import connection

from coordination.engine import runner
from coordination.models import FlagRun

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_runs_started_at_once_cannot_both_take_the_lock():
    barrier = threading.Barrier(2)
    outcomes = []

    def start():
        try:
            barrier.wait()
            outcomes.append(("started", runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True).pk))
        except runner.RunBusy:
            outcomes.append(("busy", None))
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(kind for kind, _ in outcomes) == ["busy", "started"]
    assert FlagRun.objects.filter(status=FlagRun.Status.RUNNING).count() == 1
    assert FlagRun.objects.filter(status=FlagRun.Status.SKIPPED).count() == 1
