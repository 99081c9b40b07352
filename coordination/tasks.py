"""Celery tasks of the rule engine. Tasks take ids and call the engine; the engine does the work.

A full run fans out one task per country (a chord), so more workers shorten it; the chord's
callback evaluates the global rules and closes the run. Without a broker (embedded default) the
same steps run in-process, one after another.
"""

import logging
from datetime import date

from celery import chord, shared_task
from django.conf import settings

from coordination.engine import runner
from coordination.models import FlagRun

logger = logging.getLogger(__name__)

RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}


def run_recheck(as_of: date | None = None) -> int | None:
    """Incremental run over what is marked dirty (whole countries, or some regions of them) and the global
    rules; None if nothing is marked."""
    if not runner.dirty_countries():
        return None
    countries, regions = runner.dirty_scope()
    run = runner.start_run(trigger=FlagRun.Trigger.INCREMENTAL, countries=countries, regions=regions, as_of=as_of)
    return runner.execute_run(run).pk


@shared_task(**RELIABLE, autoretry_for=(runner.RunBusy,), retry_backoff=10, retry_backoff_max=300, max_retries=6)
def recheck_dirty_countries() -> int | None:
    return run_recheck()


@shared_task(**RELIABLE)
def nightly_full_run() -> int | None:
    try:
        run = runner.start_run(trigger=FlagRun.Trigger.SCHEDULE, full=True)
    except runner.RunBusy as busy:
        logger.info("nightly flag run skipped: %s", busy)
        return None
    dispatch_run(run)
    return run.pk


def dispatch_run(run: FlagRun) -> None:
    """Run in-process without a broker; with one, fan out a task per country and finish in a callback."""
    countries = runner.countries_to_check(run)
    if settings.CELERY_TASK_ALWAYS_EAGER or not countries:
        runner.execute_run(run)
        return
    # Largest countries first: with few workers the run then ends soon after its largest country does.
    sizes = runner.country_sizes()
    countries.sort(key=lambda code: (-sizes.get(code, 0), code))
    chord(evaluate_country.si(run.pk, code) for code in countries)(finish_run.si(run.pk))


@shared_task(**RELIABLE)
def evaluate_country(run_id: int, country_code: str) -> None:
    run = FlagRun.objects.get(pk=run_id)
    if run.status != FlagRun.Status.RUNNING:  # given up as stale; its successor redoes this country
        return
    runner.record(run, runner.evaluate_country(run, country_code))


@shared_task(**RELIABLE)
def finish_run(run_id: int) -> None:
    run = FlagRun.objects.get(pk=run_id)
    if run.status != FlagRun.Status.RUNNING:
        return
    runner.record(run, runner.evaluate_global(run))
    runner.finish_run(run)
