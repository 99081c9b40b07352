"""What every phase of the generator shares: options, scale, the random source, progress output, bulk inserts."""

import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from itertools import accumulate

from django.db import models

BATCH_SIZE = 5_000
MARKER = "SYN-"  # prefix of every generated programme's and actor's IATI identifier


@dataclass(frozen=True)
class Scale:
    """How many rows of each kind N programmes bring (the ratios of the benchmark brief)."""

    programmes: int
    countries: int

    @property
    def actors(self) -> int:
        return max(self.programmes // 50, 60 + 8 * self.countries)

    @property
    def links(self) -> int:
        return self.programmes * 5 // 100

    @property
    def goals(self) -> int:
        return max(2, self.programmes // 500)

    @property
    def analyses(self) -> int:
        return max(6, self.programmes // 100)

    @property
    def events(self) -> int:
        return max(3, self.programmes // 200)

    @property
    def agreements(self) -> int:
        return max(6, self.programmes // 20)

    @property
    def requests(self) -> int:
        return max(4, self.programmes // 200)


class Progress:
    """Prints one line per phase: rows written and time taken, so a long run shows where it is."""

    def __init__(self, write):
        self.write = write
        self.started = time.perf_counter()
        self.counts: dict[str, int] = {}

    def done(self, phase: str, phase_started: float, **rows: int) -> None:
        self.counts.update(rows)
        now = time.perf_counter()
        detail = ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in rows.items())
        self.write(f"{phase:<12} {detail}  ({now - phase_started:.1f} s, total {now - self.started:.1f} s)")

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started


@dataclass
class Synth:
    """The generator's state: options, the one random source, and what earlier phases built."""

    scale: Scale
    seed: int
    as_of: date
    progress: Progress
    rng: random.Random = field(init=False)
    countries: list = field(default_factory=list)  # places.Country, in the order chosen
    regions: dict = field(default_factory=dict)  # admin-1 id -> places.Region
    area_names: dict = field(default_factory=dict)  # area id -> name, for titles
    sectors: dict = field(default_factory=dict)  # (vocabulary, code) -> sector id
    actors: object = None  # actors.ActorPools
    programmes: object = None  # programmes.ProgrammeIndex
    generated_seconds: float = 0.0
    _country_picker: "Picker | None" = None

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    def use_countries(self, countries: list) -> None:
        self.countries = countries
        self._country_picker = Picker(countries, [country.share for country in countries])
        self.regions = {region.id: region for country in countries for region in country.regions}

    def country(self, code: str):
        return next(country for country in self.countries if country.code == code)

    def pick_country(self):
        """A country in proportion to its share of programmes."""
        return self._country_picker.pick(self.rng)

    def days_ago(self, days: int) -> date:
        return self.as_of - timedelta(days=days)

    def moment(self, day: date) -> datetime:
        """A timestamp on `day` (office hours, UTC) for created/updated columns."""
        return datetime.combine(day, clock(9), tzinfo=UTC)


class Picker:
    """Weighted choice with cumulative weights: O(log n) per draw, deterministic for a seeded rng."""

    __slots__ = ("cum", "items")

    def __init__(self, items: list, weights: Iterable[float]):
        self.items = list(items)
        self.cum = list(accumulate(weights))
        if len(self.cum) != len(self.items):
            raise ValueError("one weight per item")

    def __bool__(self) -> bool:
        return bool(self.items) and self.cum[-1] > 0

    def pick(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.cum)[0]


def weighted(rng: random.Random, table: dict):
    """One key of {key: weight}, by weight."""
    return rng.choices(list(table), weights=list(table.values()))[0]


def zipf_weights(n: int, exponent: float, offset: float = 1.0) -> list[float]:
    """Weights of ranks 0..n-1: a few large ones and a long, flat tail."""
    return [1 / (rank + offset) ** exponent for rank in range(n)]


def chunks(items: list, size: int = BATCH_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert(model: type[models.Model], objs: list) -> list:
    """bulk_create in batches (no signals: the generator marks countries dirty itself)."""
    if objs:
        model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    return objs


def split_percentages(rng: random.Random, n: int) -> list[int]:
    """n whole percentages summing to 100, the first the largest (a main sector and minor ones)."""
    if n == 1:
        return [100]
    shares = sorted((rng.randint(10, 60) for _ in range(n)), reverse=True)
    total = sum(shares)
    percentages = [max(5, round(share * 100 / total)) for share in shares]
    percentages[0] += 100 - sum(percentages)
    return percentages


def add_months(day: date, months: int) -> date:
    from analyses.models import add_months as clamp_add

    return clamp_add(day, months)
