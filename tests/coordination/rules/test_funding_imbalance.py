"""funding-imbalance: humanitarian funding in each of the last 3 years, development + peace ÷ humanitarian
(summed over those years) below 0.5."""

from datetime import date
from decimal import Decimal

import pytest

from coordination.choices import Severity
from coordination.engine import runner
from coordination.engine.facts import CountryFacts
from coordination.engine.registry import all_rules
from coordination.models import Flag, FlagRun
from funding.choices import Stream
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "funding-imbalance"
AS_OF = date(2026, 6, 15)
YEARS = (2024, 2025, 2026)
D = Decimal
H, DEV, PEACE = Stream.HUMANITARIAN, Stream.DEVELOPMENT, Stream.PEACE


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def donor():
    return factories.actor("Ministry of Foreign Affairs", acronym="MFA")


def evaluate(as_of=AS_OF):
    rule = all_rules()[CODE]
    return list(rule.evaluate(CountryFacts("SS", as_of), rule.params()))


def funding(donor, stream, per_year, *, years=YEARS, countries=("SS",), parent=None, recipient=None):
    agreement = factories.agreement(
        donor=donor,
        recipient=recipient or factories.actor(),
        parent=parent,
        stream=stream,
        amount=D(per_year) * len(years),
        start=date(years[0], 1, 1),
        end=date(years[-1], 12, 31),
    )
    for year in years:
        factories.tranche(agreement, year, D(per_year))
    agreement.countries.set([factories.area(code) for code in countries])
    return agreement


def test_it_flags_a_country_with_too_little_long_term_money(areas, donor):
    humanitarian = funding(donor, H, 100_000_000)
    embassy = factories.actor("Embassy")
    development = funding(embassy, DEV, 20_000_000)
    peace = funding(embassy, PEACE, 10_000_000, years=(2025, 2026))

    [flag] = evaluate()

    assert flag.subject_key == f"area:{areas['SS'].pk}"
    assert flag.subject.model == "reference.area" and flag.subject.pk == areas["SS"].pk
    assert flag.area_id == areas["SS"].pk
    assert flag.severity == Severity.MEDIUM
    assert flag.responsible_actor_ids == {donor.pk, embassy.pk}
    assert flag.evidence["years"] == list(YEARS)
    assert flag.evidence["by_year"]["2024"] == {H: D("100000000"), DEV: D("20000000"), PEACE: D("0")}
    assert flag.evidence["humanitarian_nok"] == D("300000000")
    assert flag.evidence["development_and_peace_nok"] == D("80000000")
    assert flag.evidence["ratio"] == pytest.approx(80 / 300)
    assert flag.evidence["agreements"] == {H: [humanitarian.pk], DEV: [development.pk], PEACE: [peace.pk]}
    assert "South Sudan" in flag.message and "NOK 300,000,000" in flag.message and "0.27" in flag.message
    assert "NOK 80 000 000" in flag.message_nb and "0,27" in flag.message_nb


@pytest.mark.parametrize(("long_term", "flagged"), [(49_999_999, True), (50_000_000, False)])
def test_a_ratio_of_exactly_one_half_is_enough(areas, donor, long_term, flagged):
    funding(donor, H, 100_000_000)
    funding(donor, DEV, long_term)

    assert bool(evaluate()) is flagged


def test_a_year_without_humanitarian_funding_means_no_long_crisis(areas, donor):
    funding(donor, H, 100_000_000, years=(2025, 2026))
    funding(donor, H, 100_000_000, years=(2023,))

    assert evaluate() == []


def test_sub_grants_never_add_to_the_totals(areas, donor):
    top = funding(donor, H, 100_000_000)
    ngo = top.recipient
    funding(ngo, DEV, 60_000_000, parent=top)  # would lift the ratio above 0.5 if it counted
    funding(ngo, H, 90_000_000, parent=top)

    [flag] = evaluate()

    assert flag.evidence["humanitarian_nok"] == D("300000000")
    assert flag.evidence["development_and_peace_nok"] == D("0")


def test_development_money_before_the_last_three_years_does_not_count(areas, donor):
    funding(donor, H, 100_000_000)
    funding(donor, DEV, 500_000_000, years=(2022, 2023))

    [flag] = evaluate()

    assert flag.evidence["development_and_peace_nok"] == D("0")


def test_multi_country_agreements_count_their_even_share(areas, donor):
    funding(donor, H, 100_000_000)
    funding(donor, DEV, 120_000_000, countries=("SS", "KE"))  # 60 million a year in SS: ratio 0.6

    assert evaluate() == []


def test_other_countries_money_is_not_counted(areas, donor):
    funding(donor, H, 100_000_000, countries=("KE",))

    assert evaluate() == []


def test_the_engine_writes_the_country_flag(areas, donor):
    factories.programme(locations=[areas["SS0101"]], start=date(2025, 1, 1))  # a full run checks countries with work
    funding(donor, H, 100_000_000)

    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag = Flag.objects.get(rule=CODE)
    assert flag.subject_key == f"SS:area:{areas['SS'].pk}"
    assert flag.subject == areas["SS"] and flag.country == areas["SS"]
    assert list(flag.responsible_actors.all()) == [donor]
    assert flag.evidence["by_year"]["2026"]["humanitarian"] == "100000000.00"
