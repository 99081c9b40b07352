"""unlinked-programme: running ≥ 12 months, no contribution to a goal, while an active goal covers its area."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from coordination.choices import GoalStatus, Severity
from coordination.engine import runner
from coordination.engine.facts import CountryFacts
from coordination.engine.registry import all_rules
from coordination.engine.timeline import add_months
from coordination.models import Flag, FlagRun
from coordination.rules.unlinked_programme import in_nok
from programmes.choices import ActivityStatus
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "unlinked-programme"
AS_OF = date(2026, 6, 15)
A_YEAR_AGO = add_months(AS_OF, -12)  # exactly 12 months of running time on the as-of date


@pytest.fixture
def areas():
    return factories.area_tree()


def evaluate(as_of=AS_OF, facts=None):
    rule = all_rules()[CODE]
    return list(rule.evaluate(facts or CountryFacts("SS", as_of), rule.params()))


def goal_over(*areas, **extra):
    return factories.goal(areas=areas, title=extra.pop("title", "Safe water in Central Equatoria"), **extra)


def programme_in(area, *, start=A_YEAR_AGO, **extra):
    return factories.programme(locations=[area], start=start, **extra)


def test_it_flags_a_programme_that_ran_twelve_months_outside_a_goal_covering_its_area(areas):
    goal = goal_over(areas["SS01"])
    programme = programme_in(areas["SS0101"])

    [flag] = evaluate()

    assert flag.subject_key == f"programme:{programme.pk}"
    assert flag.subject.model == "programmes.programme" and flag.subject.pk == programme.pk
    assert flag.severity == Severity.MEDIUM
    assert flag.area_id == areas["SS0101"].pk
    assert flag.responsible_actor_ids == {programme.reporting_actor_id}
    assert flag.evidence["goals"] == [{"id": goal.pk, "title": "Safe water in Central Equatoria"}]
    assert flag.evidence["area"] == "SS0101"
    assert flag.evidence["programme"]["id"] == programme.pk
    assert "“Safe water in Central Equatoria”" in flag.message and "Juba (SS0101)" in flag.message
    assert "felles mål" in flag.message_nb


def test_it_does_not_flag_a_programme_a_day_short_of_twelve_months(areas):
    goal_over(areas["SS01"])
    programme_in(areas["SS0101"], start=A_YEAR_AGO + timedelta(days=1))

    assert evaluate() == []


def test_a_contribution_to_any_goal_clears_it(areas):
    goal_over(areas["SS01"])
    elsewhere = goal_over(areas["SS02"], title="Another goal")
    programme = programme_in(areas["SS0101"])
    factories.contribution(programme, elsewhere)

    assert evaluate() == []


def test_a_goal_at_country_level_covers_every_location_in_the_country(areas):
    goal_over(areas["SS"])
    deep, country_only = programme_in(areas["SS0102"]), programme_in(areas["SS"])

    assert sorted(flag.subject.pk for flag in evaluate()) == sorted([deep.pk, country_only.pk])


def test_a_goal_of_a_smaller_area_does_not_cover_a_programme_of_the_larger_one(areas):
    goal_over(areas["SS0101"])
    programme_in(areas["SS01"])
    programme_in(areas["SS"])

    assert evaluate() == []


def test_a_goal_of_a_neighbouring_area_does_not_cover_it(areas):
    goal_over(areas["SS02"], areas["KE"])
    programme_in(areas["SS0101"])

    assert evaluate() == []


def test_a_goal_spanning_two_countries_covers_its_area_here(areas):
    goal_over(areas["KE"], areas["SS01"])
    programme_in(areas["SS0101"])

    assert len(evaluate()) == 1


def test_the_flag_points_at_the_most_specific_covered_location(areas):
    first, second = goal_over(areas["SS"], title="A national goal"), goal_over(areas["SS01"], title="A regional goal")
    programme = factories.programme(locations=[areas["SS"], areas["SS0102"], areas["SS02"]], start=A_YEAR_AGO)

    [flag] = evaluate()

    assert flag.area_id == areas["SS0102"].pk
    assert flag.evidence["goals"] == [
        {"id": first.pk, "title": "A national goal"},
        {"id": second.pk, "title": "A regional goal"},
    ]
    assert flag.subject.pk == programme.pk


@pytest.mark.parametrize("status", [GoalStatus.DRAFT, GoalStatus.ACHIEVED, GoalStatus.DROPPED])
def test_only_active_goals_cover_an_area(areas, status):
    goal_over(areas["SS01"], status=status)
    programme_in(areas["SS0101"])

    assert evaluate() == []


@pytest.mark.parametrize(
    ("status", "end"),
    [
        (ActivityStatus.CLOSED, None),
        (ActivityStatus.SUSPENDED, None),
        (ActivityStatus.IMPLEMENTATION, AS_OF - timedelta(days=1)),
    ],
)
def test_it_ignores_inactive_programmes(areas, status, end):
    goal_over(areas["SS01"])
    programme_in(areas["SS0101"], status=status, end=end)

    assert evaluate() == []


@pytest.mark.parametrize(
    ("budget", "currency", "severity"),
    [
        (Decimal("4999999.99"), "NOK", Severity.LOW),
        (Decimal("5000000"), "NOK", Severity.MEDIUM),
        (Decimal("400000"), "USD", Severity.LOW),  # ≈ 4.2 million NOK
        (Decimal("500000"), "USD", Severity.MEDIUM),  # ≈ 5.25 million NOK
        (Decimal("400000"), "eur", Severity.LOW),  # currency codes in any case
        (Decimal("4000000"), "SEK", Severity.LOW),
        (Decimal("1000"), "XOF", Severity.MEDIUM),  # no rate: we cannot tell it is small
        (None, "", Severity.MEDIUM),  # no budget: a missing figure does not earn a milder flag
    ],
)
def test_it_is_low_below_the_budget_setting_in_nok(areas, budget, currency, severity):
    goal_over(areas["SS01"])
    programme_in(areas["SS0101"], total_budget=budget, currency=currency)

    [flag] = evaluate()

    assert flag.severity == severity


def test_the_evidence_shows_the_budget_in_nok(areas):
    goal_over(areas["SS01"])
    programme_in(areas["SS0101"], total_budget=Decimal("100000"), currency="GBP")

    [flag] = evaluate()

    assert flag.evidence["budget"] == Decimal("100000")
    assert flag.evidence["currency"] == "GBP"
    assert flag.evidence["budget_nok"] == 1_350_000
    assert flag.evidence["low_budget_below_nok"] == 5_000_000


def test_the_budget_threshold_and_rates_are_settings(areas, settings):
    settings.FLAG_RULE_SETTINGS = {CODE: {"low_budget_below": 1_000_000, "nok_rates": {"NOK": 1, "USD": "20"}}}
    goal_over(areas["SS01"])
    programme_in(areas["SS0101"], total_budget=Decimal("60000"), currency="USD")

    [flag] = evaluate()

    assert flag.severity == Severity.MEDIUM  # 1.2 million NOK at the overridden rate
    assert flag.evidence["budget_nok"] == 1_200_000


def test_in_nok_needs_an_amount_and_a_known_rate():
    assert in_nok(Decimal("2"), "DKK", {"DKK": "1.55"}) == Decimal("3.10")
    assert in_nok(None, "NOK", {"NOK": "1"}) is None
    assert in_nok(Decimal("2"), "", {"NOK": "1"}) is None


def test_it_loads_the_countrys_goals_once(areas, django_assert_num_queries):
    goal_over(areas["SS01"])
    for _ in range(3):
        programme_in(areas["SS0101"])
    facts = CountryFacts("SS", AS_OF)

    with django_assert_num_queries(2):  # contributions of active programmes; active goals' areas here
        assert len(evaluate(facts=facts)) == 3
    with django_assert_num_queries(0):
        assert len(evaluate(facts=facts)) == 3


def test_the_engine_writes_the_flag_for_the_reporting_actor(areas):
    goal_over(areas["SS01"])
    programme = programme_in(areas["SS0101"], total_budget=Decimal("1000000"), currency="NOK")

    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag = Flag.objects.get(rule=CODE)
    assert flag.subject == programme
    assert flag.severity == Severity.LOW
    assert flag.subject_key == f"SS:programme:{programme.pk}"
    assert flag.country.pcode == "SS" and flag.area.pcode == "SS0101"
    assert list(flag.responsible_actors.all()) == [programme.reporting_actor]
    assert flag.evidence["budget"] == "1000000.00"
