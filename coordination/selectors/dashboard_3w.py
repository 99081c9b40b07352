"""Metric 8: who does what where (3W) — implementing actors × sector families × admin-1 areas.

The actors of a programme are its implementers (IATI role 4), or its reporting actor when none is
recorded: the rule engine's reading. A cell counts distinct actors, in all and per pillar (an actor
counts under a pillar when one of its programmes in the cell has it). Programmes located only at
country level form a "country-wide" row; programmes without a sector a "no sector" column.
Two DISTINCT queries return (area, family, pillars, actor) combinations, never programme rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from coordination.selectors.scope import PILLARS, active_ids, admin1_of, pillar_key
from programmes.choices import OrganisationRole
from programmes.models import Programme, ProgrammeParticipant
from reference.choices import SectorVocabulary
from reference.models import Area, Sector

COUNTRY_WIDE = 0  # row key of programmes located only at country level
NO_SECTOR = ""  # column key of programmes without a sector
DAC3_PREFIX = "DAC3:"


@dataclass(frozen=True)
class ThreeW:
    areas: list[tuple[int, str, str]]  # (id, p-code, name) of the country's admin-1 areas, then COUNTRY_WIDE
    families: list[tuple[str, str]]  # (family, label) of the sector families worked in, by label
    cells: dict[tuple[int, str], dict[str, int]] = field(default_factory=dict)  # → {"all", "H", "D", "P": actors}
    total_actors: int = 0  # distinct actors in the whole matrix


def who_does_what_where(country_code: str, as_of: date) -> ThreeW:
    ids = active_ids(country_code, as_of)
    combos: set[tuple[int, str, str, int]] = set()
    implemented = ProgrammeParticipant.objects.filter(programme_id__in=ids, role=OrganisationRole.IMPLEMENTING)
    implementer_rows = (
        implemented.annotate(admin1=admin1_of("programme__location_links__"))
        .values_list(
            "admin1",
            "programme__location_links__area__country_code",
            "programme__sector_shares__sector__family",
            "programme__pillar_h",
            "programme__pillar_d",
            "programme__pillar_p",
            "actor_id",
        )
        .distinct()
        .order_by()
    )
    without_implementer = Programme.objects.filter(pk__in=ids).exclude(
        pk__in=ProgrammeParticipant.objects.filter(role=OrganisationRole.IMPLEMENTING).values("programme_id")
    )
    reporter_rows = (
        without_implementer.annotate(admin1=admin1_of("location_links__"))
        .values_list(
            "admin1",
            "location_links__area__country_code",
            "sector_shares__sector__family",
            "pillar_h",
            "pillar_d",
            "pillar_p",
            "reporting_actor_id",
        )
        .distinct()
        .order_by()
    )
    for rows in (implementer_rows, reporter_rows):
        for admin1, country, family, h, d, p, actor in rows:
            if country == country_code:
                combos.add((admin1 or COUNTRY_WIDE, family or NO_SECTOR, pillar_key(h, d, p), actor))
    return _matrix(country_code, combos)


def _matrix(country_code: str, combos: set[tuple[int, str, str, int]]) -> ThreeW:
    actors: dict[tuple[int, str], dict[str, set[int]]] = defaultdict(lambda: {key: set() for key in ("all", *PILLARS)})
    for area, family, pillars, actor in combos:
        cell = actors[(area, family)]
        cell["all"].add(actor)
        for pillar in pillars:
            cell[pillar].add(actor)
    areas = list(
        Area.objects.filter(country_code=country_code, level=1).order_by("name").values_list("pk", "pcode", "name")
    )
    if any(area == COUNTRY_WIDE for area, _family in actors):
        areas.append((COUNTRY_WIDE, country_code, ""))
    families = {family for _area, family in actors}
    return ThreeW(
        areas=areas,
        families=sorted(family_labels(families).items(), key=lambda item: (item[0] == NO_SECTOR, item[1].lower())),
        cells={key: {name: len(ids) for name, ids in cell.items()} for key, cell in actors.items()},
        total_actors=len({actor for *_rest, actor in combos}),
    )


def family_labels(families: set[str]) -> dict[str, str]:
    """A family's label: the cluster's name, or the DAC 3-digit category's name (one query)."""
    clusters = [family for family in families if family and not family.startswith(DAC3_PREFIX)]
    categories = [family.removeprefix(DAC3_PREFIX) for family in families if family.startswith(DAC3_PREFIX)]
    names = {}
    rows = Sector.objects.filter(
        Q(vocabulary=SectorVocabulary.CLUSTER, code__in=clusters)
        | Q(vocabulary=SectorVocabulary.DAC3, code__in=categories)
    ).values_list("vocabulary", "code", "name")
    for vocabulary, code, name in rows:  # no query at all when no programme has a sector
        names[code if vocabulary == SectorVocabulary.CLUSTER else f"{DAC3_PREFIX}{code}"] = name
    return {family: names.get(family, family) for family in families}
