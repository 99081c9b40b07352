"""Flag runs: take the lock, evaluate rules per partition, record everything on the FlagRun row.

A rule that raises is logged on the run and skipped for that partition; its old flags are kept
(not resolved), and the other rules still run. A run whose worker died is noticed by its stale
heartbeat and marked failed, which frees the lock for the next run.

An incremental run may cover a country only in part (`FlagRun.regions`: the areas its dirty marks
name): the rules whose flags belong to areas, regions or programmes then evaluate those parts only
and write within them (`WriteScope`; see scope.py), and the rules that depend on the whole country
evaluate it whole.
"""

import gc
import logging
import time
import traceback
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from coordination.engine import scope as scopes
from coordination.engine.facts import CountryFacts
from coordination.engine.registry import COUNTRY, GLOBAL, GlobalFacts, all_rules
from coordination.engine.writer import Lookups, write_partition
from coordination.models import DirtyCountry, Flag, FlagRun
from coordination.selectors.dashboard_summary import refresh_after_run
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
    regions: dict[str, Iterable[str]] | None = None,
    rules: Iterable[str] = (),
    as_of: date | None = None,
    user=None,
) -> FlagRun:
    """Create the run row that holds the lock, or record a skipped run and raise RunBusy.

    `regions` names, for countries to re-check only in part, the areas where programmes changed (country →
    p-codes); the other `countries` are re-checked whole.
    """
    fail_stale_runs()
    regions = {code: sorted(set(areas)) for code, areas in (regions or {}).items() if code and areas}
    fields = {
        "trigger": trigger,
        "full": full,
        "countries": [] if full else sorted(set(countries) | set(regions)),
        "regions": {} if full else regions,
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


def country_sizes() -> dict[str, int]:
    """Programme locations per country: how much work each country's piece of a run is, roughly."""
    from django.db.models import Count

    rows = ProgrammeLocation.objects.order_by().values("area__country_code").annotate(n=Count("pk"))
    return {row["area__country_code"]: row["n"] for row in rows}


def _selected_rules(run: FlagRun, partition: str):
    rules = all_rules()
    return [rules[code] for code in (run.rules or sorted(rules)) if rules[code].partition == partition]


def evaluate_country(run: FlagRun, country_code: str) -> Progress:
    progress = Progress()
    rules = _selected_rules(run, COUNTRY)
    if rules:
        changed = None if run.full else (run.regions or {}).get(country_code)
        facts = CountryFacts(country_code, run.as_of, changed)
        lookups = Lookups()
        # The facts live until the country is done: keep the cyclic collector from re-scanning them.
        gc.freeze()
        try:
            for rule in rules:
                _evaluate(progress, rule, country_code, facts, lookups)
        finally:
            gc.unfreeze()
    return progress


def evaluate_global(run: FlagRun) -> Progress:
    progress = Progress()
    facts = GlobalFacts(as_of=run.as_of)
    lookups = Lookups()
    for rule in _selected_rules(run, GLOBAL):
        _evaluate(progress, rule, "", facts, lookups)
    return progress


def _evaluate(progress: Progress, rule, partition: str, facts, lookups: Lookups) -> None:
    started = time.perf_counter()
    try:
        if isinstance(facts, CountryFacts) and not facts.whole and rule.scope != scopes.COUNTRY:
            candidates, scope = _evaluate_in_part(rule, facts)
        else:
            candidates, scope = list(rule.evaluate(facts, rule.params())), None
        written = write_partition(rule.code, partition, candidates, scope, lookups).as_dict()
    except Exception:  # a broken rule must not stop the others; its old flags stay as they were
        where = partition or "all countries"
        progress.log.append(f"[{rule.code} / {where}] failed; its existing flags are kept.\n{traceback.format_exc()}")
        logger.exception("rule %s failed in %s", rule.code, where)
        written = {"errors": 1}
    progress.add(rule.code, {**written, "seconds": time.perf_counter() - started})


def _evaluate_in_part(rule, facts: CountryFacts) -> tuple[list, scopes.WriteScope]:
    """A rule over part of a country: the candidates that belong there, and where to write them."""
    params = rule.params()
    if rule.scope in (scopes.AREA, scopes.REGION):
        areas = facts.pair_area_ids if rule.scope == scopes.AREA else facts.bucket_area_ids
        candidates = rule.evaluate(facts, params)
        return [c for c in candidates if c.area_id in areas], scopes.WriteScope(area_ids=areas)
    areas = facts.programme_area_ids
    programmes = facts.working_in(areas)
    rule_facts = facts
    if rule.widen is not None:
        extra = set(rule.widen(facts, params, programmes)) - facts.buckets
        if extra:
            rule_facts = facts.widened(extra)
    candidates = rule.evaluate(rule_facts, params)
    kept = [c for c in candidates if c.subject is not None and c.subject.pk in programmes]
    return kept, scopes.WriteScope(area_ids=areas, programme_ids=programmes)


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
    refresh_after_run(run)  # warms the dashboard of the re-checked countries (coordination/selectors)
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
        regions = run.regions or {}
        covered = Q(country_code__in=[*(code for code in run.countries if code not in regions), ""])
        for code, areas in regions.items():
            covered |= Q(country_code=code, region__in=areas)
        marks = marks.filter(covered)
    marks.delete()


def dirty_countries() -> list[str]:
    """Countries with a mark, whole or in part ("" for the global rules)."""
    return sorted(set(DirtyCountry.objects.values_list("country_code", flat=True)))


def dirty_scope() -> tuple[list[str], dict[str, list[str]]]:
    """What the marks ask to re-check: the countries (without the global mark), and for those marked only
    in part, the areas where programmes changed."""
    whole, parts = set(), defaultdict(set)
    for code, region in DirtyCountry.objects.values_list("country_code", "region"):
        if code and region:
            parts[code].add(region)
        elif code:
            whole.add(code)
    regions = {code: sorted(areas) for code, areas in parts.items() if code not in whole}
    return sorted(whole | set(regions)), regions
