"""A run that dies halfway (its worker killed) is failed by the next run, which converges on the same flags."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from coordination.engine import runner
from coordination.models import Flag, FlagRun
from tests import factories

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 6, 15)


def flags() -> set:
    return set(Flag.objects.values_list("rule", "subject_key", "status", "severity", "evidence_hash"))


@pytest.fixture
def two_countries_with_gaps():
    areas = factories.area_tree()
    areas["KE01"] = factories.area("KE01", name="Nairobi", parent=areas["KE"])
    for place in ("SS0101", "KE01"):
        factories.programme(pillars="H", locations=[areas[place]], start=AS_OF - timedelta(days=800))
        factories.programme(pillars="D", locations=[areas[place]], start=AS_OF - timedelta(days=800))


def test_the_run_after_a_killed_one_gives_the_flags_of_a_clean_run(two_countries_with_gaps):
    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, as_of=AS_OF))
    clean = flags()
    Flag.objects.all().delete()

    dying = runner.start_run(trigger=FlagRun.Trigger.SCHEDULE, full=True, as_of=AS_OF)
    runner.record(dying, runner.evaluate_country(dying, "KE"))  # one country written, then the worker is killed
    FlagRun.objects.filter(pk=dying.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert flags() != clean

    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, as_of=AS_OF))

    dying.refresh_from_db()
    assert dying.status == FlagRun.Status.FAILED
    assert flags() == clean
