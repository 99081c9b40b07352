"""The dashboard's figures for one country and date: every metric now and 6 and 12 months before, cached.

Cache entries per country and date, in Django's cache (Redis in production):
- the programme figures (metrics 1, 2, 4, 6, 8, 9), the same for every signed-in user;
- the figures that depend on what the user may see (3 and 5 over visible agreements, 7 over visible flags),
  per user scope: "all" for reviewers, else the set of actors the user belongs to;
- the rendered figures of the page (coordination/views/dashboard.py), per scope, language and 3W filter.
Every key carries the country's *run token*: the latest finished flag run that re-checked this country
(a full run, or an incremental one listing it). Every change to programmes, analyses or funding marks
its countries for a re-check, so the figures are never more than one run old, and a run that re-checked
other countries leaves this country's figures cached. The scoped keys also carry the latest flag event,
so triage shows at once. When a run finishes, `refresh_after_run` (called by the runner) computes the
programme figures and the reviewers' figures of the countries it re-checked, so visitors find them warm.
Only numbers are cached in the figures: labels are translated per request.
"""

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from actors.access import actor_ids, is_reviewer
from coordination.models import Flag, FlagEvent, FlagRun
from coordination.selectors import dashboard
from coordination.selectors.dashboard_funding import streams_by_year, visible_funding
from coordination.selectors.scope import Share, dashboard_countries, months_before
from funding.amounts import last_years

TREND_MONTHS = (12, 6, 0)  # months before the as-of date, oldest first
CACHE_SECONDS = 6 * 60 * 60
CACHE_VERSION = 2
REVIEWERS = "all"
FINISHED = (FlagRun.Status.SUCCEEDED, FlagRun.Status.PARTIAL)
LOOK_UP = object()  # "the caller has not fetched the latest run": fetch it
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunInfo:
    pk: int
    finished_at: object  # datetime
    as_of: date

    @property
    def token(self) -> str:
        """The run in cache keys: its id and finish time (unique even when two databases share one Redis)."""
        return f"{self.pk}.{int(self.finished_at.timestamp() * 1_000_000)}" if self.finished_at else str(self.pk)


@dataclass(frozen=True)
class ProgrammeFigures:
    as_of: date
    goals: dashboard.GoalContribution
    links: dashboard.CrossPillarLinks
    analyses: dashboard.AnalysisFreshness
    exit: Share
    freshness: Share


@dataclass(frozen=True)
class ScopedFigures:
    as_of: date
    localisation: dashboard.Localisation
    funding: dashboard.FundingMix


@dataclass(frozen=True)
class DashboardFigures:
    country: str
    as_of: date
    programmes: list[ProgrammeFigures]  # 12 and 6 months before, then the as-of date
    scoped: list[ScopedFigures]
    three_w: dashboard.ThreeW
    localisation_years: list[dashboard.Localisation]  # the last 3 calendar years
    stream_years: tuple[list[int], dict[str, list[float]]]
    flags: dashboard.OpenFlags
    run: RunInfo | None

    @property
    def now(self) -> ProgrammeFigures:
        return self.programmes[-1]

    @property
    def scoped_now(self) -> ScopedFigures:
        return self.scoped[-1]


def _run_info(runs) -> RunInfo | None:
    row = runs.order_by("-finished_at", "-pk").values_list("pk", "finished_at", "as_of").first()
    return RunInfo(*row) if row else None


def latest_run() -> RunInfo | None:
    """The latest flag run that finished writing (succeeded, or partly with rule errors)."""
    return _run_info(FlagRun.objects.filter(status__in=FINISHED))


def country_run(country_code: str, *, latest=LOOK_UP) -> RunInfo | None:
    """The latest finished run that re-checked this country (full, or listing it): the country's figures
    are as of that run. Before any run has covered the country, the latest run of all (`latest`, when the
    caller has it already), or None."""
    covering = Q(full=True) | Q(countries__icontains=f'"{country_code}"')  # a JSON list of ISO-2 codes
    run = _run_info(FlagRun.objects.filter(covering, status__in=FINISHED))
    if run is None:
        run = latest_run() if latest is LOOK_UP else latest
    return run


def user_scope(user) -> str:
    """What decides the funding and flag figures a user sees: everything, or their actors."""
    if is_reviewer(user):
        return REVIEWERS
    ids = ",".join(str(pk) for pk in sorted(actor_ids(user)))
    return "actors-" + hashlib.sha256(ids.encode()).hexdigest()[:20]


def last_flag_event() -> int:
    """The newest flag event's id: triage and runs add events, so scoped figures change with it."""
    return FlagEvent.objects.aggregate(last=Max("pk"))["last"] or 0


@dataclass(frozen=True)
class DashboardVersion:
    """What the cached figures of one country, date and user scope depend on (see the module docstring)."""

    country: str
    as_of: date
    run: RunInfo | None
    scope: str
    last_event: int

    @property
    def run_token(self) -> str:
        return self.run.token if self.run else "0"

    def key(self, part: str, *extra) -> str:
        scoped = () if part == "programmes" else (self.scope, self.last_event)
        fields = (CACHE_VERSION, part, self.country, self.as_of, self.run_token, *scoped, *extra)
        return "dashboard:" + ":".join(str(field) for field in fields)


def dashboard_version(*, user, country_code: str, as_of: date, latest=LOOK_UP):
    """Two small queries: the country's run and the latest flag event (and the user's actors, once)."""
    run = country_run(country_code, latest=latest)
    return DashboardVersion(country_code, as_of, run, user_scope(user), last_flag_event())


def dashboard_figures(
    *, user, country_code: str, as_of: date, version: DashboardVersion | None = None
) -> DashboardFigures:
    version = version or dashboard_version(user=user, country_code=country_code, as_of=as_of)
    shared = _cached(version.key("programmes"), lambda: _programme_part(country_code, as_of))
    scoped = _cached(version.key("scoped"), lambda: _scoped_part(user, country_code, as_of))
    return DashboardFigures(country=country_code, as_of=as_of, run=version.run, **shared, **scoped)


def dashboard_countries_cached(latest=LOOK_UP) -> list[tuple[str, str]]:
    """`scope.dashboard_countries()` (a scan of every programme location) cached per latest run (`latest`,
    when the caller has it already): a country gains its first programme through a change that marks it
    for a re-check."""
    run = latest_run() if latest is LOOK_UP else latest
    return _cached(f"dashboard:{CACHE_VERSION}:countries:{run.token if run else 0}", dashboard_countries)


def warm_programme_figures(*, country_codes, as_of: date) -> None:
    """Compute and cache the shared part for these countries now, so the first visitor does not wait."""
    for country_code in country_codes:
        version = DashboardVersion(country_code, as_of, country_run(country_code), REVIEWERS, 0)
        _cached(version.key("programmes"), lambda code=country_code: _programme_part(code, as_of))


def refresh_after_run(run: FlagRun) -> None:
    """Called when a flag run finishes (coordination/engine/runner.py `finish_run`): once the run's writes
    are committed, compute the figures of the countries it re-checked for today (the programme figures and
    the reviewers' scoped figures), so the dashboard is warm after every run. Only worth it with a shared
    cache (DASHBOARD_WARM_AFTER_RUN, on with Redis). Best effort: a failure is logged, never raised."""
    if run.status not in FINISHED or not getattr(settings, "DASHBOARD_WARM_AFTER_RUN", False):
        return
    countries = None if run.full else list(run.countries)
    transaction.on_commit(lambda: warm_after_run(run.pk, countries))


def warm_after_run(run_pk: int, countries: list[str] | None) -> list[str]:
    """Warm the given countries (None: every dashboard country) for today; returns the countries warmed."""
    started = time.perf_counter()
    codes: list[str] = []
    try:
        known = [code for code, _name in dashboard_countries_cached()]
        codes = known if countries is None else [code for code in countries if code in known]
        as_of, reviewer = timezone.localdate(), _reviewer_proxy()
        for code in codes:
            dashboard_figures(user=reviewer, country_code=code, as_of=as_of)
    except Exception:
        logger.exception("warming the dashboard after flag run #%s failed; visitors compute the figures", run_pk)
        return []
    seconds = time.perf_counter() - started
    logger.info("dashboard warmed after flag run #%s: %s in %.1f s", run_pk, ",".join(codes) or "nothing", seconds)
    return codes


def _reviewer_proxy():
    """An unsaved reviewer: the reviewers' scope ("all") without a real account."""
    from actors.models import User

    return User(username="dashboard-warm", is_reviewer=True, is_active=True)


def _cached(key: str, compute):
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def trend_dates(as_of: date) -> list[date]:
    return [months_before(as_of, months) for months in TREND_MONTHS]


def _programme_part(country_code: str, as_of: date) -> dict:
    programmes = [
        ProgrammeFigures(
            as_of=day,
            goals=dashboard.goal_contribution(country_code, day),
            links=dashboard.cross_pillar_links(country_code, day),
            analyses=dashboard.analysis_freshness(country_code, day),
            exit=dashboard.exit_readiness(country_code, day),
            freshness=dashboard.data_freshness(country_code, day),
        )
        for day in trend_dates(as_of)
    ]
    return {"programmes": programmes, "three_w": dashboard.who_does_what_where(country_code, as_of)}


def _scoped_part(user, country_code: str, as_of: date) -> dict:
    funding = visible_funding(country_code, user)
    scoped = [
        ScopedFigures(
            as_of=day,
            localisation=dashboard.localisation(funding, day.year),
            funding=dashboard.funding_mix(funding, day.year),
        )
        for day in trend_dates(as_of)
    ]
    years = last_years(as_of)
    flags = Flag.objects.restrict(user).filter(country__pcode=country_code)
    return {
        "scoped": scoped,
        "localisation_years": [dashboard.localisation(funding, year) for year in years],
        "stream_years": (years, streams_by_year(funding, years)),
        "flags": dashboard.open_flags(flags, as_of),
    }
