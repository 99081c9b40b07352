"""What the rules read: a compact, in-memory picture of one country, loaded in a few queries.

Rules never query the database themselves for programme data; they read these facts, so a
country costs the same handful of queries whatever the rules do with it, and tests can build
facts from a small database. Heavier inputs (analyses, goals, funding) load lazily on first use.

Facts may cover only the parts of a country where programmes changed (`changed`: area p-codes; see
`engine/scope.py`): then `programmes` holds the active programmes working in the buckets (admin-1
regions, or the country level) of those areas, each with all its locations in the country,
`pair_area_ids` the areas whose pairs may have changed, and `country_programmes` a light picture
(places and pillars) of every active programme of the country, for the rules that look at the whole
country.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from django.db.models import Q

from coordination.engine.scope import affected_paths, bucket_of_path, containing_paths
from coordination.engine.timeline import MIN_OVERLAP_DAYS, PIPELINE_HORIZON_DAYS
from programmes.choices import ActivityStatus, LinkStatus, OrganisationRole
from programmes.models import Programme, ProgrammeLink, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from reference.models import Area

CLUSTER_FAMILY_PREFIX_DAC = "DAC3:"
IN_BATCH = 10_000  # ids per IN (...) list: SQLite allows 32,766 parameters per statement
FIRST_DAY, LAST_DAY = date.min.toordinal(), date.max.toordinal()  # an open start or end


@dataclass(frozen=True, slots=True)
class AreaFact:
    id: int
    pcode: str
    path: str
    level: int
    name: str

    def contains(self, other: "AreaFact") -> bool:
        return other.path.startswith(self.path)

    @property
    def bucket(self) -> str:
        return bucket_of_path(self.path)


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
    # The period as day numbers, for comparing many pairs quickly (see `overlaps`).
    first_day: int = field(init=False, repr=False, compare=False)
    last_day: int = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        self.first_day = self.start.toordinal() if self.start else FIRST_DAY
        self.last_day = self.end.toordinal() if self.end else LAST_DAY

    def overlaps(self, other: "ProgrammeFact") -> bool:
        """timeline.periods_overlap of the two periods (at least 30 days shared, counting both ends)."""
        return min(self.last_day, other.last_day) - max(self.first_day, other.first_day) >= MIN_OVERLAP_DAYS - 1

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


@dataclass(slots=True)
class PlaceFact:
    """Where an active programme works and its pillars: what the whole-country rules read of every programme."""

    id: int
    pillars: frozenset[str]
    locations: list[AreaFact] = field(default_factory=list)


def in_batches(ids: Iterable[int]) -> list[list[int]]:
    """Sorted ids in lists of at most IN_BATCH; one (empty) list when there are none."""
    ordered = sorted(ids)
    return [ordered[start : start + IN_BATCH] for start in range(0, len(ordered), IN_BATCH)] or [[]]


class CountryFacts:
    """Active programmes located in one country (or in some of its buckets), with their areas, sectors,
    actors and links."""

    def __init__(
        self,
        country_code: str,
        as_of: date,
        changed: Iterable[str] | None = None,
        *,
        buckets: Iterable[str] | None = None,
    ):
        """`changed`: the p-codes of the areas where programmes changed, for a partial re-check (None: the
        whole country); `buckets`: the buckets to load instead of those of `changed`."""
        self.country_code = country_code
        self.as_of = as_of
        self.changed = frozenset(changed) if changed is not None else None
        if buckets is not None:
            self.buckets = frozenset(buckets)
        elif self.changed is not None:
            self.buckets = frozenset(bucket_of_path(area.path) for area in self._changed_areas())
        else:
            self.buckets = None
        self.country = Area.objects.filter(pcode=country_code, level=0).values_list("pk", flat=True).first()
        self.programmes: dict[int, ProgrammeFact] = {}
        # Rule modules that need more inputs (analyses, goals, funding) load them once per country here.
        self.cache: dict = {}
        self._load_programmes()

    @property
    def whole(self) -> bool:
        """True when the facts cover the whole country."""
        return self.buckets is None

    def widened(self, buckets: Iterable[str]) -> "CountryFacts":
        """Facts of this country for these buckets too (the whole country stays whole); the programmes
        already here are shared, only the others are loaded."""
        if self.buckets is None or not set(buckets) - self.buckets:
            return self
        wider = CountryFacts.__new__(CountryFacts)
        wider.country_code, wider.as_of, wider.country = self.country_code, self.as_of, self.country
        wider.changed, wider.buckets = self.changed, self.buckets | set(buckets)
        wider.cache = {}
        wider.areas = self.areas  # the cached property's value, shared
        wider.programmes = dict(self.programmes)
        wider._load_programmes()
        return wider

    # -- loading -----------------------------------------------------------------------------------
    def active_ids(self):
        """The active programmes located here, as a subquery (for rule modules' own queries)."""
        return self._active_ids()

    def _active_ids(self, *, whole: bool = False):
        return self._active(whole=whole).values("pk")

    def _active(self, *, whole: bool = False):
        """The active programmes located here (in the buckets, unless `whole`)."""
        if self.buckets is None or whole:
            located_here = ProgrammeLocation.objects.filter(area__country_code=self.country_code)
        else:
            located_here = ProgrammeLocation.objects.filter(area_id__in=sorted(self.bucket_area_ids))
        return Programme.objects.filter(
            active_programme_filter(self.as_of), pk__in=located_here.values("programme_id")
        ).order_by()

    def _changed_areas(self) -> list[AreaFact]:
        by_pcode = {area.pcode: area for area in self.areas.values()}
        return [by_pcode[pcode] for pcode in sorted(self.changed or ()) if pcode in by_pcode]

    @cached_property
    def pair_area_ids(self) -> frozenset[int] | None:
        """The areas whose pairs may have changed (see scope.affected_paths); None when the facts are whole."""
        if self.changed is None:
            return None
        subtrees = affected_paths([area.path for area in self._changed_areas()])
        return frozenset(
            area.id for area in self.areas.values() if any(area.path.startswith(path) for path in subtrees)
        )

    @cached_property
    def programme_area_ids(self) -> frozenset[int] | None:
        """The changed areas, the areas inside them and those containing them: a programme with a location
        there may have changed or share an area with one that did. None when the facts are whole."""
        if self.changed is None:
            return None
        changed = [area.path for area in self._changed_areas()]
        around = containing_paths(changed) | set(changed)  # a changed country-level location is only itself
        subtrees = affected_paths(changed)
        return frozenset(
            area.id
            for area in self.areas.values()
            if area.path in around or any(area.path.startswith(path) for path in subtrees)
        )

    def working_in(self, area_ids: frozenset[int]) -> frozenset[int]:
        """The programmes here with a location in these areas."""
        return frozenset(
            programme.id
            for programme in self.programmes.values()
            if any(area.id in area_ids for area in programme.locations)
        )

    @cached_property
    def bucket_area_ids(self) -> frozenset[int]:
        """The areas of the buckets these facts cover (every area of the country when whole)."""
        if self.buckets is None:
            return frozenset(self.areas)
        return frozenset(pk for pk, area in self.areas.items() if area.bucket in self.buckets)

    def _load_programmes(self) -> None:
        """The programmes in one query; their locations, sectors and participants by the ids found (a list
        rather than the subquery again: PostgreSQL re-evaluates the subquery in each of them)."""
        columns = (
            "pk", "title", "reporting_actor_id", "status", "start_date", "end_date", "humanitarian",
            "pillar_h", "pillar_d", "pillar_p", "updated_at", "total_budget", "currency", "transition_plan",
            "handover_actor_id",
        )  # fmt: skip
        known = set(self.programmes)  # loaded already (widened facts): keep them as they are
        loaded = {}
        for row in self._active().values_list(*columns):
            if row[0] in known:
                continue
            (pk, title, reporter, status, start, end, humanitarian, h, d, p, updated, budget, currency, plan,
             handover) = row  # fmt: skip
            pillars = frozenset(name for name, on in (("H", h), ("D", d), ("P", p)) if on)
            loaded[pk] = ProgrammeFact(
                id=pk, title=title, reporting_actor_id=reporter, status=status, start=start, end=end,
                humanitarian=humanitarian, pillars=pillars, updated_at=updated.date(), budget=budget,
                currency=currency, has_transition_plan=bool(plan.strip()), handover_actor_id=handover,
                actors={reporter},
            )  # fmt: skip
        programmes, areas = loaded, self.areas
        for ids in in_batches(programmes):
            locations = ProgrammeLocation.objects.filter(programme_id__in=ids, area__country_code=self.country_code)
            for programme_id, area_id in locations.order_by().values_list("programme_id", "area_id"):
                programmes[programme_id].locations.append(areas[area_id])
            sectors = ProgrammeSector.objects.filter(programme_id__in=ids).order_by()
            for programme_id, family, vocabulary, code in sectors.values_list(
                "programme_id", "sector__family", "sector__vocabulary", "sector__code"
            ):
                fact = programmes[programme_id]
                fact.families.add(family)
                if vocabulary in (1, 2):
                    fact.dac_codes.add(code)
            participants = ProgrammeParticipant.objects.filter(programme_id__in=ids).order_by()
            for programme_id, actor_id, role in participants.values_list("programme_id", "actor_id", "role"):
                fact = programmes[programme_id]
                fact.actors.add(actor_id)
                if role == OrganisationRole.IMPLEMENTING:
                    fact.implementers.add(actor_id)
        for fact in loaded.values():
            if not fact.implementers:  # no implementer recorded: the reporting actor does the work
                fact.implementers.add(fact.reporting_actor_id)
            fact.locations.sort(key=lambda area: area.path)
        self.programmes.update(loaded)

    @cached_property
    def country_programmes(self) -> dict[int, "ProgrammeFact | PlaceFact"]:
        """Every active programme of the country with its places and pillars (the programmes themselves
        when the facts are whole): for rules whose flags depend on the whole country."""
        if self.buckets is None:
            return self.programmes
        found = {
            pk: PlaceFact(pk, frozenset(name for name, on in (("H", h), ("D", d), ("P", p)) if on))
            for pk, h, d, p in self._active(whole=True).values_list("pk", "pillar_h", "pillar_d", "pillar_p")
        }
        for ids in in_batches(found):
            located = ProgrammeLocation.objects.filter(programme_id__in=ids, area__country_code=self.country_code)
            for programme_id, area_id in located.order_by().values_list("programme_id", "area_id"):
                found[programme_id].locations.append(self.areas[area_id])
        for fact in found.values():
            fact.locations.sort(key=lambda area: area.path)
        return found

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
            for ids in in_batches(self.programmes)
            for side in ("from_programme_id__in", "to_programme_id__in")
            for row in confirmed.filter(**{side: ids}).values_list(*columns)
        }
        return list(rows.values())

    @cached_property
    def goals_of(self) -> dict[int, set[int]]:
        from coordination.models import Contribution

        goals = defaultdict(set)
        for ids in in_batches(self.programmes):
            rows = Contribution.objects.filter(programme_id__in=ids).order_by()
            for programme_id, goal_id in rows.values_list("programme_id", "goal_id"):
                goals[programme_id].add(goal_id)
        return goals

    @cached_property
    def _partners(self) -> dict[int, set[int]]:
        partners = defaultdict(set)
        for a, b, _ in self.links:
            partners[a].add(b)
            partners[b].add(a)
        return partners

    @cached_property
    def _tied(self) -> frozenset[int]:
        """Programmes with a link or a goal: only they can be linked to anything."""
        return frozenset(self._partners) | frozenset(self.goals_of)

    # -- relations the rules share -----------------------------------------------------------------
    def linked(self, a: int, b: int) -> bool:
        """A confirmed link joins them, or both contribute to the same shared goal."""
        if a not in self._tied:
            return False
        partners = self._partners.get(a)
        if partners is not None and b in partners:
            return True
        goals = self.goals_of.get(a)
        return goals is not None and not goals.isdisjoint(self.goals_of.get(b, ()))

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
