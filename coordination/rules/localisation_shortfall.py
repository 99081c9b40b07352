"""localisation-shortfall: the Grand Bargain target of 25 % to local and national actors is unmet (gap e).

Per donor × country × year: humanitarian funding that reaches national/local actors directly (tier 1) or
through one intermediary (tier 2) ÷ the donor's humanitarian total there < 25 %.

Interpretations (see funding/amounts.py for amounts, NOK, countries and tiers):
- Years: the last 3 years (the as-of year and the two before), one flag per donor × country × year.
- Total: the donor's top-level humanitarian agreements in the country, in NOK for that year; a
  multi-country agreement counts evenly split over its countries. Sub-grants never add to the total.
- Tier 2 counts for the donor of the top-level agreement, whatever stream the sub-grant is recorded
  under (it is the same humanitarian money), capped per agreement at what that agreement puts into the
  country that year (an intermediary cannot pass on more than it got).
- A donor with no humanitarian money in the country that year gets no flag (no share to compute).
  Agreements in a currency without a rate are left out and listed in the evidence.
- The donor is the responsible actor: it chooses whom to fund. An embassy is its own donor.
"""

from collections import defaultdict
from decimal import Decimal

from coordination.choices import Severity
from coordination.engine.candidate import Candidate, SubjectRef
from coordination.engine.registry import rule
from coordination.rules._common import ACTOR
from funding.amounts import ZERO, country_agreements, format_nok, format_percent, last_years
from funding.choices import Stream

CODE = "localisation-shortfall"


@rule(CODE, target_share=Decimal("0.25"), high_below_share=Decimal("0.10"), years=3)
def evaluate(facts, params):
    if facts.country is None:
        return
    target, high_below = Decimal(str(params.target_share)), Decimal(str(params.high_below_share))
    funding = country_agreements(facts.cache, facts.country_code)
    top_level = [a for a in funding.here if a.is_top_level and a.stream == Stream.HUMANITARIAN]
    for year in last_years(facts.as_of, params.years):
        for donor_id, shares in _donor_shares(funding, top_level, year).items():
            total = shares["total"]
            if total <= 0:
                continue
            share = (shares["direct"] + shares["through"]) / total
            if share < target:
                yield _candidate(facts, donor_id, year, shares, share, target, high_below)


def _donor_shares(funding, top_level, year: int) -> dict[int, dict]:
    country = funding.country_code
    donors: dict[int, dict] = defaultdict(
        lambda: {"total": ZERO, "direct": ZERO, "through": ZERO, "agreements": [], "not_converted": [], "label": ""}
    )
    for agreement in top_level:
        shares = donors[agreement.donor_id]
        shares["label"] = agreement.donor_label
        if not agreement.converted:
            if agreement.start.year <= year <= agreement.end.year:
                shares["not_converted"].append(agreement.id)
            continue
        amount = agreement.nok_in(country, year)
        if amount <= 0:
            continue
        shares["total"] += amount
        row = {"id": agreement.id, "reference": agreement.reference, "recipient": agreement.recipient_id}
        row["amount_nok"], row["tier"] = amount, funding.tier(agreement)
        if row["tier"] == 1:
            shares["direct"] += amount
        else:
            passed_on = [
                {"id": sub.id, "recipient": sub.recipient_id, "amount_nok": sub.nok_in(country, year), "tier": 2}
                for sub in funding.sub_grants.get(agreement.id, [])
                if funding.tier(sub) == 2 and sub.nok_in(country, year) > 0
            ]
            for sub in funding.sub_grants.get(agreement.id, []):
                if funding.tier(sub) == 2 and not sub.converted:
                    shares["not_converted"].append(sub.id)
            through = min(sum((sub["amount_nok"] for sub in passed_on), ZERO), amount)
            shares["through"] += through
            row["sub_grants"] = sorted(passed_on, key=lambda sub: sub["id"])
        shares["agreements"].append(row)
    return donors


def _candidate(facts, donor_id, year, shares, share, target, high_below) -> Candidate:
    country = facts.areas[facts.country]
    donor, total = shares["label"], shares["total"]
    evidence = {
        "donor": donor_id,
        "country": facts.country_code,
        "year": year,
        "total_nok": total,
        "direct_nok": shares["direct"],
        "one_intermediary_nok": shares["through"],
        "share_percent": share * 100,
        "target_percent": target * 100,
        "agreements": sorted(shares["agreements"], key=lambda row: row["id"]),
    }
    if shares["not_converted"]:
        evidence["not_converted"] = sorted(set(shares["not_converted"]))
    return Candidate(
        rule=CODE,
        subject_key=f"donor:{donor_id}:year:{year}",
        severity=Severity.HIGH if share < high_below else Severity.MEDIUM,
        subject=SubjectRef(ACTOR, donor_id),
        area_id=country.id,
        responsible_actor_ids=frozenset({donor_id}),
        message=(
            f"In {year}, {format_percent(share)} of the humanitarian funding from {donor} in {country.name} "
            f"({format_nok(total)}) reached national or local actors directly or through one intermediary; "
            f"the Grand Bargain target is {format_percent(target)}."
        ),
        message_nb=(
            f"I {year} nådde {format_percent(share, norwegian=True)} av de humanitære midlene fra {donor} i "
            f"{country.name} ({format_nok(total, norwegian=True)}) nasjonale eller lokale aktører direkte eller "
            f"gjennom ett mellomledd; Grand Bargain-målet er {format_percent(target, norwegian=True)}."
        ),
        evidence=evidence,
    )
