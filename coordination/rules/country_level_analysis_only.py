"""country-level-analysis-only: a region or district analysis is missing (gap c).

An active programme located at level ≥ 1 whose location is covered by current conflict/context
analyses, all of them through the country itself: one flag per level-1 area containing such a
location, listing the programmes, locations and country-level analyses. A location no current
analysis covers is uncovered-programme's business, not this rule's. An analysis with both the
country and a region in its scope counts by its most specific scope area covering the location.
"""

from collections import defaultdict

from coordination.choices import Severity
from coordination.engine.analysis_facts import AnalysisFact, analysis_facts, kinds_label, list_labels
from coordination.engine.candidate import Candidate
from coordination.engine.registry import rule
from coordination.engine.scope import REGION
from coordination.rules._common import area_label, area_subject

CODE = "country-level-analysis-only"


@rule(CODE, scope=REGION, kinds=("conflict", "context"))
def evaluate(facts, params):
    analyses = analysis_facts(facts)
    country_only: dict = {}  # location → the country-level analyses covering it, or [] when it isn't the case
    by_region = defaultdict(lambda: {"programmes": {}, "locations": set(), "analyses": {}})
    for programme in facts.programmes.values():
        for location in programme.subnational_locations:
            if location not in country_only:
                covering = analyses.current_covering(location, params.kinds)
                everywhere = covering and all(scope.level == 0 for _analysis, scope in covering)
                country_only[location] = [analysis for analysis, _scope in covering] if everywhere else []
            if not country_only[location]:
                continue
            group = by_region[facts.admin1_of(location)]
            group["programmes"][programme.id] = programme
            group["locations"].add(location.pcode)
            group["analyses"].update((analysis.id, analysis) for analysis in country_only[location])
    for region in sorted(by_region, key=lambda area: area.path):
        group = by_region[region]
        yield _candidate(region, group["programmes"], group["locations"], list(group["analyses"].values()), params)


def _candidate(region, programmes: dict, locations: set[str], covering: list[AnalysisFact], params) -> Candidate:
    actors = {actor for p in programmes.values() for actor in (p.reporting_actor_id, *p.implementers)}
    labels_en, labels_nb = list_labels(covering)
    kinds_en, kinds_nb = kinds_label(params.kinds)
    return Candidate(
        rule=CODE,
        subject_key=f"area:{region.id}",
        severity=Severity.MEDIUM,
        subject=area_subject(region),
        area_id=region.id,
        responsible_actor_ids=frozenset(actors),
        message=(
            f"{len(programmes)} active programme(s) in {area_label(region)} are covered only by country-level "
            f"analysis: {labels_en}. A current {kinds_en} of the region or its districts is missing."
        ),
        message_nb=(
            f"{len(programmes)} aktive program i {area_label(region)} dekkes bare av analyse på landnivå: "
            f"{labels_nb}. Det mangler en gjeldende {kinds_nb} av regionen eller distriktene."
        ),
        evidence={
            "area": region.pcode,
            "programmes": sorted(programmes),
            "locations": sorted(locations),
            "analyses": [analysis.evidence() for analysis in sorted(covering, key=lambda a: a.id)],
        },
    )
