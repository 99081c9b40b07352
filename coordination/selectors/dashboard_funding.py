"""Metrics 3 (localisation) and 5 (funding mix), with the rules' funding arithmetic (funding/amounts.py).

One country's agreements load once (`load_country_agreements`: four queries) and serve every year and
as-of date of the page. Totals count top-level agreements only, in NOK for one calendar year, a
multi-country agreement split evenly. People who are not reviewers get figures over the agreements they
may see (`FundingAgreement.objects.restrict(user)`, one more query); tiers are still read from the
whole chain, so a visible sub-grant keeps its tier even when its parent is hidden.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from actors.access import is_reviewer
from coordination.engine.registry import all_rules
from coordination.rules.localisation_shortfall import _donor_shares
from coordination.selectors.scope import Share
from funding.amounts import ZERO, CountryFunding, load_country_agreements
from funding.choices import Earmarking, Stream
from funding.models import MULTI_YEAR_MIN_DAYS, FundingAgreement

STREAMS = (Stream.HUMANITARIAN.value, Stream.DEVELOPMENT.value, Stream.PEACE.value)


def visible_funding(country_code: str, user) -> CountryFunding:
    """The country's agreements; for a non-reviewer only those the user may see count.

    `agreements` keeps the whole chain (tiers need the parents); `sub_grants` and `counted` hold what counts.
    """
    funding = load_country_agreements(country_code)
    if is_reviewer(user):
        funding.counted = set(funding.agreements)
        return funding
    ids = list(funding.agreements)
    visible = set(FundingAgreement.objects.restrict(user).filter(pk__in=ids).values_list("pk", flat=True))
    funding.counted = visible
    funding.sub_grants = {
        parent: [sub for sub in subs if sub.id in visible] for parent, subs in funding.sub_grants.items()
    }
    return funding


def _top_level_here(funding: CountryFunding) -> list:
    return [a for a in funding.here if a.is_top_level and a.id in funding.counted]


# -- 3. Localisation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DonorShare:
    donor_id: int
    label: str
    total_nok: float
    share: Share


@dataclass(frozen=True)
class Localisation:
    year: int
    total_nok: float
    direct: Share  # tier 1 ÷ humanitarian total
    through_one: Share  # tier 2 ÷ humanitarian total
    target_percent: float
    donors: list[DonorShare]
    not_converted: int

    @property
    def combined(self) -> Share:
        return Share(self.direct.part + self.through_one.part, self.total_nok)


def localisation(funding: CountryFunding, year: int) -> Localisation:
    """3. Humanitarian funding reaching national/local actors directly (tier 1) and through one
    intermediary (tier 2, capped at its parent's amount), against the Grand Bargain's 25 %.

    The localisation-shortfall rule's own sums (`_donor_shares`), added up over the donors."""
    params = all_rules()["localisation-shortfall"].params()
    top_level = [a for a in _top_level_here(funding) if a.stream == Stream.HUMANITARIAN]
    shares = _donor_shares(funding, top_level, year)
    total = sum((s["total"] for s in shares.values()), ZERO)
    direct = sum((s["direct"] for s in shares.values()), ZERO)
    through = sum((s["through"] for s in shares.values()), ZERO)
    donors = [
        DonorShare(donor_id, s["label"], float(s["total"]), Share(float(s["direct"] + s["through"]), float(s["total"])))
        for donor_id, s in shares.items()
        if s["total"] > 0
    ]
    return Localisation(
        year=year,
        total_nok=float(total),
        direct=Share(float(direct), float(total)),
        through_one=Share(float(through), float(total)),
        target_percent=float(Decimal(str(params.target_share)) * 100),
        donors=sorted(donors, key=lambda donor: (donor.share.percent or 0, donor.label)),
        not_converted=len({agreement for s in shares.values() for agreement in s["not_converted"]}),
    )


# -- 5. Funding mix ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundingMix:
    year: int
    by_stream: dict[str, float]  # NOK per stream
    multi_year: Share  # NOK in agreements longer than 12 months ÷ all NOK
    by_earmarking: dict[int, float]  # NOK per IATI earmarking category (1 unearmarked … 4 tightly)
    crisis_modifier: Share  # development agreements with a crisis modifier ÷ development agreements
    not_converted: int  # agreements in a currency without a rate, left out

    @property
    def total_nok(self) -> float:
        return sum(self.by_stream.values())


def funding_mix(funding: CountryFunding, year: int) -> FundingMix:
    """5. The year's money by stream, multi-year share, earmarking, and development agreements with a
    crisis modifier (counted among the development agreements putting money into the country that year)."""
    by_stream: dict[str, Decimal] = dict.fromkeys(STREAMS, ZERO)
    by_earmarking: dict[int, Decimal] = dict.fromkeys(Earmarking.values, ZERO)
    multi_year = ZERO
    development = with_modifier = not_converted = 0
    for agreement in _top_level_here(funding):
        if not agreement.converted:
            not_converted += agreement.start.year <= year <= agreement.end.year
            continue
        amount = agreement.nok_in(funding.country_code, year)
        if amount <= 0:
            continue
        by_stream[agreement.stream] = by_stream.get(agreement.stream, ZERO) + amount
        by_earmarking[agreement.earmarking] = by_earmarking.get(agreement.earmarking, ZERO) + amount
        if (agreement.end - agreement.start).days >= MULTI_YEAR_MIN_DAYS:
            multi_year += amount
        if agreement.stream == Stream.DEVELOPMENT:
            development += 1
            with_modifier += agreement.crisis_modifier
    total = sum(by_stream.values(), ZERO)
    return FundingMix(
        year=year,
        by_stream={str(stream): float(amount) for stream, amount in by_stream.items()},
        multi_year=Share(float(multi_year), float(total)),
        by_earmarking={int(category): float(amount) for category, amount in by_earmarking.items()},
        crisis_modifier=Share(with_modifier, development),
        not_converted=not_converted,
    )


def streams_by_year(funding: CountryFunding, years: list[int]) -> dict[str, list[float]]:
    """NOK per stream for each year, for the funding chart."""
    series: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(years))
    for agreement in _top_level_here(funding):
        for index, year in enumerate(years):
            series[agreement.stream][index] += float(agreement.nok_in(funding.country_code, year))
    return {str(stream): series[stream] for stream in STREAMS}
