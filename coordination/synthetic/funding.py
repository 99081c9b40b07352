"""Funding agreements (about N/20) with yearly tranches and sub-grant chains to local partners.

Top-level agreements follow the funding participants of the programmes: donor → lead implementer,
for the programmes that pair funds. Money for national and local organisations mostly travels
through an international intermediary (tier 2) and sometimes one step further (a national NGO to a
local one), as in real humanitarian funding; amounts are in NOK.
"""

import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from coordination.synthetic.actors import ActorInfo
from coordination.synthetic.context import Synth, insert, weighted
from coordination.synthetic.programmes import ProgrammeRow
from funding.choices import Earmarking, Modality, Stream, TrancheKind
from funding.models import FundingAgreement, Tranche

SUB_GRANT_SHARE = 0.3  # of all agreements
TIER3_SHARE = 1 / 6  # of the sub-grants
YEARS = {Stream.HUMANITARIAN: {1: 60, 2: 30, 3: 10}, Stream.DEVELOPMENT: {2: 30, 3: 40, 4: 30},
         Stream.PEACE: {1: 30, 2: 40, 3: 30}}  # fmt: skip
EARMARKING = {
    Stream.HUMANITARIAN: {Earmarking.UNEARMARKED: 10, Earmarking.SOFTLY_EARMARKED: 30, Earmarking.EARMARKED: 45,
                          Earmarking.TIGHTLY_EARMARKED: 15},
    Stream.DEVELOPMENT: {Earmarking.SOFTLY_EARMARKED: 15, Earmarking.EARMARKED: 55, Earmarking.TIGHTLY_EARMARKED: 30},
    Stream.PEACE: {Earmarking.SOFTLY_EARMARKED: 25, Earmarking.EARMARKED: 50, Earmarking.TIGHTLY_EARMARKED: 25},
}  # fmt: skip
MODALITIES = {Modality.PROJECT: 55, Modality.PROGRAMME: 25, Modality.STRATEGIC_PARTNERSHIP: 12, Modality.CORE: 8}
UNITS = {"MFA": "Section for Humanitarian Affairs", "Norad": "Department for Human Development"}


@dataclass(slots=True)
class Deal:
    agreement: FundingAgreement
    country: str
    funded: list[ProgrammeRow]
    recipient: ActorInfo
    local_partner: ActorInfo | None = None  # who a sub-grant should reach
    countries: list[int] = field(default_factory=list)


def build_funding(synth: Synth) -> None:
    started = time.perf_counter()
    total = synth.scale.agreements
    sub_grants = int(total * SUB_GRANT_SHARE)
    tier3 = int(sub_grants * TIER3_SHARE)
    funded_rows = [row for row in synth.programmes.rows if row.funder is not None]
    top = [_top_level(synth, funded_rows, serial) for serial in range(1, total - sub_grants + 1)] if funded_rows else []
    insert(FundingAgreement, [deal.agreement for deal in top])
    tier2 = _sub_grants(synth, top, sub_grants - tier3, first_serial=len(top) + 1, local_only=False)
    insert(FundingAgreement, [deal.agreement for deal in tier2])
    tier3_deals = _sub_grants(synth, tier2, tier3, first_serial=len(top) + len(tier2) + 1, local_only=True)
    insert(FundingAgreement, [deal.agreement for deal in tier3_deals])
    serial = len(top) + len(tier2) + len(tier3_deals)
    # Where no partner could take a sub-grant (small data sets), more top-level agreements make up the count.
    extra = [_top_level(synth, funded_rows, serial + n) for n in range(1, total - serial + 1)] if funded_rows else []
    insert(FundingAgreement, [deal.agreement for deal in extra])
    deals = top + extra + tier2 + tier3_deals
    tranches = insert(Tranche, [t for deal in deals for t in _tranches(synth, deal.agreement)])
    funded_through = FundingAgreement.funded_programmes.through
    funded = [
        funded_through(fundingagreement_id=deal.agreement.pk, programme_id=row.id)
        for deal in deals
        for row in deal.funded
    ]
    insert(funded_through, funded)
    countries_through = FundingAgreement.countries.through
    countries = [
        countries_through(fundingagreement_id=deal.agreement.pk, area_id=area)
        for deal in deals
        for area in deal.countries
    ]
    insert(countries_through, countries)
    synth.progress.done(
        "funding", started, agreements=len(deals), sub_grants=len(tier2) + len(tier3_deals), tranches=len(tranches),
        funded_programmes=len(funded), agreement_countries=len(countries),
    )  # fmt: skip


def _stream(row: ProgrammeRow) -> str:
    if row.pillars.startswith("H"):
        return Stream.HUMANITARIAN
    return Stream.PEACE if row.pillars == "P" else Stream.DEVELOPMENT


def _top_level(synth: Synth, funded_rows: list[ProgrammeRow], serial: int) -> Deal:
    rng, index, pools = synth.rng, synth.programmes, synth.actors
    row = rng.choice(funded_rows)
    donor, stream = row.funder, _stream(row)
    recipient, local_partner = row.lead, None
    via_intermediary = 0.4 if donor.kind == "un_agency" else 0.8  # pooled funds fund local partners directly
    if row.lead.is_national_or_local and rng.random() < via_intermediary:
        # Most money for local organisations goes through an international intermediary first.
        intermediaries = [i for i in pools.working_in[row.country] if i.group in ("un", "ingo", "nngo")]
        if intermediaries:
            recipient, local_partner = rng.choice(intermediaries), row.lead
    elif row.partner is not None:
        local_partner = row.partner
    deal_rows = index.by_deal.get((donor.id, row.lead.id), [row])
    funded = list(dict.fromkeys([row, *rng.sample(deal_rows, min(len(deal_rows), rng.randint(0, 3)))]))
    funded = [r for r in funded if r.country == row.country]
    years = weighted(rng, YEARS[stream])
    first_year = min(max(row.start.year, synth.as_of.year - 6), synth.as_of.year + 1)
    amount = sum(r.budget_nok for r in funded) * rng.uniform(0.4, 0.9)
    development = stream == Stream.DEVELOPMENT
    crisis_modifier = development and rng.random() < 0.25
    agreement = FundingAgreement(
        reference=f"{_prefix(donor)}-{first_year}/{serial:06d}",
        donor_id=donor.id,
        recipient_id=recipient.id,
        stream=stream,
        modality=weighted(rng, MODALITIES),
        start_date=date(first_year, 1, 1),
        end_date=date(first_year + years - 1, 12, 31),
        amount=_nok(max(amount, 100_000)),
        currency="NOK",
        earmarking=weighted(rng, EARMARKING[stream]),
        crisis_modifier=crisis_modifier,
        crisis_modifier_share=Decimal(rng.choice((10, 15, 20, 30))) if crisis_modifier else None,
        requires_government_approval=rng.random() < (0.10 if development else 0.04),
        nexus_requirements="Report on links to humanitarian and peace actors in the area."
        if rng.random() < 0.2
        else "",
        responsible_unit=UNITS.get(donor.acronym, donor.name)[:200],
    )
    countries = [synth.country(row.country).id] if rng.random() < 0.5 else []
    return Deal(agreement, row.country, funded, recipient, local_partner, countries)


def _sub_grants(synth: Synth, parents: list[Deal], count: int, first_serial: int, local_only: bool) -> list[Deal]:
    """Sub-grants from a parent's recipient to a national or local partner (tier 2), or from a
    national NGO to a local one (tier 3). Parents with a known local partner come first."""
    rng, pools = synth.rng, synth.actors
    if local_only:
        eligible = [deal for deal in parents if deal.recipient.localness == "national"]
    else:
        eligible = [deal for deal in parents if not deal.recipient.is_national_or_local]
    preferred = [deal for deal in eligible if deal.local_partner is not None]
    deals: list[Deal] = []
    for _attempt in range(count * 10):
        pool = preferred if preferred and rng.random() < 0.7 else eligible
        if not pool or len(deals) == count:
            break
        serial = first_serial + len(deals)
        parent = rng.choice(pool)
        row = parent.funded[0]
        if local_only or parent.local_partner is None:
            nearby = pools.local_in_region.get(row.region) or []
            candidates = nearby if local_only else nearby + pools.national_in.get(parent.country, [])
            recipient = rng.choice(candidates) if candidates else None
        else:
            recipient = parent.local_partner
        if recipient is None or recipient.id == parent.recipient.id:
            continue
        agreement = FundingAgreement(
            reference=f"{_prefix(parent.recipient)}-SUB/{serial:06d}",
            donor_id=parent.recipient.id,
            recipient_id=recipient.id,
            parent_id=parent.agreement.pk,
            stream=parent.agreement.stream,
            modality=Modality.PROJECT,
            start_date=parent.agreement.start_date,
            end_date=parent.agreement.end_date,
            amount=_nok(float(parent.agreement.amount) * rng.uniform(0.1, 0.4)),
            currency="NOK",
            earmarking=weighted(rng, {Earmarking.EARMARKED: 60, Earmarking.TIGHTLY_EARMARKED: 40}),
            responsible_unit=parent.recipient.name[:200],
        )
        deals.append(Deal(agreement, parent.country, [row], recipient))
    return deals


def _tranches(synth: Synth, agreement: FundingAgreement) -> list[Tranche]:
    """A planned tranche per year; past years also have what was disbursed (a little less, often)."""
    rng = synth.rng
    years = list(range(agreement.start_date.year, agreement.end_date.year + 1))
    share = (agreement.amount / len(years)).quantize(Decimal("0.01"))
    tranches = []
    for position, year in enumerate(years):
        planned = share if position < len(years) - 1 else agreement.amount - share * (len(years) - 1)
        tranches.append(Tranche(agreement_id=agreement.pk, year=year, amount=planned, kind=TrancheKind.PLANNED))
        if year < synth.as_of.year:
            disbursed = (planned * Decimal(rng.uniform(0.85, 1.0))).quantize(Decimal("0.01"))
            tranches.append(Tranche(agreement_id=agreement.pk, year=year, amount=disbursed, kind=TrancheKind.DISBURSED))
    return tranches


def _prefix(actor: ActorInfo) -> str:
    return (actor.acronym or "AGR").replace(" ", "")[:12]


def _nok(amount: float) -> Decimal:
    return Decimal(round(amount, -3)).quantize(Decimal("0.01"))
