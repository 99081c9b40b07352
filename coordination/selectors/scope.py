"""What every dashboard metric counts over, defined once with the rule engine's own definitions.

- Active programme: `coordination.engine.facts.active_programme_filter` (the SQL twin of the rules'
  `is_active`), located in the country (any location there, at any level).
- Running ≥ N months: `start + N months ≤ as-of` (`add_months`, clamped at month ends).
- Admin-1 area of a location: the location itself at level 1, its parent at level 2 (areas go down to
  level 2); a country-level location has none.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import BigIntegerField, Case, F, QuerySet, When

from coordination.engine.facts import active_programme_filter
from coordination.engine.timeline import add_months
from programmes.models import Programme, ProgrammeLocation
from reference.models import Area

PILLARS = ("H", "D", "P")


@dataclass(frozen=True)
class Share:
    part: float
    whole: float

    @property
    def percent(self) -> float | None:
        """Part of whole in per cent, one decimal; None when there is nothing to share."""
        return round(float(self.part) * 100 / float(self.whole), 1) if self.whole else None


def pillar_key(h: bool, d: bool, p: bool) -> str:
    """ "HD" for a programme with the humanitarian and development pillars."""
    return "".join(letter for letter, on in zip(PILLARS, (h, d, p), strict=True) if on)


def active_programmes(country_code: str, as_of: date) -> QuerySet:
    """The active programmes with a location in the country, each once (a `pk__in` subquery)."""
    located_here = ProgrammeLocation.objects.filter(area__country_code=country_code).values("programme_id")
    return Programme.objects.filter(active_programme_filter(as_of), pk__in=located_here).order_by()


def active_ids(country_code: str, as_of: date) -> QuerySet:
    return active_programmes(country_code, as_of).values("pk")


def admin1_of(location: str = "") -> Case:
    """The admin-1 area id of a ProgrammeLocation reached through `location` ("" or "…__location_links__")."""
    return Case(
        When(**{f"{location}area__level": 1}, then=F(f"{location}area_id")),
        When(**{f"{location}area__level": 2}, then=F(f"{location}area__parent_id")),
        default=None,
        output_field=BigIntegerField(),
    )


def months_before(day: date, months: int) -> date:
    return add_months(day, -months)


def latest_start_running(months: int, as_of: date) -> date:
    """The latest start date that has run ≥ `months` by `as_of` (`add_months(start, months) ≤ as_of`).

    Not simply `as_of − months`: clamping at month ends means 29 Feb 2024 + 24 months = 28 Feb 2026.
    """
    day = add_months(as_of, -months)
    while add_months(day, months) > as_of:
        day -= timedelta(days=1)
    while add_months(day + timedelta(days=1), months) <= as_of:
        day += timedelta(days=1)
    return day


def start_of_day(day: date) -> datetime:
    """Midnight UTC: the portal's dates are UTC dates (TIME_ZONE = "UTC", as in the rule engine)."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def end_of_day(day: date) -> datetime:
    """The first instant after `day` (compare with `<`)."""
    return start_of_day(day + timedelta(days=1))


def dashboard_countries() -> list[tuple[str, str]]:
    """(ISO-2, name) of the countries where programmes are located, by name."""
    with_programmes = ProgrammeLocation.objects.values("area__country_code")
    rows = Area.objects.countries().filter(country_code__in=with_programmes).order_by("name")
    return list(rows.values_list("pcode", "name"))
