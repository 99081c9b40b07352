"""The nine dashboard metrics of domain.md ("Dashboard metrics"), one function each, for one country and date.

Each aggregates in SQL (values/annotate/Count/Sum, DISTINCT) and finishes in Python over the grouped
rows, so a metric costs the same few queries however many programmes there are. Definitions reuse the
rule engine's (`scope.py`; `funding/amounts.py` for money per year, tiers and NOK). Where domain.md
leaves room, the reading is in the function's docstring.

Metrics 3 and 5 (funding) live in `dashboard_funding.py`, 4 (analyses) in `dashboard_analyses.py`,
7 (flags) in `dashboard_flags.py` and 8 (3W) in `dashboard_3w.py`; they are re-exported here so the
nine read as one list.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Trim

from coordination.models import Contribution
from coordination.selectors.dashboard_3w import ThreeW, who_does_what_where
from coordination.selectors.dashboard_analyses import AnalysisFreshness, analysis_freshness
from coordination.selectors.dashboard_flags import OpenFlags, open_flags
from coordination.selectors.dashboard_funding import FundingMix, Localisation, funding_mix, localisation
from coordination.selectors.scope import (
    PILLARS,
    Share,
    active_ids,
    active_programmes,
    admin1_of,
    latest_start_running,
    months_before,
    pillar_key,
    start_of_day,
)
from funding.amounts import rates_to_nok, to_nok
from programmes.choices import LinkStatus
from programmes.models import ProgrammeLink, ProgrammeLocation
from reference.models import Area

__all__ = [
    "AnalysisFreshness",
    "FundingMix",
    "Localisation",
    "OpenFlags",
    "Share",
    "ThreeW",
    "analysis_freshness",  # 4
    "cross_pillar_links",  # 2
    "data_freshness",  # 9
    "exit_readiness",  # 6
    "funding_mix",  # 5
    "goal_contribution",  # 1
    "localisation",  # 3
    "open_flags",  # 7
    "who_does_what_where",  # 8
]

ALL = "all"
EXIT_RUN_MONTHS = 24  # domain.md metric 6; the no-exit-strategy rule's run_months
FRESH_MONTHS = 6  # domain.md metric 9; the stale-record rule's months_without_update


# -- 1. Goal contribution ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalContribution:
    programmes: dict[str, Share]  # "all", "H", "D", "P" → contributing ÷ active programmes
    budget_nok: dict[str, Share]  # the same over their budgets in NOK
    pillar_mix: dict[str, int]  # "H", "HD", … → active programmes with exactly these pillars
    budgets_not_converted: int  # budgets in a currency without a rate (left out of the NOK shares)


def goal_contribution(country_code: str, as_of: date) -> GoalContribution:
    """1. Share of active programmes, and of their budget, contributing to a shared goal, by pillar.

    Contributing: a Contribution to any shared goal (as the rules' "linked" counts goals of any status).
    A programme counts under each of its pillars. Budgets convert to NOK at the approximate rates.
    """
    contributes = Exists(Contribution.objects.filter(programme_id=OuterRef("pk")))
    rows = (
        active_programmes(country_code, as_of)
        .annotate(contributes=contributes)
        .values("pillar_h", "pillar_d", "pillar_p", "currency", "contributes")
        .annotate(count=Count("pk"), with_budget=Count("total_budget"), budget=Sum("total_budget"))
    )
    rates = rates_to_nok()
    counts = {key: [0, 0] for key in (ALL, *PILLARS)}
    budgets = {key: [Decimal(0), Decimal(0)] for key in (ALL, *PILLARS)}
    mix: Counter = Counter()
    not_converted = 0
    for row in rows:
        pillars = pillar_key(row["pillar_h"], row["pillar_d"], row["pillar_p"])
        mix[pillars] += row["count"]
        nok = to_nok(row["budget"], row["currency"], rates) if row["budget"] is not None else Decimal(0)
        if nok is None:
            not_converted += row["with_budget"]
            nok = Decimal(0)
        for key in (ALL, *pillars):
            counts[key][1] += row["count"]
            budgets[key][1] += nok
            if row["contributes"]:
                counts[key][0] += row["count"]
                budgets[key][0] += nok
    return GoalContribution(
        programmes={key: Share(*values) for key, values in counts.items()},
        budget_nok={key: Share(float(part), float(whole)) for key, (part, whole) in budgets.items()},
        pillar_mix=dict(sorted(mix.items(), key=lambda item: (len(item[0]), item[0]))),
        budgets_not_converted=not_converted,
    )


# -- 2. Cross-pillar links -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaLinkage:
    area_id: int
    pcode: str
    name: str
    pillars: str  # every pillar worked on there, e.g. "HD"
    linked: bool


@dataclass(frozen=True)
class CrossPillarLinks:
    areas: list[AreaLinkage]  # the admin-1 areas where programmes of different pillars work

    @property
    def share(self) -> Share:
        return Share(sum(area.linked for area in self.areas), len(self.areas))


def cross_pillar_links(country_code: str, as_of: date) -> CrossPillarLinks:
    """2. Share of areas with more than one pillar that have at least one cross-pillar link.

    Areas are the country's admin-1 areas (a programme counts in the admin-1 area of each location
    below country level). An area has more than one pillar when active programmes with different
    pillars work there (H beside D, or H beside HD). A cross-pillar link joins two such programmes
    that both work in the area: a confirmed ProgrammeLink, or contributions to the same shared goal
    (the rules' "linked").
    """
    ids = active_ids(country_code, as_of)
    located = ProgrammeLocation.objects.filter(
        programme_id__in=ids, area__country_code=country_code, area__level__gte=1
    )
    pillar_sets: dict[int, set[str]] = defaultdict(set)
    for admin1, h, d, p in (
        located.annotate(admin1=admin1_of())
        .values_list("admin1", "programme__pillar_h", "programme__pillar_d", "programme__pillar_p")
        .distinct()
        .order_by()
    ):
        pillar_sets[admin1].add(pillar_key(h, d, p))
    mixed = {admin1: sets for admin1, sets in pillar_sets.items() if len(sets) >= 2}
    linked = _linked_by_programme_link(ids) | _linked_by_shared_goal(ids)
    # All the country's admin-1 areas (a few dozen rows): the same query whatever is mixed.
    names = Area.objects.filter(country_code=country_code, level=1).order_by("name").values_list("pk", "pcode", "name")
    return CrossPillarLinks(
        areas=[
            AreaLinkage(pk, pcode, name, "".join(p for p in PILLARS if any(p in s for s in mixed[pk])), pk in linked)
            for pk, pcode, name in names
            if pk in mixed
        ]
    )


def _linked_by_programme_link(ids) -> set[int]:
    """Admin-1 areas where a confirmed link joins two active programmes of different pillars working there."""
    same_pillars = (
        Q(from_programme__pillar_h=F("to_programme__pillar_h"))
        & Q(from_programme__pillar_d=F("to_programme__pillar_d"))
        & Q(from_programme__pillar_p=F("to_programme__pillar_p"))
    )
    links = ProgrammeLink.objects.filter(
        status=LinkStatus.CONFIRMED, from_programme_id__in=ids, to_programme_id__in=ids
    ).exclude(same_pillars)
    rows = (
        links.annotate(a=admin1_of("from_programme__location_links__"), b=admin1_of("to_programme__location_links__"))
        .filter(a=F("b"))
        .values_list("a", flat=True)
        .distinct()
        .order_by()
    )
    return set(rows)


def _linked_by_shared_goal(ids) -> set[int]:
    """Admin-1 areas where active programmes of different pillars working there contribute to one goal."""
    rows = (
        Contribution.objects.filter(programme_id__in=ids)
        .annotate(admin1=admin1_of("programme__location_links__"))
        .values_list("goal_id", "admin1", "programme__pillar_h", "programme__pillar_d", "programme__pillar_p")
        .distinct()
        .order_by()
    )
    pillar_sets: dict[tuple[int, int], set[str]] = defaultdict(set)
    for goal_id, admin1, h, d, p in rows:
        if admin1 is not None:
            pillar_sets[(goal_id, admin1)].add(pillar_key(h, d, p))
    return {admin1 for (_goal, admin1), sets in pillar_sets.items() if len(sets) >= 2}


# -- 6. Exit readiness ---------------------------------------------------------------------------------


def exit_readiness(country_code: str, as_of: date) -> Share:
    """6. Share of humanitarian programmes running ≥ 24 months that have a transition plan.

    Humanitarian programmes are H-only ones, as in the no-exit-strategy rule (a programme with D or P
    already carries longer-term work); a blank plan counts as none. One query.
    """
    long_running = active_programmes(country_code, as_of).filter(
        pillar_h=True,
        pillar_d=False,
        pillar_p=False,
        start_date__lte=latest_start_running(EXIT_RUN_MONTHS, as_of),
    )
    totals = long_running.annotate(plan=Trim("transition_plan")).aggregate(
        whole=Count("pk"), part=Count("pk", filter=~Q(plan=""))
    )
    return Share(totals["part"], totals["whole"])


# -- 9. Data freshness ---------------------------------------------------------------------------------


def data_freshness(country_code: str, as_of: date) -> Share:
    """9. Share of active programmes whose record was updated in the 6 months up to the as-of date.

    The stale-record rule's boundary: updated exactly 6 months before counts as stale. For a past
    as-of date this reads today's `updated_at`, so a record updated since then counts as fresh.
    """
    fresh_from = start_of_day(months_before(as_of, FRESH_MONTHS)) + timedelta(days=1)
    totals = active_programmes(country_code, as_of).aggregate(
        whole=Count("pk"), part=Count("pk", filter=Q(updated_at__gte=fresh_from))
    )
    return Share(totals["part"], totals["whole"])
