"""The definitions of docs/domain.md ("Definitions used by the rules"), written plainly for the demo tests.

Deliberately independent of the rule engine: the tests check that the demo's records meet the catalogue's
conditions as the domain text states them, whatever the engine later does.
"""

from datetime import date, timedelta
from decimal import Decimal

from analyses.choices import AnalysisKind, AnalysisStatus
from analyses.models import Analysis, ContextEvent, add_months
from coordination.models import Contribution
from funding.models import FundingAgreement
from programmes.choices import ActivityStatus, LinkStatus, OrganisationRole
from programmes.models import Programme, ProgrammeLink
from reference.models import Area

FAR_FUTURE = date(9999, 12, 31)


def programme(title: str) -> Programme:
    return Programme.objects.get(title=title)


def is_active(p: Programme, as_of: date) -> bool:
    if p.status == ActivityStatus.IMPLEMENTATION:
        return p.start_date is not None and p.start_date <= as_of and (p.end_date is None or p.end_date >= as_of)
    if p.status == ActivityStatus.PIPELINE:
        return p.start_date is not None and as_of <= p.start_date <= as_of + timedelta(days=90)
    return False


def running_months(p: Programme, as_of: date) -> int:
    """Whole months from the start to the as-of date."""
    months = (as_of.year - p.start_date.year) * 12 + as_of.month - p.start_date.month
    return months if add_months(p.start_date, months) <= as_of else months - 1


def pillars(p: Programme) -> str:
    return p.pillar_label


def is_h_only(p: Programme) -> bool:
    return pillars(p) == "H"


def sub_national_locations(p: Programme) -> list[Area]:
    return [area for area in p.locations.all() if area.level >= 1]


def shared_areas(p: Programme, q: Programme) -> list[Area]:
    """The most specific area of each equal-or-nested pair of locations, both at level ≥ 1."""
    found = []
    for a in sub_national_locations(p):
        for b in sub_national_locations(q):
            if a.contains(b) or b.contains(a):
                found.append(b if a.contains(b) else a)
    return found


def overlap_days(p: Programme, q: Programme) -> int:
    start = max(p.start_date, q.start_date)
    end = min(p.end_date or FAR_FUTURE, q.end_date or FAR_FUTURE)
    return (end - start).days


def families(p: Programme) -> set[str]:
    return set(p.sector_shares.values_list("sector__family", flat=True))


def implementers(p: Programme) -> set[int]:
    return set(p.participations.filter(role=OrganisationRole.IMPLEMENTING).values_list("actor_id", flat=True))


def goals_of(p: Programme) -> set[int]:
    return set(Contribution.objects.filter(programme=p).values_list("goal_id", flat=True))


def linked(p: Programme, q: Programme) -> bool:
    confirmed = ProgrammeLink.objects.filter(status=LinkStatus.CONFIRMED)
    joined = confirmed.filter(from_programme=p, to_programme=q) | confirmed.filter(from_programme=q, to_programme=p)
    return joined.exists() or bool(goals_of(p) & goals_of(q))


def active_neighbours(p: Programme, as_of: date) -> list[Programme]:
    """Other active programmes that share an area with `p`."""
    paths = [area.path for area in sub_national_locations(p)]
    candidates = Programme.objects.exclude(pk=p.pk).filter(locations__level__gte=1).distinct()
    return [
        q
        for q in candidates.prefetch_related("locations")
        if is_active(q, as_of)
        and any(path.startswith(a.path) or a.path.startswith(path) for path in paths for a in sub_national_locations(q))
    ]


def trigger_events(analysis: Analysis, as_of: date) -> list[ContextEvent]:
    scope_paths = [area.path for area in analysis.scope_areas.all()]
    events = ContextEvent.objects.filter(date__gt=analysis.conducted_on, date__lte=as_of).select_related("area")
    return [event for event in events if any(event.area.path.startswith(path) for path in scope_paths)]


def is_superseded(analysis: Analysis) -> bool:
    return Analysis.objects.filter(supersedes=analysis).exists()


def is_current(analysis: Analysis, as_of: date) -> bool:
    return (
        analysis.status == AnalysisStatus.PUBLISHED
        and not is_superseded(analysis)
        and analysis.review_due >= as_of
        and not trigger_events(analysis, as_of)
    )


def is_stale(analysis: Analysis, as_of: date) -> bool:
    """Published, not superseded, and past its review date or with a trigger event after it."""
    return (
        analysis.status == AnalysisStatus.PUBLISHED
        and not is_superseded(analysis)
        and (analysis.review_due < as_of or bool(trigger_events(analysis, as_of)))
    )


def covering_analyses(area: Area, kinds=(AnalysisKind.CONFLICT, AnalysisKind.CONTEXT)) -> list[Analysis]:
    ancestors = Area.objects.containing(area)
    return list(Analysis.objects.filter(kind__in=kinds, scope_areas__in=ancestors).distinct())


def current_coverage(area: Area, as_of: date) -> list[Analysis]:
    """Current conflict or context analyses whose scope equals or contains the area."""
    return [analysis for analysis in covering_analyses(area) if is_current(analysis, as_of)]


def agreement_amount_in_year(agreement: FundingAgreement, year: int) -> Decimal:
    """From the tranches (one kind per year in the demo), else spread evenly over the agreement's months."""
    tranches = list(agreement.tranches.all())
    if tranches:
        return sum((t.amount for t in tranches if t.year == year), Decimal(0))
    months = (agreement.end_date.year - agreement.start_date.year) * 12 + agreement.end_date.month
    months -= agreement.start_date.month - 1
    months_in_year = sum(
        1
        for index in range(months)
        if (agreement.start_date.year * 12 + agreement.start_date.month - 1 + index) // 12 == year
    )
    return agreement.amount * months_in_year / months
