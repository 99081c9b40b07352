"""Which countries and areas the synthetic data uses, and how crowded each area is.

Countries: crisis countries first (in the order below, when the reference data has their admin-2
areas), then other countries with admin-2 areas in a seeded order. Programmes are spread over the
countries roughly in proportion to their number of areas, and inside a country by a seeded
Zipf-like weight per admin-2 area: a few crowded districts and a long tail of quiet ones, never
thousands of programmes in one district.
"""

import random
from dataclasses import dataclass, field

from django.db.models import Count

from coordination.synthetic.context import Picker, zipf_weights
from reference.choices import AreaLevel
from reference.models import Area

CRISIS_COUNTRIES = (
    "SS", "SD", "SO", "ET", "ML", "NE", "BF", "CD", "CF", "NG", "YE", "AF", "SY", "HT", "MZ",
    "MM", "TD", "CM", "LY", "IQ", "LB", "PS", "UA", "BI", "VE", "CO", "BD", "PK", "MG", "ZW",
)  # fmt: skip
# Crowding inside a country: weight of the admin-2 area ranked r is 1 / (r + OFFSET) ** EXPONENT.
AREA_EXPONENT = 0.6
AREA_OFFSET = 4.0


@dataclass(slots=True, eq=False)  # identity: regions are dictionary keys
class Region:
    """An admin-1 area with its admin-2 areas and how they attract programmes."""

    id: int
    name: str
    districts: list[int] = field(default_factory=list)
    district_weights: list[float] = field(default_factory=list)
    picker: Picker | None = None

    @property
    def weight(self) -> float:
        return sum(self.district_weights) or 0.05


@dataclass(slots=True, eq=False)
class Country:
    code: str
    id: int
    name: str
    regions: list[Region] = field(default_factory=list)
    share: float = 0.0  # of all programmes
    region_picker: Picker | None = None
    district_picker: Picker | None = None
    region_of: dict[int, Region] = field(default_factory=dict)  # admin-2 id -> its region

    def district(self, rng: random.Random) -> int:
        return self.district_picker.pick(rng) if self.district_picker else self.region(rng).id

    def region(self, rng: random.Random) -> Region:
        return self.region_picker.pick(rng)

    def districts_near(self, rng: random.Random, region: Region, count: int) -> list[int]:
        """Up to `count` admin-2 areas of one region (programmes with several locations stay close)."""
        if not region.picker:
            return []
        return [region.picker.pick(rng) for _ in range(count)]


def available_countries() -> list[str]:
    """ISO-2 codes of countries with admin-2 areas that have a materialised path."""
    rows = (
        Area.objects.filter(level=AreaLevel.ADMIN2)
        .exclude(path="")
        .order_by()
        .values("country_code")
        .annotate(n=Count("pk"))
    )
    return sorted(row["country_code"] for row in rows if row["n"])


def choose_countries(rng: random.Random, count: int, available: list[str]) -> list[str]:
    crisis = [code for code in CRISIS_COUNTRIES if code in available]
    others = [code for code in available if code not in crisis]
    rng.shuffle(others)
    return (crisis + others)[:count]


def load_countries(rng: random.Random, codes: list[str]) -> tuple[list[Country], dict[int, str]]:
    """Areas of the chosen countries in one query, with seeded crowding weights; and area names."""
    rows = (
        Area.objects.filter(country_code__in=codes)
        .order_by("path")
        .values_list("pk", "name", "level", "parent_id", "country_code")
    )
    countries: dict[str, Country] = {}
    regions: dict[int, Region] = {}
    districts: dict[str, list[tuple[int, Region]]] = {code: [] for code in codes}
    names: dict[int, str] = {}
    for pk, name, level, parent_id, code in rows:
        names[pk] = name
        if level == AreaLevel.COUNTRY:
            countries[code] = Country(code=code, id=pk, name=name)
        elif level == AreaLevel.ADMIN1:
            regions[pk] = Region(id=pk, name=name)
            countries[code].regions.append(regions[pk])
        elif parent_id in regions:
            districts[code].append((pk, regions[parent_id]))
    for code, country in countries.items():
        _weigh(rng, country, districts[code])
    _share_programmes(countries.values())
    return [countries[code] for code in codes if code in countries], names


def _weigh(rng: random.Random, country: Country, districts: list[tuple[int, Region]]) -> None:
    ranks = list(range(len(districts)))
    rng.shuffle(ranks)
    weights = zipf_weights(len(districts), AREA_EXPONENT, AREA_OFFSET)
    for (district_id, region), rank in zip(districts, ranks, strict=True):
        region.districts.append(district_id)
        region.district_weights.append(weights[rank])
        country.region_of[district_id] = region
    for region in country.regions:
        region.picker = Picker(region.districts, region.district_weights) if region.districts else None
    country.region_picker = Picker(country.regions, [region.weight for region in country.regions])
    if districts:
        country.district_picker = Picker([d for d, _ in districts], [weights[rank] for rank in ranks])


def _share_programmes(countries) -> None:
    """More areas, more programmes; admin-1 areas count most because region-wide programmes pair
    with everything below them (the square root of the admin-2 count keeps big countries in check)."""
    raw = {c.code: len(c.regions) + 2 * len(c.region_of) ** 0.5 for c in countries}
    total = sum(raw.values()) or 1
    for country in countries:
        country.share = raw[country.code] / total
