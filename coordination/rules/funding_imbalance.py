"""funding-imbalance: long crises without long-term money (gap d).

A country with humanitarian funding in each of the last 3 years where development + peace funding ÷
humanitarian funding, summed over those years, is below 0.5.

Interpretations: totals count top-level agreements only, in NOK per calendar year (funding/amounts.py);
a multi-country agreement counts evenly split over its countries; agreements in a currency without a
rate are left out. The responsible actors are the donors with top-level funding in the country in
those years: together they decide the mix.
"""

from decimal import Decimal

from coordination.choices import Severity
from coordination.engine.candidate import Candidate, SubjectRef
from coordination.engine.registry import rule
from coordination.rules._common import AREA
from funding.amounts import ZERO, country_agreements, format_nok, last_years
from funding.choices import Stream

CODE = "funding-imbalance"
STREAMS = (Stream.HUMANITARIAN, Stream.DEVELOPMENT, Stream.PEACE)


@rule(CODE, max_ratio=Decimal("0.5"), years=3)
def evaluate(facts, params):
    if facts.country is None:
        return
    years = last_years(facts.as_of, params.years)
    funding = country_agreements(facts.cache, facts.country_code)
    totals = {stream: dict.fromkeys(years, ZERO) for stream in STREAMS}
    agreement_ids = {stream: set() for stream in STREAMS}
    donors = set()
    for agreement in funding.here:
        if not agreement.is_top_level or agreement.stream not in totals:
            continue
        for year in years:
            amount = agreement.nok_in(facts.country_code, year)
            if amount > 0:
                totals[agreement.stream][year] += amount
                agreement_ids[agreement.stream].add(agreement.id)
                donors.add(agreement.donor_id)
    humanitarian_by_year = totals[Stream.HUMANITARIAN]
    if not all(amount > 0 for amount in humanitarian_by_year.values()):
        return
    humanitarian = sum(humanitarian_by_year.values(), ZERO)
    long_term = sum(totals[Stream.DEVELOPMENT].values(), ZERO) + sum(totals[Stream.PEACE].values(), ZERO)
    ratio = long_term / humanitarian
    max_ratio = Decimal(str(params.max_ratio))
    if ratio >= max_ratio:
        return
    country = facts.areas[facts.country]
    period = f"{years[0]}–{years[-1]}"
    yield Candidate(
        rule=CODE,
        subject_key=f"area:{country.id}",
        severity=Severity.MEDIUM,
        subject=SubjectRef(AREA, country.id),
        area_id=country.id,
        responsible_actor_ids=frozenset(donors),
        message=(
            f"{country.name} received {format_nok(humanitarian)} of humanitarian funding in {period} but only "
            f"{format_nok(long_term)} of development and peace funding ({ratio:.2f} per krone of humanitarian "
            f"funding; at least {max_ratio} expected)."
        ),
        message_nb=(
            f"{country.name} fikk {format_nok(humanitarian, norwegian=True)} i humanitære midler i {period}, men "
            f"bare {format_nok(long_term, norwegian=True)} i utviklings- og fredsmidler "
            f"({f'{ratio:.2f}'.replace('.', ',')} per humanitære krone; minst {str(max_ratio).replace('.', ',')} "
            f"forventes)."
        ),
        evidence={
            "country": facts.country_code,
            "years": years,
            "by_year": {str(year): {stream: totals[stream][year] for stream in STREAMS} for year in years},
            "humanitarian_nok": humanitarian,
            "development_and_peace_nok": long_term,
            "ratio": float(ratio),
            "max_ratio": float(max_ratio),
            "agreements": {stream: sorted(ids) for stream, ids in agreement_ids.items()},
        },
    )
