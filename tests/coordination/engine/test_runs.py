"""Flag runs: the lock, the run record, rule failures, stale runs."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from coordination.choices import FlagStatus
from coordination.engine import runner
from coordination.models import DirtyCountry, Flag, FlagRun
from programmes.models import Programme
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale_programme():
    areas = factories.area_tree()
    programme = factories.programme(locations=[areas["SS0101"]], start=date.today() - timedelta(days=500))
    Programme.objects.filter(pk=programme.pk).update(updated_at=timezone.now() - timedelta(days=400))
    return programme


def run_full(**kwargs):
    return runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, **kwargs))


def test_a_run_is_recorded_with_its_counts(stale_programme):
    run = run_full(rules=["stale-record"])

    assert run.status == FlagRun.Status.SUCCEEDED
    assert run.counts["stale-record"]["created"] == 1
    assert run.finished_at is not None and run.duration_ms is not None
    assert Flag.objects.get().subject == stale_programme


def test_a_second_run_cannot_start_while_one_is_writing():
    first = runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True)

    with pytest.raises(runner.RunBusy, match=f"run #{first.pk}"):
        runner.start_run(trigger=FlagRun.Trigger.MANUAL, full=True)

    skipped = FlagRun.objects.get(status=FlagRun.Status.SKIPPED)
    assert skipped.trigger == FlagRun.Trigger.MANUAL
    assert f"#{first.pk}" in skipped.log


def test_a_run_whose_worker_died_is_failed_and_frees_the_lock():
    dead = runner.start_run(trigger=FlagRun.Trigger.SCHEDULE, full=True)
    FlagRun.objects.filter(pk=dead.pk).update(heartbeat_at=timezone.now() - timedelta(hours=2))

    fresh = runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True)

    dead.refresh_from_db()
    assert dead.status == FlagRun.Status.FAILED
    assert "No sign of life" in dead.error
    assert fresh.status == FlagRun.Status.RUNNING


def test_a_rule_that_raises_is_logged_and_keeps_its_old_flags(stale_programme, broken_rule):
    Flag.objects.create(rule=broken_rule, subject_key="SS:old", partition="SS", severity="low", message="old")

    run = run_full(rules=[broken_rule, "stale-record"])

    assert run.status == FlagRun.Status.PARTIAL
    assert "this rule is broken" in run.log
    assert run.counts[broken_rule]["errors"] == 1
    assert Flag.objects.get(rule=broken_rule).status == FlagStatus.OPEN  # kept, not resolved
    assert Flag.objects.get(rule="stale-record").subject == stale_programme  # the others still ran


def test_a_run_sweeps_the_dirty_marks_it_covered(stale_programme):
    earlier = timezone.now() - timedelta(minutes=1)
    for code in ("SS", "KE"):
        DirtyCountry.objects.update_or_create(country_code=code, defaults={"marked_at": earlier})

    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.INCREMENTAL, countries=["SS"]))

    assert list(DirtyCountry.objects.values_list("country_code", flat=True)) == ["KE"]


def test_a_mark_made_during_a_run_survives_it():
    run = runner.start_run(trigger=FlagRun.Trigger.INCREMENTAL, countries=["SS"])
    DirtyCountry.objects.create(country_code="SS", marked_at=timezone.now() + timedelta(seconds=1))

    runner.execute_run(run)

    assert DirtyCountry.objects.filter(country_code="SS").exists()
