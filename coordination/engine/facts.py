"""What the rules read: a compact, in-memory picture of one country, loaded in a few queries.

Rules never query the database themselves for programme data; they read these facts, so a
country costs the same handful of queries whatever the rules do with it, and tests can build
facts from a small database. Heavier inputs (analyses, goals, funding) load lazily on first use.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from django.db.models import Q

from coordination.engine.timeline import PIPELINE_HORIZON_DAYS
from programmes.choices import ActivityStatus, LinkStatus, OrganisationRole
from programmes.models import Programme, ProgrammeLink, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from reference.models import Area

CLUSTER_FAMILY_PREFIX_DAC = "DAC3:"


@dataclass(frozen=True, slots=True)
class AreaFact:
    id: int
    pcode: str
    path: str
    level: int
    name: str

    def contains(self, other: "AreaFact") -> bool:
        return other.path.startswith(self.path)


@dataclass(slots=True)
class ProgrammeFact:
    id: int
    title: str
    reporting_actor_id: int
    status: int
    start: date | None
    end: date | None
    humanitarian: bool
    pillars: frozenset[str]
    updated_at: date
    budget: Decimal | None
    currency: str
    has_transition_plan: bool
    handover_actor_id: int | None
    locations: list[AreaFact] = field(default_factory=list)
    families: set[str] = field(default_factory=set)
    dac_codes: set[str] = field(default_factory=set)
    implementers: set[int] = field(default_factory=set)
    actors: set[int] = field(default_factory=set)

    @property
    def h_only(self) -> bool:
        return self.pillars == {"H"}

    @property
    def subnational_locations(self) -> list[AreaFact]:
        return [area for area in self.locations if area.level >= 1]

    @property
    def clusters(self) -> set[str]:
        """Sector families that are IASC clusters (not bare DAC categories)."""
        return {family for family in self.families if not family.startswith(CLUSTER_FAMILY_PREFIX_DAC)}


def active_programme_filter(as_of: date) -> Q:
    """The SQL twin of timeline.is_active: the rules' definition of an active programme."""
    running = (
        Q(status=ActivityStatus.IMPLEMENTATION)
        & (Q(start_date__isnull=True) | Q(start_date__lte=as_of))
        & (Q(end_date__isnull=True) | Q(end_date__gte=as_of))
    )
    starting_soon = Q(
        status=ActivityStatus.PIPELINE,
        start_date__gte=as_of,
        start_date__lte=as_of + timedelta(days=PIPELINE_HORIZON_DAYS),
    )
    return running | starting_soon


class CountryFacts:
    """Active programmes located in one country, with their areas, sectors, actors and links."""

    def __init__(self, country_code: str, as_of: date):
        self.country_code = country_code
        self.as_of = as_of
        self.country = Area.objects.filter(pcode=country_code, level=0).values_list("pk", flat=True).first()
        self.programmes: dict[int, ProgrammeFact] = {}
        # Rule modules that need more inputs (analyses, goals, funding) load them once per country here.
        self.cache: dict = {}
        self._load_programmes()

    # -- loading -----------------------------------------------------------------------------------
    def active_ids(self):
        """The active programmes located here, as a subquery (for rule modules' own queries)."""
        return self._active_ids()

    def _active_ids(self):
        located_here = ProgrammeLocation.objects.filter(area__country_code=self.country_code).values("programme_id")
        return (
            Programme.objects.filter(active_programme_filter(self.as_of), pk__in=located_here).order_by().values("pk")
        )

    def _load_programmes(self) -> None:
        ids = self._active_ids()
        columns = (
            "pk", "title", "reporting_actor_id", "status", "start_date", "end_date", "humanitarian",
            "pillar_h", "pillar_d", "pillar_p", "updated_at", "total_budget", "currency", "transition_plan",
            "handover_actor_id",
        )  # fmt: skip
        for row in Programme.objects.filter(pk__in=ids).order_by().values_list(*columns):
            (pk, title, reporter, status, start, end, humanitarian, h, d, p, updated, budget, currency, plan,
             handover) = row  # fmt: skip
            pillars = frozenset(name for name, on in (("H", h), ("D", d), ("P", p)) if on)
            self.programmes[pk] = ProgrammeFact(
                id=pk, title=title, reporting_actor_id=reporter, status=status, start=start, end=end,
                humanitarian=humanitarian, pillars=pillars, updated_at=updated.date(), budget=budget,
                currency=currency, has_transition_plan=bool(plan.strip()), handover_actor_id=handover,
                actors={reporter},
            )  # fmt: skip
        locations = ProgrammeLocation.objects.filter(programme_id__in=ids, area__country_code=self.country_code)
        for programme_id, area_id in locations.order_by().values_list("programme_id", "area_id"):
            self.programmes[programme_id].locations.append(self.areas[area_id])
        sectors = ProgrammeSector.objects.filter(programme_id__in=ids).order_by()
        for programme_id, family, vocabulary, code in sectors.values_list(
            "programme_id", "sector__family", "sector__vocabulary", "sector__code"
        ):
            fact = self.programmes[programme_id]
            fact.families.add(family)
            if vocabulary in (1, 2):
                fact.dac_codes.add(code)
        participants = ProgrammeParticipant.objects.filter(programme_id__in=ids).order_by()
        for programme_id, actor_id, role in participants.values_list("programme_id", "actor_id", "role"):
            fact = self.programmes[programme_id]
            fact.actors.add(actor_id)
            if role == OrganisationRole.IMPLEMENTING:
                fact.implementers.add(actor_id)
        for fact in self.programmes.values():
            if not fact.implementers:  # no implementer recorded: the reporting actor does the work
                fact.implementers.add(fact.reporting_actor_id)
            fact.locations.sort(key=lambda area: area.path)

    @cached_property
    def areas(self) -> dict[int, AreaFact]:
        rows = Area.objects.filter(country_code=self.country_code).order_by()
        return {
            pk: AreaFact(pk, pcode, path, level, name)
            for pk, pcode, path, level, name in rows.values_list("pk", "pcode", "path", "level", "name")
        }

    @cached_property
    def areas_by_path(self) -> dict[str, AreaFact]:
        return {area.path: area for area in self.areas.values()}

    @cached_property
    def actor_parents(self) -> dict[int, int | None]:
        from actors.models import Actor

        ids = {actor for fact in self.programmes.values() for actor in fact.actors}
        return dict(Actor.objects.filter(pk__in=ids).order_by().values_list("pk", "parent_id"))

    @cached_property
    def links(self) -> list[tuple[int, int, str]]:
        """Confirmed links with at least one side among the active programmes here."""
        # Two indexed look-ups rather than one OR of two subqueries, which PostgreSQL plans badly.
        confirmed = ProgrammeLink.objects.filter(status=LinkStatus.CONFIRMED).order_by()
        columns = ("pk", "from_programme_id", "to_programme_id", "link_type")
        rows = {
            row[0]: row[1:]
            for side in ("from_programme_id__in", "to_programme_id__in")
            for row in confirmed.filter(**{side: self._active_ids()}).values_list(*columns)
        }
        return list(rows.values())

    @cached_property
    def goals_of(self) -> dict[int, set[int]]:
        from coordination.models import Contribution

        goals = defaultdict(set)
        rows = Contribution.objects.filter(programme_id__in=self._active_ids()).order_by()
        for programme_id, goal_id in rows.values_list("programme_id", "goal_id"):
            goals[programme_id].add(goal_id)
        return goals

    @cached_property
    def _linked_pairs(self) -> set[frozenset[int]]:
        return {frozenset((a, b)) for a, b, _ in self.links}

    # -- relations the rules share -----------------------------------------------------------------
    def linked(self, a: int, b: int) -> bool:
        """A confirmed link joins them, or both contribute to the same shared goal."""
        if frozenset((a, b)) in self._linked_pairs:
            return True
        return bool(self.goals_of.get(a, set()) & self.goals_of.get(b, set()))

    def organisation_of(self, actor_id: int) -> int:
        """An actor's top organisation: country offices and embassies count with their parent."""
        parent = self.actor_parents.get(actor_id)
        return parent if parent is not None else actor_id

    def admin1_of(self, area: AreaFact) -> AreaFact | None:
        """The level-1 area containing `area` (itself when it is level 1)."""
        if area.level < 1:
            return None
        first_two = "/".join(area.path.split("/")[:3]) + "/"
        return self.areas_by_path.get(first_two)
