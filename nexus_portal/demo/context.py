"""State shared by the demo builders: the as-of date, the seeded random generator and looked-up rows."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from actors.models import Actor, User
from programmes.models import Programme
from reference.choices import SectorVocabulary
from reference.models import Area, Sector

SEED = 2026


class MissingReferenceData(LookupError):
    """An area or sector the demo needs is not in the database."""


@dataclass
class DemoContext:
    as_of: date
    areas: dict[str, Area]
    sectors: dict[tuple[int, str], Sector]
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    actors: dict[str, Actor] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    # Programmes built by programmes.py (not by cases): the ones goals.py may attach to goals.
    background: list[Programme] = field(default_factory=list)
    # Days before the as-of date each programme record was last edited; applied at the very end because
    # updated_at is auto_now (every save would reset it).
    last_edited: dict[int, int] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.as_of.year

    def day(self, offset: int) -> date:
        """The as-of date shifted by `offset` days (negative: in the past)."""
        return self.as_of + timedelta(days=offset)

    def area(self, pcode: str) -> Area:
        try:
            return self.areas[pcode]
        except KeyError:
            raise MissingReferenceData(f"area {pcode}") from None

    def sector(self, code: str) -> Sector:
        """A sector by code: 5 digits are DAC 5-digit, 3 digits DAC 3-digit, anything else a cluster."""
        if code.isdigit():
            vocabulary = SectorVocabulary.DAC5 if len(code) == 5 else SectorVocabulary.DAC3
        else:
            vocabulary = SectorVocabulary.CLUSTER
        try:
            return self.sectors[(vocabulary, code)]
        except KeyError:
            raise MissingReferenceData(f"sector {code} (vocabulary {vocabulary})") from None

    def actor(self, key: str) -> Actor:
        return self.actors[key]


def load_context(as_of: date, pcodes: set[str]) -> DemoContext:
    areas = {area.pcode: area for area in Area.objects.filter(pcode__in=pcodes)}
    missing = sorted(pcodes - set(areas))
    if missing:
        raise MissingReferenceData(f"areas {', '.join(missing[:8])}{' …' if len(missing) > 8 else ''}")
    sectors = {(sector.vocabulary, sector.code): sector for sector in Sector.objects.all()}
    return DemoContext(as_of=as_of, areas=areas, sectors=sectors)
