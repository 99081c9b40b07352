"""Flag runs: take the lock, evaluate rules per partition, record everything on the FlagRun row.

A rule that raises is logged on the run and skipped for that partition; its old flags are kept
(not resolved), and the other rules still run. A run whose worker died is noticed by its stale
heartbeat and marked failed, which frees the lock for the next run.
"""

import gc
import logging
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from coordination.engine.facts import CountryFacts
from coordination.engine.registry import COUNTRY, GLOBAL, GlobalFacts, all_rules
from coordination.engine.writer import write_partition
from coordination.models import DirtyCountry, Flag, FlagRun
from programmes.models import ProgrammeLocation

logger = logging.getLogger(__name__)


class RunBusy(Exception):
    """Another run holds the lock."""


@dataclass
class Progress:
    """Counts and log lines of one piece of a run, merged into the FlagRun row when it is done."""

    counts: dict = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def add(self, rule: str, numbers: dict) -> None:
        merge_counts(self.counts, {rule: numbers})


def merge_counts(into: dict, counts: dict) -> None:
    """Add per-rule counts (created, updated, …, seconds) into a per-rule total."""
    for rule, numbers in counts.items():
        totals = into.setdefault(rule, {})
        for name, value in numbers.items():
            totals[name] = round(totals.get(name, 0) + value, 3)


def stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "FLAG_RUN_STALE_SECONDS", 900))


def fail_stale_runs() -> int:
    """Mark runs with no sign of life for too long as failed; their worker is gone."""
    cutoff = timezone.now() - stale_after()
    return FlagRun.objects.filter(status=FlagRun.Status.RUNNING, heartbeat_at__lt=cutoff).update(
        status=FlagRun.Status.FAILED,
        finished_at=timezone.now(),
        error="No sign of life from the worker; it probably stopped mid-run. The next run redoes the work.",
    )


def start_run(
    *,
    trigger: str,
    full: bool = False,
    countries: Iterable[str] = (),
    rules: Iterable[str] = (),
    as_of: date | None = None,
    user=None,
) -> FlagRun:
    """Create the run row that holds the lock, or record a skipped run and raise RunBusy."""
    fail_stale_runs()
    fields = {
        "trigger": trigger,
        "full": full,
        "countries": [] if full else sorted(set(countries)),
        "rules": sorted(set(rules)),
        "as_of": as_of or timezone.localdate(),
        "requested_by": user,
    }
    try:
        with transaction.atomic():
            return FlagRun.objects.create(status=FlagRun.Status.RUNNING, **fields)
    except IntegrityError:
        holder = FlagRun.objects.filter(status=FlagRun.Status.RUNNING).first()
        note = f"Skipped: run #{holder.pk if holder else '?'} was writing flags."
        FlagRun.objects.create(status=FlagRun.Status.SKIPPED, lock=None, finished_at=timezone.now(), log=note, **fields)
        raise RunBusy(note) from None


def countries_to_check(run: FlagRun) -> list[str]:
    """The run's countries; for a full run every country with programmes or flags."""
    if not run.full:
        return list(run.countries)
    from funding.models import FundingAgreement

    with_programmes = ProgrammeLocation.objects.order_by().values_list("area__country_code", flat=True).distinct()
    with_funding = (
        FundingAgreement.countries.through.objects.order_by().values_list("area__country_code", flat=True).distinct()
    )
    with_flags = Flag.objects.exclude(partition="").order_by().values_list("partition", flat=True).distinct()
    return sorted(set(with_programmes) | set(with_funding) | set(with_flags))


def _selected_rules(run: FlagRun, partition: str):
    rules = all_rules()
    return [rules[code] for code in (run.rules or sorted(rules)) if rules[code].partition == partition]


def evaluate_country(run: FlagRun, country_code: str) -> Progress:
    progress = Progress()
    rules = _selected_rules(run, COUNTRY)
    if rules:
        facts = CountryFacts(country_code, run.as_of)
        # The facts live until the country is done: keep the cyclic collector from re-scanning them.
        gc.freeze()
        try:
            for rule in rules:
                _evaluate(progress, rule, country_code, facts)
        finally:
            gc.unfreeze()
    return progress


def evaluate_global(run: FlagRun) -> Progress:
    progress = Progress()
    facts = GlobalFacts(as_of=run.as_of)
    for rule in _selected_rules(run, GLOBAL):
        _evaluate(progress, rule, "", facts)
    return progress


def _evaluate(progress: Progress, rule, partition: str, facts) -> None:
    started = time.perf_counter()
    try:
        candidates = list(rule.evaluate(facts, rule.params()))
        written = write_partition(rule.code, partition, candidates).as_dict()
    except Exception:  # a broken rule must not stop the others; its old flags stay as they were
        where = partition or "all countries"
        progress.log.append(f"[{rule.code} / {where}] failed; its existing flags are kept.\n{traceback.format_exc()}")
        logger.exception("rule %s failed in %s", rule.code, where)
        written = {"errors": 1}
    progress.add(rule.code, {**written, "seconds": time.perf_counter() - started})


def record(run: FlagRun, progress: Progress) -> None:
    """Merge a piece's counts into the run row; a row lock keeps parallel country tasks from losing updates."""
    with transaction.atomic():
        locked = FlagRun.objects.select_for_update().get(pk=run.pk)
        merge_counts(locked.counts, progress.counts)
        locked.log += "".join(line + "\n" for line in progress.log)
        locked.heartbeat_at = timezone.now()
        locked.save(update_fields=["counts", "log", "heartbeat_at"])
    run.counts, run.log, run.heartbeat_at = locked.counts, locked.log, locked.heartbeat_at


def finish_run(run: FlagRun, *, error: str = "") -> FlagRun:
    run.refresh_from_db(fields=["counts", "log"])
    run.finished_at = timezone.now()
    run.duration_ms = int((run.finished_at - run.started_at).total_seconds() * 1000)
    rule_errors = sum(counts.get("errors", 0) for counts in run.counts.values())
    if error:
        run.status, run.error = FlagRun.Status.FAILED, error
    else:
        run.status = FlagRun.Status.PARTIAL if rule_errors else FlagRun.Status.SUCCEEDED
        clear_dirty_marks(run)
    run.save(update_fields=["finished_at", "duration_ms", "status", "error"])
    return run


def execute_run(run: FlagRun) -> FlagRun:
    """Evaluate the run's countries, then the global rules, in this process."""
    try:
        for country_code in countries_to_check(run):
            record(run, evaluate_country(run, country_code))
        record(run, evaluate_global(run))
    except Exception:
        finish_run(run, error=traceback.format_exc())
        raise
    return finish_run(run)


def clear_dirty_marks(run: FlagRun) -> None:
    """Drop the marks this run covered; a change made during the run keeps its (newer) mark."""
    if run.rules:  # only some rules ran: the others still owe these countries a re-check
        return
    marks = DirtyCountry.objects.filter(marked_at__lte=run.started_at)
    if not run.full:  # global rules run every time, so the global mark ("") always goes
        marks = marks.filter(country_code__in=[*run.countries, ""])
    marks.delete()


def dirty_countries() -> list[str]:
    return sorted(DirtyCountry.objects.values_list("country_code", flat=True))
