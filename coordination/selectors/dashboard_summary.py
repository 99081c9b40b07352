"""The dashboard's figures for one country and date: every metric now and 6 and 12 months before, cached.

Two cache entries per country and date, in Django's cache (Redis in production):
- the programme figures (metrics 1, 2, 4, 6, 8, 9), the same for every signed-in user;
- the figures that depend on what the user may see (3 and 5 over visible agreements, 7 over visible flags),
  per user scope: "all" for reviewers, else the set of actors the user belongs to.
Both keys carry the id of the latest finished flag run, so figures refresh after each run (every change
to programmes, analyses or funding triggers one); the scoped key also carries the latest flag event, so
triage shows at once. Only numbers are cached: labels are translated per request.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Max

from actors.access import actor_ids, is_reviewer
from coordination.models import Flag, FlagEvent, FlagRun
from coordination.selectors import dashboard
from coordination.selectors.dashboard_funding import streams_by_year, visible_funding
from coordination.selectors.scope import Share, months_before
from funding.amounts import last_years

TREND_MONTHS = (12, 6, 0)  # months before the as-of date, oldest first
CACHE_SECONDS = 6 * 60 * 60
CACHE_VERSION = 1


@dataclass(frozen=True)
class RunInfo:
    pk: int
    finished_at: object  # datetime
    as_of: date


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


def latest_run() -> RunInfo | None:
    """The latest flag run that finished writing (succeeded, or partly with rule errors)."""
    row = (
        FlagRun.objects.filter(status__in=[FlagRun.Status.SUCCEEDED, FlagRun.Status.PARTIAL])
        .order_by("-finished_at", "-pk")
        .values_list("pk", "finished_at", "as_of")
        .first()
    )
    return RunInfo(*row) if row else None


def user_scope(user) -> str:
    """What decides the funding and flag figures a user sees: everything, or their actors."""
    if is_reviewer(user):
        return "all"
    ids = ",".join(str(pk) for pk in sorted(actor_ids(user)))
    return "actors-" + hashlib.sha256(ids.encode()).hexdigest()[:20]


def dashboard_figures(*, user, country_code: str, as_of: date) -> DashboardFigures:
    run = latest_run()
    run_id = run.pk if run else 0
    shared = _cached_programme_part(country_code, as_of, run_id)
    last_event = FlagEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    scoped_key = f"dashboard:{CACHE_VERSION}:scoped:{country_code}:{as_of}:{user_scope(user)}:{run_id}:{last_event}"
    scoped = cache.get(scoped_key)
    if scoped is None:
        scoped = _scoped_part(user, country_code, as_of)
        cache.set(scoped_key, scoped, CACHE_SECONDS)
    return DashboardFigures(country=country_code, as_of=as_of, run=run, **shared, **scoped)


def warm_programme_figures(*, country_codes, as_of: date) -> None:
    """Compute and cache the shared part for these countries now (after a flag run, for instance), so
    the first person to open the dashboard does not wait for it."""
    run = latest_run()
    for country_code in country_codes:
        _cached_programme_part(country_code, as_of, run.pk if run else 0)


def _cached_programme_part(country_code: str, as_of: date, run_id: int) -> dict:
    key = f"dashboard:{CACHE_VERSION}:programmes:{country_code}:{as_of}:{run_id}"
    shared = cache.get(key)
    if shared is None:
        shared = _programme_part(country_code, as_of)
        cache.set(key, shared, CACHE_SECONDS)
    return shared


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
