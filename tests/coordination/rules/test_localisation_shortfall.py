"""localisation-shortfall: per donor × country × year, < 25 % of humanitarian funding reaches national/local
actors directly or through one intermediary (high below 10 %)."""

from datetime import date
from decimal import Decimal

import pytest

from actors.choices import ActorKind, Localness
from coordination.choices import Severity
from coordination.engine import runner
from coordination.engine.facts import CountryFacts
from coordination.engine.registry import all_rules
from coordination.models import Flag, FlagRun
from funding.choices import Stream, TrancheKind
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "localisation-shortfall"
AS_OF = date(2026, 6, 15)
YEARS = (2024, 2025, 2026)
D = Decimal


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def mfa():
    return factories.actor("Ministry of Foreign Affairs", acronym="MFA", kind=ActorKind.DONOR_MINISTRY)


@pytest.fixture
def nrc():
    return factories.actor("Norwegian Refugee Council", acronym="NRC")


def local(name=None):
    return factories.actor(name, localness=Localness.LOCAL, kind=ActorKind.LOCAL_NGO)


def evaluate(as_of=AS_OF, country="SS"):
    rule = all_rules()[CODE]
    return sorted(rule.evaluate(CountryFacts(country, as_of), rule.params()), key=lambda c: c.subject_key)


def grant(donor, recipient, per_year, *, countries=("SS",), years=YEARS, parent=None, **extra):
    """An agreement over whole calendar years with one tranche per year (countries by p-code)."""
    agreement = factories.agreement(
        donor=donor,
        recipient=recipient,
        parent=parent,
        stream=extra.pop("stream", Stream.HUMANITARIAN),
        amount=D(per_year) * len(years),
        start=date(years[0], 1, 1),
        end=date(years[-1], 12, 31),
        **extra,
    )
    for year in years:
        factories.tranche(agreement, year, D(per_year), kind=TrancheKind.DISBURSED)
    agreement.countries.set([factories.area(code) for code in countries])
    return agreement


def test_it_flags_each_of_the_last_three_years_below_ten_percent_as_high(areas, mfa, nrc):
    top = grant(mfa, nrc, 1_000_000)
    sub = grant(nrc, local("Juba Women"), 50_000, parent=top, countries=())

    flags = evaluate()

    assert [flag.subject_key for flag in flags] == [f"donor:{mfa.pk}:year:{year}" for year in YEARS]
    flag = flags[-1]
    assert flag.severity == Severity.HIGH
    assert flag.subject.model == "actors.actor" and flag.subject.pk == mfa.pk
    assert flag.area_id == areas["SS"].pk
    assert flag.responsible_actor_ids == {mfa.pk}
    assert flag.evidence["total_nok"] == D("1000000")
    assert flag.evidence["direct_nok"] == D("0")
    assert flag.evidence["one_intermediary_nok"] == D("50000")
    assert flag.evidence["share_percent"] == D("5")
    assert flag.evidence["agreements"] == [
        {
            "id": top.pk,
            "reference": top.reference,
            "recipient": nrc.pk,
            "amount_nok": D("1000000"),
            "tier": None,
            "sub_grants": [{"id": sub.pk, "recipient": sub.recipient_id, "amount_nok": D("50000"), "tier": 2}],
        }
    ]
    assert "5 %" in flag.message and "(MFA)" in flag.message and "South Sudan" in flag.message
    assert "NOK 1,000,000" in flag.message and "25 %" in flag.message
    assert "NOK 1 000 000" in flag.message_nb and "nasjonale eller lokale" in flag.message_nb


@pytest.mark.parametrize(
    ("to_local", "severity"),
    [(99_999, Severity.HIGH), (100_000, Severity.MEDIUM), (249_999, Severity.MEDIUM), (250_000, None)],
)
def test_the_severity_boundaries_are_ten_and_twenty_five_percent(areas, mfa, nrc, to_local, severity):
    top = grant(mfa, nrc, 1_000_000, years=(2026,))
    grant(nrc, local(), to_local, parent=top, years=(2026,))

    flags = evaluate()

    assert [flag.severity for flag in flags] == ([severity] if severity else [])


def test_direct_funding_to_national_and_local_actors_counts_as_tier_one(areas, mfa, nrc):
    grant(mfa, local(), 250_000)
    grant(mfa, factories.actor(localness=Localness.NATIONAL), 50_000)
    grant(mfa, nrc, 950_000)

    flags = evaluate()

    assert {flag.evidence["direct_nok"] for flag in flags} == {D("300000")}
    assert {flag.evidence["share_percent"] for flag in flags} == {D("24")}  # 300,000 of 1,250,000
    assert {flag.severity for flag in flags} == {Severity.MEDIUM}


def test_a_share_of_exactly_twenty_five_percent_direct_meets_the_target(areas, mfa, nrc):
    grant(mfa, local(), 250_000)
    grant(mfa, nrc, 750_000)

    assert evaluate() == []


def test_a_third_tier_grant_is_not_one_intermediary(areas, mfa, nrc):
    fund = factories.actor("Pooled fund")
    top = grant(mfa, fund, 1_000_000)
    second = grant(fund, nrc, 800_000, parent=top)
    grant(nrc, local(), 800_000, parent=second)

    flags = evaluate()

    assert len(flags) == 3
    assert {flag.evidence["one_intermediary_nok"] for flag in flags} == {D("0")}
    assert {flag.severity for flag in flags} == {Severity.HIGH}


def test_a_sub_grant_from_a_local_first_recipient_is_not_counted_twice(areas, mfa, nrc):
    first = local("First")
    direct = grant(mfa, first, 200_000)
    grant(first, local("Second"), 200_000, parent=direct)
    grant(mfa, nrc, 800_000)

    flags = evaluate()

    assert {flag.evidence["share_percent"] for flag in flags} == {D("20")}
    assert {flag.severity for flag in flags} == {Severity.MEDIUM}


def test_an_intermediary_cannot_pass_on_more_than_it_got(areas, mfa, nrc):
    small = grant(mfa, nrc, 100_000)
    grant(nrc, local(), 500_000, parent=small)
    grant(mfa, factories.actor("WFP"), 900_000)

    flags = evaluate()

    assert {flag.evidence["one_intermediary_nok"] for flag in flags} == {D("100000")}
    assert {flag.evidence["share_percent"] for flag in flags} == {D("10")}


def test_a_multi_country_agreement_is_split_evenly_over_its_countries(areas, mfa, nrc):
    top = grant(mfa, nrc, 2_000_000, countries=("SS", "KE"), years=(2026,))
    grant(nrc, local(), 100_000, parent=top, countries=("SS",), years=(2026,))

    [flag] = evaluate()

    assert flag.evidence["total_nok"] == D("1000000")
    assert flag.severity == Severity.MEDIUM  # 10 %, not 5 % of the whole agreement


def test_each_donor_unit_is_its_own_donor(areas, mfa, nrc):
    embassy = factories.actor("Embassy in Juba", kind=ActorKind.EMBASSY, parent=mfa)
    grant(mfa, nrc, 1_000_000, years=(2026,))
    grant(embassy, local(), 500_000, years=(2026,))

    flags = evaluate()

    assert [flag.subject_key for flag in flags] == [f"donor:{mfa.pk}:year:2026"]
    assert flags[0].evidence["share_percent"] == D("0")


def test_only_humanitarian_top_level_funding_counts(areas, mfa, nrc):
    grant(mfa, nrc, 1_000_000, years=(2026,))
    grant(mfa, local(), 5_000_000, years=(2026,), stream=Stream.DEVELOPMENT)

    [flag] = evaluate()

    assert flag.evidence["total_nok"] == D("1000000") and flag.evidence["direct_nok"] == D("0")


def test_years_before_the_last_three_and_other_countries_are_not_flagged(areas, mfa, nrc):
    grant(mfa, nrc, 1_000_000, years=(2022, 2023))
    grant(mfa, nrc, 1_000_000, years=(2026,), countries=("KE",))
    grant(mfa, nrc, 1_000_000, years=(2027,))

    assert evaluate() == []


def test_an_agreement_without_tranches_is_spread_over_its_months(areas, mfa, nrc):
    agreement = factories.agreement(
        donor=mfa, recipient=nrc, amount=D("1200000"), start=date(2025, 7, 1), end=date(2026, 6, 30)
    )
    agreement.countries.set([areas["SS"]])

    flags = evaluate()

    assert [flag.evidence["year"] for flag in flags] == [2025, 2026]
    assert {flag.evidence["total_nok"] for flag in flags} == {D("600000")}


def test_funding_in_a_currency_without_a_rate_is_left_out_and_listed(areas, mfa, nrc):
    grant(mfa, nrc, 1_000_000, years=(2026,))
    unknown = grant(mfa, local(), 1_000_000, years=(2026,), currency="XAF")

    [flag] = evaluate()

    assert flag.evidence["total_nok"] == D("1000000")
    assert flag.evidence["not_converted"] == [unknown.pk]


def test_funding_in_another_currency_is_converted_to_nok(areas, mfa, nrc, settings):
    settings.FUNDING_RATES_TO_NOK = {"USD": 10}
    grant(mfa, nrc, 100_000, years=(2026,), currency="USD")

    [flag] = evaluate()

    assert flag.evidence["total_nok"] == D("1000000")


def test_the_engine_writes_one_flag_per_donor_and_year(areas, mfa, nrc):
    factories.programme(locations=[areas["SS0101"]], start=date(2025, 1, 1))  # a full run checks countries with work
    grant(mfa, nrc, 1_000_000, years=(2025, 2026))

    run = runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    assert run.status == FlagRun.Status.SUCCEEDED
    flags = Flag.objects.filter(rule=CODE).order_by("subject_key")
    assert [flag.subject_key for flag in flags] == [f"SS:donor:{mfa.pk}:year:{year}" for year in (2025, 2026)]
    assert all(flag.subject == mfa and flag.country == areas["SS"] for flag in flags)
    assert all(list(flag.responsible_actors.all()) == [mfa] for flag in flags)
    assert flags[0].evidence["total_nok"] == "1000000.00"
