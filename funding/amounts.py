"""Funding arithmetic shared by the rules (and the dashboard): money per calendar year, in NOK, per country.

Decisions (domain.md leaves them open):
- A year's amount comes from the tranches when the agreement has any: the disbursed tranche of that year
  where there is one, else the planned one (disbursed is what happened; planned is the best we know for
  years not yet paid). A year without a tranche then counts nothing. Without tranches the amount is spread
  evenly over the calendar months the agreement touches (start and end month count as whole months).
- Tranches are in the agreement's currency. NOK conversion uses one approximate rate per currency
  (settings.FUNDING_RATES_TO_NOK); an unknown currency converts to None and callers leave it out.
- An agreement's countries are its own; else those of its funded programmes' locations; else (a sub-grant
  with neither) its parent's. A multi-country agreement is split evenly over its countries.
- Tier 1: a top-level agreement to a national/local actor. Tier 2: a sub-grant of a top-level agreement from
  an international first recipient to a national/local actor. A sub-grant from a national/local first
  recipient is money already counted in tier 1, and deeper sub-grants are not "one intermediary": no tier.

Pure functions first; `load_country_agreements` reads one country's agreements in six queries.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from funding.models import FundingAgreement, Tranche

ZERO = Decimal(0)

DEFAULT_RATES_TO_NOK = {
    "NOK": Decimal("1"),
    "USD": Decimal("10.70"),
    "EUR": Decimal("11.60"),
    "GBP": Decimal("13.70"),
    "SEK": Decimal("1.02"),
    "DKK": Decimal("1.55"),
    "CHF": Decimal("12.40"),
}

NATIONAL_OR_LOCAL = ("national", "local")  # actors.choices.Localness values
DISBURSED, PLANNED = "disbursed", "planned"  # funding.choices.TrancheKind values


# -- years and amounts ----------------------------------------------------------------------------------


def last_years(as_of: date, count: int = 3) -> list[int]:
    """The last `count` years: the as-of year and the calendar years before it, oldest first."""
    return list(range(as_of.year - count + 1, as_of.year + 1))


def months_per_year(start: date, end: date) -> dict[int, int]:
    """How many calendar months of each year the period touches (the start and end months count whole)."""
    months: dict[int, int] = {}
    for year in range(start.year, end.year + 1):
        first = start.month if year == start.year else 1
        last = end.month if year == end.year else 12
        months[year] = last - first + 1
    return months


def spread_over_months(amount: Decimal, start: date, end: date) -> dict[int, Decimal]:
    """The amount split evenly over the calendar months the period touches, summed per year."""
    per_year = months_per_year(start, end)
    total_months = sum(per_year.values())
    return {year: amount * months / total_months for year, months in per_year.items()}


def yearly_from_tranches(tranches: Iterable[tuple[int, Decimal, str]]) -> dict[int, Decimal]:
    """(year, amount, kind) rows → amount per year: the disbursed tranche where present, else the planned one."""
    by_year: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for year, amount, kind in tranches:
        by_year[year][kind] = by_year[year].get(kind, ZERO) + amount
    return {year: kinds.get(DISBURSED, kinds.get(PLANNED, ZERO)) for year, kinds in by_year.items()}


def amounts_by_year(
    *, amount: Decimal, start: date, end: date, tranches: Iterable[tuple[int, Decimal, str]] = ()
) -> dict[int, Decimal]:
    """An agreement's amount per calendar year: from its tranches when it has any, else spread evenly."""
    tranches = list(tranches)
    if tranches:
        return yearly_from_tranches(tranches)
    return spread_over_months(amount, start, end)


# -- currencies -----------------------------------------------------------------------------------------


def rates_to_nok() -> dict[str, Decimal]:
    rates = getattr(settings, "FUNDING_RATES_TO_NOK", DEFAULT_RATES_TO_NOK)
    return {code.upper(): Decimal(str(rate)) for code, rate in rates.items()}


def to_nok(amount: Decimal, currency: str, rates: dict[str, Decimal] | None = None) -> Decimal | None:
    """The amount in NOK at the approximate rate; None when the currency has no rate."""
    code = (currency or "NOK").strip().upper()
    if code == "NOK":
        return amount
    rate = (rates if rates is not None else rates_to_nok()).get(code)
    return amount * rate if rate is not None else None


# -- countries and tiers --------------------------------------------------------------------------------


def agreement_countries(
    own: Iterable[str], programme_countries: Iterable[str] = (), parent_countries: Iterable[str] = ()
) -> frozenset[str]:
    """Its own countries; else its funded programmes' countries; else (a sub-grant) its parent's."""
    for countries in (own, programme_countries, parent_countries):
        countries = frozenset(countries)
        if countries:
            return countries
    return frozenset()


def share_for_country(amount: Decimal, countries: frozenset[str], country: str) -> Decimal:
    """A multi-country agreement's amount is split evenly over its countries."""
    return amount / len(countries) if country in countries else ZERO


def localisation_tier(*, depth: int, recipient_local: bool, first_recipient_local: bool = False) -> int | None:
    """1: donor → national/local actor; 2: donor → international first recipient → national/local actor.

    `depth` is 0 for a top-level agreement, 1 for a sub-grant of one; `first_recipient_local` tells, for a
    sub-grant, whether its parent's recipient is national/local (then its money is already tier 1).
    """
    if not recipient_local:
        return None
    if depth == 0:
        return 1
    if depth == 1 and not first_recipient_local:
        return 2
    return None


# -- one country's agreements, loaded in bulk -----------------------------------------------------------


@dataclass(slots=True)
class AgreementFact:
    id: int
    reference: str
    donor_id: int
    donor_label: str
    recipient_id: int
    recipient_label: str
    recipient_local: bool
    recipient_principled: bool
    parent_id: int | None
    stream: str
    start: date
    end: date
    amount: Decimal
    currency: str
    earmarking: int
    crisis_modifier: bool
    requires_government_approval: bool
    countries: frozenset[str] = frozenset()
    nok_by_year: dict[int, Decimal] | None = field(default_factory=dict)  # None: currency without a rate

    @property
    def is_top_level(self) -> bool:
        return self.parent_id is None

    @property
    def converted(self) -> bool:
        return self.nok_by_year is not None

    def nok_in(self, country: str, year: int) -> Decimal:
        """NOK this agreement puts into `country` in `year` (0 when unknown or elsewhere)."""
        if not self.nok_by_year:
            return ZERO
        return share_for_country(self.nok_by_year.get(year, ZERO), self.countries, country)

    def active_on(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass
class CountryFunding:
    """The agreements located in one country, with the sub-grants and parents they touch."""

    country_code: str
    agreements: dict[int, AgreementFact]
    sub_grants: dict[int, list[AgreementFact]]

    @property
    def here(self) -> list[AgreementFact]:
        return [fact for fact in self.agreements.values() if self.country_code in fact.countries]

    def depth(self, fact: AgreementFact) -> int:
        """0 top-level, 1 sub-grant of a top-level agreement, 2 anything deeper (or a parent not loaded)."""
        if fact.parent_id is None:
            return 0
        parent = self.agreements.get(fact.parent_id)
        return 1 if parent is not None and parent.parent_id is None else 2

    def tier(self, fact: AgreementFact) -> int | None:
        parent = self.agreements.get(fact.parent_id) if fact.parent_id else None
        return localisation_tier(
            depth=self.depth(fact),
            recipient_local=fact.recipient_local,
            first_recipient_local=bool(parent and parent.recipient_local),
        )


AGREEMENT_COLUMNS = (
    "pk", "reference", "donor_id", "donor__name", "donor__acronym", "recipient_id", "recipient__name",
    "recipient__acronym", "recipient__localness", "recipient__adheres_to_humanitarian_principles", "parent_id",
    "stream", "start_date", "end_date", "amount", "currency", "earmarking", "crisis_modifier",
    "requires_government_approval",
)  # fmt: skip


def actor_label(name: str, acronym: str) -> str:
    return f"{name} ({acronym})" if acronym else name


def load_country_agreements(country_code: str) -> CountryFunding:
    """Agreements in one country (own countries or funded programmes there), their sub-grants and parents.

    Six queries: which agreements (two), then agreement rows with donor and recipient, tranches, own countries,
    programme countries. Deeper sub-grants (below a sub-grant) are loaded only when they are located here
    themselves.
    """
    # Which agreements: ids from two simple queries, since ORs of IN-subqueries plan badly on PostgreSQL (each
    # of the four queries below took 0.15-0.35 s per country at 100,000 programmes with them; now a few ms).
    by_country = FundingAgreement.countries.through.objects.filter(area__country_code=country_code)
    by_programme = FundingAgreement.funded_programmes.through.objects.filter(
        programme__location_links__area__country_code=country_code
    )
    located = sorted(
        set(
            by_country.order_by()
            .values_list("fundingagreement_id", flat=True)
            .union(by_programme.order_by().values_list("fundingagreement_id", flat=True))
        )
    )
    with_subs = FundingAgreement.objects.filter(Q(pk__in=located) | Q(parent_id__in=located)).order_by()
    ids = sorted({key for pair in with_subs.values_list("pk", "parent_id") for key in pair if key is not None})
    scope = FundingAgreement.objects.filter(pk__in=ids)
    rates = rates_to_nok()
    facts: dict[int, AgreementFact] = {}
    for row in scope.order_by("pk").values_list(*AGREEMENT_COLUMNS):
        (pk, reference, donor, donor_name, donor_acronym, recipient, recipient_name, recipient_acronym, localness,
         principled, parent, stream, start, end, amount, currency, earmarking, crisis, approval) = row  # fmt: skip
        facts[pk] = AgreementFact(
            id=pk, reference=reference, donor_id=donor, donor_label=actor_label(donor_name, donor_acronym),
            recipient_id=recipient, recipient_label=actor_label(recipient_name, recipient_acronym),
            recipient_local=localness in NATIONAL_OR_LOCAL, recipient_principled=principled, parent_id=parent,
            stream=stream, start=start, end=end, amount=amount, currency=currency, earmarking=earmarking,
            crisis_modifier=crisis, requires_government_approval=approval,
        )  # fmt: skip
    tranches = defaultdict(list)
    for agreement_id, year, amount, kind in (
        Tranche.objects.filter(agreement_id__in=ids).order_by().values_list("agreement_id", "year", "amount", "kind")
    ):
        tranches[agreement_id].append((year, amount, kind))
    countries = countries_of_agreements(ids)
    for fact in facts.values():
        by_year = amounts_by_year(amount=fact.amount, start=fact.start, end=fact.end, tranches=tranches[fact.id])
        converted = {year: to_nok(amount, fact.currency, rates) for year, amount in by_year.items()}
        fact.nok_by_year = None if None in converted.values() else converted
        own, from_programmes = countries.get(fact.id, (frozenset(), frozenset()))
        parent_own, parent_programmes = countries.get(fact.parent_id, (frozenset(), frozenset()))
        fact.countries = agreement_countries(own, from_programmes, agreement_countries(parent_own, parent_programmes))
    sub_grants = defaultdict(list)
    for fact in facts.values():
        if fact.parent_id is not None:
            sub_grants[fact.parent_id].append(fact)
    return CountryFunding(country_code=country_code, agreements=facts, sub_grants=dict(sub_grants))


def countries_of_agreements(ids) -> dict[int, tuple[frozenset[str], frozenset[str]]]:
    """agreement id → (its own countries, its funded programmes' countries), in two queries.

    `ids` is a list or a `values("pk")` subquery. Combine the pair with `agreement_countries`.
    """
    own, from_programmes = defaultdict(set), defaultdict(set)
    through = FundingAgreement.countries.through.objects.filter(fundingagreement_id__in=ids).order_by()
    for agreement_id, code in through.values_list("fundingagreement_id", "area__country_code"):
        own[agreement_id].add(code)
    funded = FundingAgreement.funded_programmes.through.objects.filter(fundingagreement_id__in=ids).order_by()
    for agreement_id, code in funded.values_list(
        "fundingagreement_id", "programme__location_links__area__country_code"
    ).distinct():
        if code:  # None: a funded programme without locations
            from_programmes[agreement_id].add(code)
    return {
        agreement_id: (frozenset(own.get(agreement_id, ())), frozenset(from_programmes.get(agreement_id, ())))
        for agreement_id in own.keys() | from_programmes.keys()
    }


def country_agreements(cache: dict, country_code: str) -> CountryFunding:
    """`load_country_agreements`, memoised in a rule run's per-country cache (CountryFacts.cache)."""
    key = ("funding.amounts", country_code)
    if key not in cache:
        cache[key] = load_country_agreements(country_code)
    return cache[key]


# -- presentation -----------------------------------------------------------------------------------------


def format_nok(amount: Decimal, *, norwegian: bool = False) -> str:
    """Whole kroner with thousands separators: "NOK 1,250,000" / "NOK 1 250 000"."""
    text = f"{amount.quantize(Decimal(1)):,}"
    return f"NOK {text.replace(',', ' ')}" if norwegian else f"NOK {text}"


def format_percent(share: Decimal, *, norwegian: bool = False) -> str:
    """A share (0–1) as a percentage with one decimal, none when whole: "3.8 %", "25 %" / "3,8 %"."""
    text = f"{(share * 100).quantize(Decimal('0.1'))}".removesuffix(".0")
    return f"{text.replace('.', ',')} %" if norwegian else f"{text} %"
