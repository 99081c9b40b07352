"""Background programmes: realistic work of every pillar and status around the rule cases.

They never touch a case area (places.py). Every goal region gets at least one active humanitarian and
one active development programme first, so its goal has contributions from two pillars.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from nexus_portal.demo import build as b
from nexus_portal.demo.actors import ACTORS
from nexus_portal.demo.context import DemoContext
from nexus_portal.demo.places import (
    ADMIN1_LOCATIONS_ALLOWED,
    BACKGROUND_AREAS,
    BACKGROUND_PER_COUNTRY,
    COUNTRIES,
    COUNTRY_LEVEL_BACKGROUND,
    GOAL_REGIONS,
)
from nexus_portal.demo.themes import DEVELOPMENT, HUMANITARIAN, THEME_WEIGHTS, Theme
from programmes.choices import ActivityStatus as A
from programmes.choices import LinkStatus, LinkType
from programmes.models import Programme, ProgrammeLocation

STATUS_WEIGHTS = {A.IMPLEMENTATION: 62, A.PIPELINE: 10, A.FINALISATION: 5, A.CLOSED: 13, A.CANCELLED: 4, A.SUSPENDED: 6}
EMBASSY = {"SS": "emb_juba", "ML": "emb_bamako", "SO": "emb_nairobi"}
POOLED_FUND = {"SS": "sshf", "SO": "shf"}
LOCAL_PARTNERS = {
    "SS": ("acdi", "jwpn", "ela", "unrda", "jyp", "ssrc"),
    "ML": ("amdr", "fpm", "gas", "crm"),
    "SO": ("gcro", "swdn", "brwa", "srcs"),
}
COUNTRIES_OF = {spec.key: set(spec.countries) for spec in ACTORS}
SPECS = {spec.key: spec for spec in ACTORS}


@dataclass(frozen=True)
class Slot:
    country: str
    region: str | None  # None: located at country level only
    family: list[Theme] | None = None  # forced theme family (goal regions)
    status: int | None = None  # forced status


def plan_slots(ctx: DemoContext, country: str) -> list[Slot]:
    regions = sorted(BACKGROUND_AREAS[country])
    slots = []
    for region in regions:
        if region in GOAL_REGIONS:
            slots.append(Slot(country, region, HUMANITARIAN, A.IMPLEMENTATION))
            slots.append(Slot(country, region, DEVELOPMENT, A.IMPLEMENTATION))
    while len(slots) < BACKGROUND_PER_COUNTRY[country]:
        country_level = country in COUNTRY_LEVEL_BACKGROUND and ctx.rng.random() < 0.08
        slots.append(Slot(country, None if country_level else ctx.rng.choice(regions)))
    return slots


def pick_theme(ctx: DemoContext, slot: Slot) -> tuple[Theme, str]:
    """A theme and an implementer that works in the slot's country."""
    while True:
        if slot.family:
            family = slot.family
        else:
            families, weights = zip(*THEME_WEIGHTS, strict=True)
            family = ctx.rng.choices(families, weights)[0]
        theme = ctx.rng.choice(family)
        candidates = [key for key in theme.implementers if slot.country in COUNTRIES_OF[key]]
        if candidates:
            return theme, ctx.rng.choice(candidates)


def pick_locations(ctx: DemoContext, slot: Slot) -> list[str]:
    if slot.region is None:
        return [slot.country]
    if slot.region in ADMIN1_LOCATIONS_ALLOWED and ctx.rng.random() < 0.2:
        return [slot.region]
    areas = BACKGROUND_AREAS[slot.country][slot.region]
    count = 2 if len(areas) > 1 and ctx.rng.random() < 0.2 else 1
    return sorted(ctx.rng.sample(areas, count))


def pick_dates(ctx: DemoContext, status: int) -> tuple[date, date | None]:
    rng, day = ctx.rng, ctx.day
    if status == A.PIPELINE:
        start = day(rng.randint(15, 200))
        return start, day((start - ctx.as_of).days + rng.randint(365, 1100))
    if status == A.CLOSED:
        end = rng.randint(30, 700)
        return day(-end - rng.randint(300, 1100)), day(-end)
    if status == A.FINALISATION:
        return day(-rng.randint(700, 1400)), day(rng.randint(-60, -5))
    if status == A.CANCELLED:
        start = rng.randint(-300, 120)
        return day(start), day(start + rng.randint(365, 900))
    if status == A.SUSPENDED:
        return day(-rng.randint(200, 900)), day(rng.randint(100, 600))
    open_ended = rng.random() < 0.05
    return day(-rng.randint(30, 1100)), None if open_ended else day(rng.randint(60, 900))


def pick_funders(ctx: DemoContext, country: str, pillars: str) -> tuple[list[str], list[str]]:
    """Funding and extending organisations (IATI roles 1 and 3): the MFA or a pooled fund for
    humanitarian work, Norad or the embassy for development, the MFA or the embassy for peace."""
    rng = ctx.rng
    if pillars in ("H", "HP"):
        pooled = POOLED_FUND.get(country)
        return [pooled if pooled and rng.random() < 0.25 else "mfa"], []
    if pillars == "D":
        funder = rng.choice(["norad", EMBASSY[country], "mfa"])
        return [funder], ["norad"] if funder == "mfa" else []
    if pillars == "P":
        return [rng.choice(["mfa", EMBASSY[country]])], []
    return ["mfa", EMBASSY[country]], []


def budget(ctx: DemoContext, implementer: str) -> tuple[int, str]:
    if SPECS[implementer].kind == "un_agency":
        return round(ctx.rng.randint(300_000, 6_000_000), -4), "USD"
    return round(ctx.rng.randint(1_500_000, 40_000_000), -4), "NOK"


def area_label(ctx: DemoContext, locations: list[str]) -> str:
    areas = [ctx.area(pcode) for pcode in locations]
    if areas[0].level == 0:
        return f"{areas[0].name} (country-wide)"
    return " and ".join(area.name for area in areas)


def unique_title(base: str, taken: set[str]) -> str:
    title, phase = base, 2
    while title in taken:
        title, phase = f"{base}, phase {phase}", phase + 1
    taken.add(title)
    return title


def exit_fields(ctx: DemoContext, slot: Slot, reporter: str, pillars: str, status: int, start, end) -> dict:
    """Background humanitarian-only programmes that are long-running or ending soon always have a plan,
    so no-exit-strategy fires only for its deliberate case."""
    if pillars != "H" or status in (A.CLOSED, A.CANCELLED):
        return {}
    needs_plan = (ctx.as_of - start).days >= 640 or end is None or (end - ctx.as_of).days <= 220
    if not needs_plan and ctx.rng.random() > 0.3:
        return {}
    fields = {"transition_plan": "Services move to national partners and county authorities as needs fall."}
    partners = [key for key in LOCAL_PARTNERS[slot.country] if key != reporter]
    if ctx.rng.random() < 0.5:
        fields["handover_actor"] = ctx.rng.choice(partners)
        fields["planned_handover_date"] = end or ctx.day(540)
    return fields


def build_background_programmes(ctx: DemoContext) -> None:
    titles: set[str] = set()
    sequence: dict[str, int] = {}
    for country in COUNTRIES:
        for slot in plan_slots(ctx, country):
            theme, reporter = pick_theme(ctx, slot)
            status = slot.status or ctx.rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
            start, end = pick_dates(ctx, status)
            if slot.status == A.IMPLEMENTATION:  # forced slots must be active for the whole demo
                start, end = ctx.day(-ctx.rng.randint(90, 600)), ctx.day(ctx.rng.randint(240, 700))
            locations = pick_locations(ctx, slot)
            pillars = theme.resolved_pillars
            funders, extending = pick_funders(ctx, country, pillars)
            implementers = [reporter]
            if SPECS[reporter].localness == "international" and ctx.rng.random() < 0.3:
                implementers.append(ctx.rng.choice([key for key in LOCAL_PARTNERS[country] if key != reporter]))
            amount, currency = budget(ctx, reporter)
            label = area_label(ctx, locations)
            short = SPECS[reporter].acronym or SPECS[reporter].name
            iati = ""
            if SPECS[reporter].iati:
                sequence[reporter] = sequence.get(reporter, 0) + 1
                iati = f"{SPECS[reporter].iati}-{country}-{sequence[reporter]:04d}"
            programme = b.programme(
                ctx,
                title=unique_title(f"{label}: {theme.phrase} ({short})", titles),
                description=f"{theme.phrase[0].upper()}{theme.phrase[1:]} in {label}, run by {SPECS[reporter].name}.",
                reporter=reporter,
                pillars=theme.pillars,
                humanitarian=theme.humanitarian or "H" in pillars,
                status=status,
                locations=locations,
                sectors=theme.sectors,
                start=start,
                end=end,
                planned_start=start if status == A.PIPELINE else start - timedelta(days=14),  # started late
                implementers=implementers,
                funders=funders,
                extending=extending,
                budget=amount,
                currency=currency,
                target_groups=theme.target_groups,
                iati_identifier=iati,
                **exit_fields(ctx, slot, reporter, pillars, status, start, end),
            )
            ctx.background.append(programme)


def build_background_links(ctx: DemoContext) -> None:
    """One link between two background programmes of each region, cycling through every link type;
    a few are still proposed or were declined."""
    by_region: dict[str, list[Programme]] = {}
    paths = dict(
        ProgrammeLocation.objects.filter(programme__in=ctx.background)
        .order_by("programme_id", "-area__path")
        .values_list("programme_id", "area__path")
    )
    for programme in ctx.background:
        parts = paths[programme.pk].strip("/").split("/")
        if len(parts) > 1:
            by_region.setdefault(parts[1], []).append(programme)
    types = list(LinkType)
    statuses = [LinkStatus.CONFIRMED] * 4 + [LinkStatus.PROPOSED, LinkStatus.CONFIRMED, LinkStatus.DECLINED]
    for index, region in enumerate(sorted(by_region)):
        members = by_region[region]
        if len(members) < 2:
            continue
        first, second = members[0], members[1]
        b.link(
            first,
            second,
            types[index % len(types)],
            note=f"{first.reporting_actor} and {second.reporting_actor} coordinate in {ctx.area(region).name}.",
            status=statuses[index % len(statuses)],
            proposed_by=ctx.users["ngo_editor"],
        )
