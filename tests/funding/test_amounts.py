"""Funding arithmetic: amounts per year, NOK, countries of an agreement, localisation tiers, the bulk loader."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.choices import Localness
from funding import amounts
from funding.choices import TrancheKind
from tests import factories

D = Decimal


# -- years and amounts (pure) -----------------------------------------------------------------------------


def test_the_last_three_years_are_the_as_of_year_and_the_two_before():
    assert amounts.last_years(date(2026, 6, 15)) == [2024, 2025, 2026]
    assert amounts.last_years(date(2026, 1, 1), 1) == [2026]


def test_it_counts_the_start_and_end_months_as_whole_months():
    assert amounts.months_per_year(date(2025, 7, 15), date(2026, 6, 1)) == {2025: 6, 2026: 6}
    assert amounts.months_per_year(date(2026, 3, 31), date(2026, 3, 31)) == {2026: 1}


def test_it_spreads_an_agreement_without_tranches_evenly_over_its_months():
    by_year = amounts.amounts_by_year(amount=D("1200"), start=date(2024, 10, 1), end=date(2026, 3, 31))

    assert by_year == {2024: D("200"), 2025: D("800"), 2026: D("200")}
    assert sum(by_year.values()) == D("1200")


def test_it_takes_a_year_from_its_disbursed_tranche_where_there_is_one_else_the_planned_one():
    tranches = [
        (2024, D("100"), TrancheKind.PLANNED),
        (2024, D("90"), TrancheKind.DISBURSED),
        (2025, D("120"), TrancheKind.PLANNED),
    ]

    by_year = amounts.amounts_by_year(
        amount=D("999"), start=date(2024, 1, 1), end=date(2026, 12, 31), tranches=tranches
    )

    assert by_year == {2024: D("90"), 2025: D("120")}  # 2026 has no tranche: nothing, not a spread


def test_a_disbursed_tranche_of_zero_still_wins_over_the_plan():
    assert amounts.yearly_from_tranches([(2025, D("50"), "planned"), (2025, D("0"), "disbursed")]) == {2025: D("0")}


# -- currencies ---------------------------------------------------------------------------------------------


def test_it_converts_to_nok_with_the_default_rates():
    assert amounts.to_nok(D("100"), "NOK") == D("100")
    assert amounts.to_nok(D("100"), "usd") == D("100") * amounts.DEFAULT_RATES_TO_NOK["USD"]
    assert set(amounts.DEFAULT_RATES_TO_NOK) == {"NOK", "USD", "EUR", "GBP", "SEK", "DKK", "CHF"}


def test_a_currency_without_a_rate_converts_to_none():
    assert amounts.to_nok(D("100"), "XAF") is None


def test_the_rates_come_from_settings_when_set(settings):
    settings.FUNDING_RATES_TO_NOK = {"USD": 10, "XAF": "0.017"}

    assert amounts.to_nok(D("100"), "USD") == D("1000")
    assert amounts.to_nok(D("1000"), "XAF") == D("17.000")
    assert amounts.to_nok(D("5"), "NOK") == D("5")  # NOK is always itself
    assert amounts.to_nok(D("5"), "EUR") is None


# -- countries, shares and tiers (pure) ---------------------------------------------------------------------


def test_an_agreements_own_countries_win_over_its_programmes_and_its_parents():
    assert amounts.agreement_countries({"SS"}, {"KE"}, {"SO"}) == {"SS"}
    assert amounts.agreement_countries((), {"KE", "SS"}, {"SO"}) == {"KE", "SS"}
    assert amounts.agreement_countries((), (), {"SO"}) == {"SO"}
    assert amounts.agreement_countries((), ()) == frozenset()


def test_a_multi_country_amount_is_split_evenly():
    assert amounts.share_for_country(D("300"), frozenset({"SS", "KE", "SO"}), "SS") == D("100")
    assert amounts.share_for_country(D("300"), frozenset({"KE"}), "SS") == D("0")


@pytest.mark.parametrize(
    ("depth", "recipient_local", "first_recipient_local", "tier"),
    [
        (0, True, False, 1),
        (0, False, False, None),
        (1, True, False, 2),
        (1, True, True, None),  # the first recipient is local: its onward grant is tier-1 money already
        (1, False, False, None),
        (2, True, False, None),  # a third tier is not "one intermediary"
    ],
)
def test_the_localisation_tier(depth, recipient_local, first_recipient_local, tier):
    assert (
        amounts.localisation_tier(
            depth=depth, recipient_local=recipient_local, first_recipient_local=first_recipient_local
        )
        == tier
    )


def test_amounts_are_formatted_for_messages():
    assert amounts.format_nok(D("1250000.4")) == "NOK 1,250,000"
    assert amounts.format_nok(D("1250000"), norwegian=True) == "NOK 1 250 000"
    assert amounts.format_percent(D("0.0385")) == "3.8 %"
    assert amounts.format_percent(D("0.25"), norwegian=True) == "25 %"
    assert amounts.format_percent(D("0.0385"), norwegian=True) == "3,8 %"


# -- the bulk loader ----------------------------------------------------------------------------------------


@pytest.fixture
def areas(db):
    return factories.area_tree()


def local_actor(**extra):
    return factories.actor(localness=Localness.LOCAL, **extra)


def two_years(**extra):
    return {"start": date(2025, 1, 1), "end": date(2026, 12, 31), "amount": D("2400"), **extra}


def test_the_loader_finds_agreements_by_their_countries_or_their_programmes_countries(areas):
    mfa, nrc = factories.actor("MFA"), factories.actor("NRC")
    by_country = factories.agreement(donor=mfa, recipient=nrc, **two_years())
    by_country.countries.set([areas["SS"]])
    in_juba = factories.programme(locations=[areas["SS0101"]])
    by_programme = factories.agreement(donor=mfa, recipient=nrc, **two_years())
    by_programme.funded_programmes.set([in_juba])
    elsewhere = factories.agreement(donor=mfa, recipient=nrc, **two_years())
    elsewhere.countries.set([areas["KE"]])
    own_wins = factories.agreement(donor=mfa, recipient=nrc, **two_years())
    own_wins.countries.set([areas["KE"]])
    own_wins.funded_programmes.set([in_juba])

    funding = amounts.load_country_agreements("SS")

    assert {fact.id for fact in funding.here} == {by_country.pk, by_programme.pk}
    assert funding.agreements[by_programme.pk].countries == {"SS"}
    assert funding.agreements[own_wins.pk].countries == {"KE"}  # loaded (programme in SS), but not here
    assert elsewhere.pk not in funding.agreements


def test_the_loader_converts_each_year_to_nok_and_splits_over_countries(areas, settings):
    settings.FUNDING_RATES_TO_NOK = {"USD": 10}
    agreement = factories.agreement(donor=factories.actor(), recipient=factories.actor(), currency="USD", **two_years())
    agreement.countries.set([areas["SS"], areas["KE"]])
    factories.tranche(agreement, 2025, D("1000"), kind=TrancheKind.DISBURSED)
    factories.tranche(agreement, 2026, D("1500"))

    fact = amounts.load_country_agreements("SS").agreements[agreement.pk]

    assert fact.nok_by_year == {2025: D("10000"), 2026: D("15000")}
    assert fact.nok_in("SS", 2026) == D("7500")
    assert fact.nok_in("SO", 2026) == D("0")
    assert fact.nok_in("SS", 2024) == D("0")


def test_an_agreement_in_a_currency_without_a_rate_is_marked_not_converted(areas):
    agreement = factories.agreement(donor=factories.actor(), recipient=factories.actor(), currency="XAF")
    agreement.countries.set([areas["SS"]])

    fact = amounts.load_country_agreements("SS").agreements[agreement.pk]

    assert not fact.converted and fact.nok_in("SS", 2026) == D("0")


def test_the_loader_brings_sub_grants_and_gives_their_tier(areas):
    mfa, nrc, partner = factories.actor("MFA"), factories.actor("NRC"), local_actor(name="Local partner")
    top = factories.agreement(donor=mfa, recipient=nrc, **two_years())
    top.countries.set([areas["SS"]])
    sub = factories.agreement(donor=nrc, recipient=partner, parent=top, **two_years(amount=D("240")))
    third = factories.agreement(donor=partner, recipient=local_actor(), parent=sub, **two_years(amount=D("24")))
    third.countries.set([areas["SS"]])  # two levels down, only found by its own countries
    direct = factories.agreement(donor=mfa, recipient=partner, **two_years())
    direct.countries.set([areas["SS"]])

    funding = amounts.load_country_agreements("SS")

    assert [fact.id for fact in funding.sub_grants[top.pk]] == [sub.pk]
    assert funding.agreements[sub.pk].countries == {"SS"}  # none of its own: its parent's
    assert funding.tier(funding.agreements[sub.pk]) == 2
    assert funding.tier(funding.agreements[direct.pk]) == 1
    assert funding.tier(funding.agreements[top.pk]) is None
    assert funding.tier(funding.agreements[third.pk]) is None
    assert funding.agreements[sub.pk].donor_label == "NRC"


def test_the_loader_costs_four_queries_whatever_the_number_of_agreements(areas):
    donor = factories.actor()
    for _ in range(5):
        agreement = factories.agreement(donor=donor, recipient=factories.actor(), **two_years())
        agreement.countries.set([areas["SS"]])
        factories.tranche(agreement, 2025, D("10"))
        factories.agreement(donor=agreement.recipient, recipient=local_actor(), parent=agreement, **two_years())

    with CaptureQueriesContext(connection) as queries:
        funding = amounts.load_country_agreements("SS")

    # which agreements (located here; with their sub-grants and parents); agreements with donor and recipient;
    # tranches; own countries; funded programmes' countries
    assert len(queries) == 6
    assert len(funding.agreements) == 10


def test_the_per_country_cache_loads_once(areas):
    cache = {}
    first = amounts.country_agreements(cache, "SS")

    assert amounts.country_agreements(cache, "SS") is first
