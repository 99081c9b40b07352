"""Metric 4, analysis freshness, with the rule engine's own reading of analyses (engine/analysis_facts.py).

Only coverage metadata is read (kind, scope, dates, authors): never a title or summary, so strict and
named analyses count here as numbers and nothing else. Cost: one query for the country's areas, the
engine's five for its analyses, one for the programme locations and two counts.
"""

from dataclasses import dataclass
from datetime import date
from statistics import median
from types import SimpleNamespace

from django.db.models import Count, Q

from analyses.choices import AnalysisStatus
from analyses.models import Analysis
from coordination.engine.analysis_facts import AnalysisFacts
from coordination.engine.facts import AreaFact
from coordination.engine.registry import all_rules
from coordination.engine.timeline import add_months
from coordination.selectors.scope import Share, active_ids, active_programmes
from programmes.models import ProgrammeLocation
from reference.models import Area

# Age bands of the newest analysis of an area, in months (upper bounds); the last band is "older".
AGE_BANDS = (6, 12, 24)
NO_ANALYSIS = "none"


@dataclass(frozen=True)
class AnalysisFreshness:
    areas: int  # areas where active programmes are located
    median_age_days: float | None  # of the newest analysis covering each of those areas
    age_bands: dict[str, int]  # "6", "12", "24" (months, upper bounds), "older", "none" → areas
    programmes_covered: Share  # every location covered by a current conflict/context analysis
    below_country: Share  # analyses in use with a scope area below country level
    joint: Share  # analyses in use with more than one author actor or pillar


def analysis_facts_for(country_code: str, as_of: date) -> tuple[AnalysisFacts, dict[int, AreaFact]]:
    """The engine's analysis facts without its programme facts (they need only the country's areas)."""
    rows = Area.objects.filter(country_code=country_code).order_by().values_list("pk", "pcode", "path", "level", "name")
    areas = {pk: AreaFact(pk, pcode, path, level, name) for pk, pcode, path, level, name in rows}
    return AnalysisFacts(SimpleNamespace(country_code=country_code, as_of=as_of, areas=areas)), areas


def analysis_freshness(country_code: str, as_of: date) -> AnalysisFreshness:
    """4. Median age of the newest analysis per area; share of programmes covered by a current analysis;
    shares of the analyses in use that are below country level and that are joint.

    - Areas: every area (any level) where an active programme is located in the country. An analysis
      covers an area when one of its scope areas equals or contains it; any kind counts for the age.
    - Covered programme: none of its locations here lacks a current analysis of the kinds the
      uncovered-programme rule counts (conflict, context): the complement of that rule.
    - Analyses in use: published, conducted by the as-of date, not superseded by a published successor.
    """
    facts, areas = analysis_facts_for(country_code, as_of)
    kinds = all_rules()["uncovered-programme"].params().kinds
    located = ProgrammeLocation.objects.filter(programme_id__in=active_ids(country_code, as_of))
    location_ids = set(located.filter(area__country_code=country_code).values_list("area_id", flat=True).distinct())

    ages, uncovered = [], []
    for area_id in location_ids:
        area = areas[area_id]
        covering = facts.covering(area)
        if covering:
            ages.append((as_of - max(analysis.conducted_on for analysis, _scope in covering)).days)
        if not facts.current_covering(area, kinds):
            uncovered.append(area_id)

    totals = active_programmes(country_code, as_of).aggregate(
        whole=Count("pk"),
        not_covered=Count("pk", filter=Q(pk__in=located.filter(area_id__in=uncovered).values("programme_id"))),
    )
    in_use = [analysis for analysis in facts.analyses.values() if analysis.superseded_by is None]
    joint = _joint_in_use(country_code, as_of)
    return AnalysisFreshness(
        areas=len(location_ids),
        median_age_days=float(median(ages)) if ages else None,
        age_bands=_age_bands(ages, len(location_ids), as_of),
        programmes_covered=Share(totals["whole"] - totals["not_covered"], totals["whole"]),
        below_country=Share(sum(any(area.level >= 1 for area in a.scope) for a in in_use), len(in_use)),
        joint=Share(joint, len(in_use)),
    )


def _age_bands(ages: list[int], areas: int, as_of: date) -> dict[str, int]:
    bands = {str(months): 0 for months in AGE_BANDS} | {"older": 0, NO_ANALYSIS: areas - len(ages)}
    limits = [((as_of - add_months(as_of, -months)).days, str(months)) for months in AGE_BANDS]
    for age in ages:
        band = next((name for days, name in limits if age < days), "older")
        bands[band] += 1
    return bands


def _joint_in_use(country_code: str, as_of: date) -> int:
    """Analyses in use here with more than one author actor, or more than one pillar (domain.md's "joint").

    The same selection as the engine's facts (published, conducted by the as-of date, scope in the
    country, no published successor by then), as one SQL count.
    """
    published = Q(status=AnalysisStatus.PUBLISHED, conducted_on__lte=as_of)
    in_country = Analysis.scope_areas.through.objects.filter(area__country_code=country_code).values("analysis_id")
    replaced = Analysis.objects.filter(published, supersedes__isnull=False).values("supersedes_id")
    two_pillars = Q(pillar_h=True, pillar_d=True) | Q(pillar_h=True, pillar_p=True) | Q(pillar_d=True, pillar_p=True)
    return (
        Analysis.objects.filter(published, pk__in=in_country)
        .exclude(pk__in=replaced)
        .annotate(authors=Count("author_actors", distinct=True))
        .filter(Q(authors__gt=1) | two_pillars)
        .count()
    )
