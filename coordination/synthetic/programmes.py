"""Synthetic programmes with their locations, sectors and participants, written in batches.

Only a compact row per programme (ids, dates, actors) stays in memory for the later phases; model
instances live for one batch. `updated_at` is auto_now, so the spread of last-edit dates (some
records stale) is written afterwards with one UPDATE per week of age.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from coordination.engine.timeline import is_active
from coordination.synthetic.actors import ActorInfo
from coordination.synthetic.context import BATCH_SIZE, MARKER, Synth, add_months, chunks, insert, split_percentages
from coordination.synthetic.context import weighted as pick_weighted
from coordination.synthetic.footprints import Footprint, Footprints
from coordination.synthetic.themes import PILLAR_MIX, THEMES, Theme, title_for
from programmes.choices import ActivityStatus as S
from programmes.choices import OrganisationRole
from programmes.models import Programme, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from reference.choices import SectorVocabulary

LEVEL_MIX = {2: 70, 1: 20, 0: 10}
LOCATION_COUNT = {1: 60, 2: 25, 3: 15}
FUNDERS = {
    "H": {"embassy": 22, "mfa": 25, "pooled": 15, "other": 25, None: 13},
    "D": {"norad": 30, "embassy": 30, "other": 22, "mfa": 5, None: 13},
    "P": {"mfa": 40, "embassy": 40, "other": 12, None: 8},
}
MEDIAN_BUDGET_USD = {"un": 4e6, "ingo": 1.2e6, "nngo": 1.2e6, "rc": 1e6, "national": 3e5, "local": 8e4,
                     "authority": 5e5, "other": 2e5}  # fmt: skip
CURRENCIES = {"USD": (45, 1.0), "NOK": (35, 10.5), "EUR": (20, 0.92)}  # weight, units per USD
NOK_PER_USD = 10.5


@dataclass(slots=True, eq=False)  # identity: rows are used in sets and as keys
class ProgrammeRow:
    """What later phases need: where, when, who, how much. No model instance."""

    id: int
    country: str
    region: int | None  # admin-1 area of the first location (None for country-level programmes)
    areas: tuple[int, ...]
    pillars: str
    status: int
    start: date
    end: date | None
    lead: ActorInfo
    partner: ActorInfo | None
    funder: ActorInfo | None
    budget_nok: float

    def active(self, as_of: date) -> bool:
        return is_active(status=self.status, start=self.start, end=self.end, as_of=as_of)


@dataclass
class ProgrammeIndex:
    rows: list[ProgrammeRow] = field(default_factory=list)
    by_region: dict[int, list[ProgrammeRow]] = field(default_factory=lambda: defaultdict(list))
    by_country: dict[str, list[ProgrammeRow]] = field(default_factory=lambda: defaultdict(list))
    by_deal: dict[tuple[int, int], list[ProgrammeRow]] = field(default_factory=lambda: defaultdict(list))
    by_lead: dict[int, list[ProgrammeRow]] = field(default_factory=lambda: defaultdict(list))

    def add(self, row: ProgrammeRow) -> None:
        self.rows.append(row)
        self.by_country[row.country].append(row)
        if row.region is not None:
            self.by_region[row.region].append(row)
        if row.funder is not None:
            self.by_deal[(row.funder.id, row.lead.id)].append(row)
        self.by_lead[row.lead.id].append(row)


@dataclass(slots=True)
class Draft:
    programme: Programme
    row: ProgrammeRow
    sectors: list[tuple[int, int]]  # sector id, percentage
    participants: list[tuple[int, int]]  # actor id, IATI role
    updated_days_ago: int


def build_programmes(synth: Synth) -> ProgrammeIndex:
    started = time.perf_counter()
    index = ProgrammeIndex()
    footprints = Footprints(synth.rng, {mix: [t for t in THEMES if t.pillars == mix] for mix in PILLAR_MIX})
    staleness: dict[int, list[int]] = defaultdict(list)
    counts = defaultdict(int)
    for first in range(0, synth.scale.programmes, BATCH_SIZE):
        last = min(synth.scale.programmes, first + BATCH_SIZE)
        drafts = [_draft(synth, serial + 1, footprints) for serial in range(first, last)]
        insert(Programme, [draft.programme for draft in drafts])
        locations, sectors, participants = [], [], []
        for draft in drafts:
            pk = draft.row.id = draft.programme.pk
            locations += [ProgrammeLocation(programme_id=pk, area_id=area) for area in draft.row.areas]
            sectors += [ProgrammeSector(programme_id=pk, sector_id=s, percentage=Decimal(p)) for s, p in draft.sectors]
            participants += [ProgrammeParticipant(programme_id=pk, actor_id=a, role=r) for a, r in draft.participants]
            staleness[draft.updated_days_ago // 7].append(pk)
            index.add(draft.row)
        counts["locations"] += len(insert(ProgrammeLocation, locations))
        counts["sectors"] += len(insert(ProgrammeSector, sectors))
        counts["participants"] += len(insert(ProgrammeParticipant, participants))
        synth.progress.write(f"  … {last:,} programmes ({time.perf_counter() - started:.1f} s)")
    _backdate(synth, staleness)
    synth.progress.done("programmes", started, programmes=len(index.rows), **counts)
    return index


def _draft(synth: Synth, serial: int, footprints: Footprints) -> Draft:
    rng, pools, as_of = synth.rng, synth.actors, synth.as_of
    country = synth.pick_country()
    mix = pick_weighted(rng, PILLAR_MIX)
    lead = pools.implementers[(country.code, rng.choice(mix))].pick(rng)
    home = synth.regions.get(lead.region) if lead.region else None
    footprint = footprints.of(lead, country, home)
    theme = footprints.theme(lead, footprint, mix)
    region, areas = _locations(synth, footprints, footprint, country, home)
    start, end, status = _period(synth, mix)
    planned_start, actual_start, actual_end = start, None, None
    if status != S.PIPELINE:
        actual_start = start
        planned_start = start - timedelta(days=rng.choice((0, 0, 0, rng.randint(7, 90))))
        if status in (S.CLOSED, S.FINALISATION) or (status == S.CANCELLED and end and end < as_of):
            actual_end = end
    partner = _partner(synth, country.code, region, lead)
    funder = _funder(synth, country.code, mix[0], lead)
    reporter = funder if funder and funder.kind == "embassy" and rng.random() < 0.3 else lead
    currency = pick_weighted(rng, {code: weight for code, (weight, _) in CURRENCIES.items()})
    months = 24 if end is None else max(6, (end - start).days // 30)
    budget_usd = MEDIAN_BUDGET_USD.get(lead.group, 5e5) * rng.lognormvariate(0, 0.9) * months / 24
    place = synth.area_names[areas[0]]
    programme = Programme(
        title=title_for(rng, theme, place),
        description=f"{theme.phrase[0].upper()}{theme.phrase[1:]} in {place}, led by {lead.name}.",
        iati_identifier=f"{MARKER}{serial:07d}",
        reporting_actor_id=reporter.id,
        pillar_h="H" in mix,
        pillar_d="D" in mix,
        pillar_p="P" in mix,
        pillars_explicit=True,
        humanitarian="H" in mix,
        status=status,
        planned_start=planned_start,
        planned_end=end,
        actual_start=actual_start,
        actual_end=actual_end,
        total_budget=Decimal(round(budget_usd * CURRENCIES[currency][1], -2)),
        currency=currency,
        target_groups=theme.target,
    )
    if "H" in mix and rng.random() < 0.3:
        _transition_plan(synth, programme, country.code, region, lead, end)
    participants = [(lead.id, OrganisationRole.IMPLEMENTING)]
    participants += [(partner.id, OrganisationRole.IMPLEMENTING)] if partner else []
    participants += [(funder.id, OrganisationRole.FUNDING)] if funder else []
    row = ProgrammeRow(0, country.code, region, areas, mix, status, start, end, lead, partner, funder,
                       budget_usd * NOK_PER_USD)  # fmt: skip
    return Draft(programme, row, _sectors(synth, theme), participants, _updated_days_ago(synth))


def _locations(synth: Synth, footprints: Footprints, footprint: Footprint, country, home):
    """Most programmes work in districts (admin-2), some region-wide, a few country-wide; local
    organisations stay in their home region; several locations of one programme stay close together."""
    rng = synth.rng
    count = pick_weighted(rng, LOCATION_COUNT)
    level = pick_weighted(rng, LEVEL_MIX) if home is None else (2 if rng.random() < 0.75 else 1)
    if level == 0:
        return None, (country.id,)
    first = footprints.district(footprint, country, local=home is not None) if level == 2 else None
    if first is not None:
        region = country.region_of[first]
        areas = [first, *country.districts_near(rng, region, count - 1)]
    else:
        region = home or footprints.region(footprint, country)
        areas = [region.id, *([country.region(rng).id] if count == 3 and home is None else [])]
    return region.id, tuple(dict.fromkeys(areas))


def _period(synth: Synth, mix: str) -> tuple[date, date | None, int]:
    """Starts over the last six years (more of them recent), 6–60 months long, some open-ended;
    the status mostly follows the dates, with some records left behind (realistic staleness)."""
    rng, as_of = synth.rng, synth.as_of
    if rng.random() < 0.07:
        start = as_of + timedelta(days=rng.randint(1, 180))
    else:
        start = as_of - timedelta(days=int(2190 * rng.random() ** 1.8))
    short = mix in ("H", "HP")  # humanitarian projects run shorter
    months = int(rng.triangular(6, 36, 12) if short else rng.triangular(12, 60, 36))
    end = None if mix != "H" and rng.random() < 0.05 else add_months(start, months) - timedelta(days=1)
    if start > as_of:
        status = S.PIPELINE
    elif end is not None and end < as_of:
        status = pick_weighted(rng, {S.CLOSED: 80, S.FINALISATION: 8, S.IMPLEMENTATION: 10, S.CANCELLED: 2})
    else:
        status = pick_weighted(rng, {S.IMPLEMENTATION: 93, S.SUSPENDED: 3, S.PIPELINE: 2, S.CANCELLED: 2})
    return start, end, int(status)


def _partner(synth: Synth, code: str, region: int | None, lead: ActorInfo) -> ActorInfo | None:
    """International organisations often work through a national or local partner."""
    rng, pools = synth.rng, synth.actors
    if lead.is_national_or_local or rng.random() >= 0.3:
        return None
    candidates = pools.local_in_region.get(region) or pools.national_in.get(code) or []
    partner = rng.choice(candidates) if candidates else None
    return partner if partner is not lead else None


def _funder(synth: Synth, code: str, pillar: str, lead: ActorInfo) -> ActorInfo | None:
    rng, pools = synth.rng, synth.actors
    source = pick_weighted(rng, FUNDERS[pillar])
    funder = {
        None: None,
        "embassy": pools.embassy[code],
        "mfa": pools.mfa,
        "norad": pools.norad,
        "pooled": pools.pooled_fund[code],
        "other": rng.choice(pools.other_donors),
    }[source]
    return funder if funder is not lead else None


def _transition_plan(synth: Synth, programme: Programme, code: str, region, lead, end: date | None) -> None:
    rng, pools = synth.rng, synth.actors
    successors = pools.local_in_region.get(region) or pools.national_in.get(code) or []
    successor = rng.choice(successors) if successors else None
    handover = end - timedelta(days=90) if end else synth.as_of + timedelta(days=365)
    programme.transition_plan = (
        f"Services are handed over to {successor.name if successor else 'the local authorities'} and "
        f"community committees from {handover:%B %Y}; staff are seconded during the last six months."
    )
    if successor is not None and successor is not lead and rng.random() < 0.6:
        programme.handover_actor_id = successor.id
        programme.planned_handover_date = handover


def _sectors(synth: Synth, theme: Theme) -> list[tuple[int, int]]:
    rng = synth.rng
    groups = [(SectorVocabulary.CLUSTER, theme.clusters)]
    if not theme.clusters or rng.random() < 0.5:  # humanitarian programmes report DAC codes half the time
        groups.append((SectorVocabulary.DAC5, theme.dac[: rng.randint(1, len(theme.dac))] if theme.dac else ()))
    shares = []
    for vocabulary, codes in groups:
        ids = [synth.sectors[(vocabulary, code)] for code in codes if (vocabulary, code) in synth.sectors]
        shares += zip(ids, split_percentages(rng, len(ids)), strict=True) if ids else []
    return shares


def _updated_days_ago(synth: Synth) -> int:
    """Most records are edited now and then; about a third are left alone for more than six months."""
    rng = synth.rng
    days = pick_weighted(rng, {(0, 150): 62, (150, 400): 23, (400, 900): 15})
    return rng.randint(*days)


def _backdate(synth: Synth, staleness: dict[int, list[int]]) -> None:
    for week in sorted(staleness):
        moment = synth.moment(synth.as_of - timedelta(days=week * 7 + 3))
        for ids in chunks(staleness[week]):
            Programme.objects.filter(pk__in=ids).update(updated_at=moment, created_at=moment)
