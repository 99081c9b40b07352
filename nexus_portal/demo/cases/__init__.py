"""One deliberate case (and where useful, near-misses) for every rule of the catalogue in docs/domain.md.

Each function builds the records of one rule with recognisable titles; docs/demo-data.md says which
records make each case and why they meet the rule's condition. The functions are split by theme into
modules to keep each short; CASES lists them in catalogue order.
"""

from collections.abc import Callable

from nexus_portal.demo.cases.analyses import country_level_analysis_only, stale_analysis, uncovered_programme
from nexus_portal.demo.cases.funding import (
    between_two_chairs,
    funding_imbalance,
    inflexible_funding_in_crisis,
    localisation_shortfall,
    principles_conflict,
)
from nexus_portal.demo.cases.goals import stale_goal_progress, unlinked_programme, weak_shared_goal
from nexus_portal.demo.cases.programmes import (
    cross_pillar_silo,
    humanitarian_run_over,
    internal_silo,
    no_exit_strategy,
    overlap,
    stale_record,
)
from nexus_portal.demo.context import DemoContext

CASES: dict[str, Callable[[DemoContext], None]] = {
    "cross-pillar-silo": cross_pillar_silo,
    "internal-silo": internal_silo,
    "overlap": overlap,
    "humanitarian-run-over": humanitarian_run_over,
    "stale-analysis": stale_analysis,
    "country-level-analysis-only": country_level_analysis_only,
    "uncovered-programme": uncovered_programme,
    "unlinked-programme": unlinked_programme,
    "weak-shared-goal": weak_shared_goal,
    "localisation-shortfall": localisation_shortfall,
    "funding-imbalance": funding_imbalance,
    "no-exit-strategy": no_exit_strategy,
    "inflexible-funding-in-crisis": inflexible_funding_in_crisis,
    "between-two-chairs": between_two_chairs,
    "principles-conflict": principles_conflict,
    "stale-goal-progress": stale_goal_progress,
    "stale-record": stale_record,
}


def build_cases(ctx: DemoContext) -> None:
    for case in CASES.values():
        case(ctx)
