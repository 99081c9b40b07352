"""no-exit-strategy: an H-only programme running ≥ 24 months or ending within 6, with no way out."""

from datetime import date, timedelta

import pytest

from coordination.choices import Severity
from coordination.engine import runner
from coordination.engine.facts import CountryFacts
from coordination.engine.registry import all_rules
from coordination.engine.timeline import add_months
from coordination.models import Flag, FlagRun
from programmes.choices import ActivityStatus, LinkStatus, LinkType
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "no-exit-strategy"
AS_OF = date(2026, 6, 15)
TWO_YEARS_AGO = add_months(AS_OF, -24)  # 15 Jun 2024
THREE_YEARS_AGO = add_months(AS_OF, -36)  # 15 Jun 2023
IN_SIX_MONTHS = add_months(AS_OF, 6)  # 15 Dec 2026
RECENTLY = AS_OF - timedelta(days=100)


@pytest.fixture
def areas():
    return factories.area_tree()


def evaluate(as_of=AS_OF, facts=None):
    rule = all_rules()[CODE]
    return list(rule.evaluate(facts or CountryFacts("SS", as_of), rule.params()))


def humanitarian(areas, *, start=TWO_YEARS_AGO, pillars="H", **extra):
    return factories.programme(
        pillars=pillars, locations=extra.pop("locations", [areas["SS0101"]]), start=start, **extra
    )


def test_it_flags_an_h_only_programme_that_ran_two_years_with_no_way_out(areas):
    programme = humanitarian(areas, locations=[areas["SS"], areas["SS0102"]])

    [flag] = evaluate()

    assert flag.subject_key == f"programme:{programme.pk}"
    assert flag.subject.model == "programmes.programme" and flag.subject.pk == programme.pk
    assert flag.severity == Severity.MEDIUM
    assert flag.area_id == areas["SS0102"].pk
    assert flag.responsible_actor_ids == {programme.reporting_actor_id}
    assert flag.evidence["programme"]["id"] == programme.pk
    assert flag.evidence["running_at_least_months"] == 24
    assert flag.evidence["ending_within_months"] is None
    assert "at least 24 months" in flag.message and "15 Jun 2024" in flag.message
    assert "minst 24 måneder" in flag.message_nb


def test_it_does_not_flag_a_programme_a_day_short_of_two_years(areas):
    humanitarian(areas, start=TWO_YEARS_AGO + timedelta(days=1))

    assert evaluate() == []


def test_it_flags_a_young_programme_ending_within_six_months(areas):
    programme = humanitarian(areas, start=RECENTLY, end=IN_SIX_MONTHS)

    [flag] = evaluate()

    assert flag.subject.pk == programme.pk
    assert flag.severity == Severity.MEDIUM
    assert flag.evidence["running_at_least_months"] is None
    assert flag.evidence["ending_within_months"] == 6
    assert "ends on 15 Dec 2026" in flag.message and "avsluttes 15.12.2026" in flag.message_nb


def test_it_does_not_flag_a_young_programme_ending_six_months_and_a_day_ahead(areas):
    humanitarian(areas, start=RECENTLY, end=IN_SIX_MONTHS + timedelta(days=1))

    assert evaluate() == []


def test_it_is_high_at_three_years(areas):
    humanitarian(areas, start=THREE_YEARS_AGO)

    [flag] = evaluate()

    assert flag.severity == Severity.HIGH
    assert flag.evidence["running_at_least_months"] == 36


def test_it_is_medium_a_day_short_of_three_years(areas):
    humanitarian(areas, start=THREE_YEARS_AGO + timedelta(days=1), end=IN_SIX_MONTHS)

    [flag] = evaluate()

    assert flag.severity == Severity.MEDIUM
    assert flag.evidence["running_at_least_months"] == 24
    assert flag.evidence["ending_within_months"] == 6


def test_a_transition_plan_is_a_way_out(areas):
    humanitarian(areas, transition_plan="Hand the clinics to the county health department in 2027.")

    assert evaluate() == []


def test_a_blank_transition_plan_is_no_plan(areas):
    humanitarian(areas, transition_plan="  \n ")

    assert len(evaluate()) == 1


def test_a_handover_actor_is_a_way_out(areas):
    humanitarian(areas, handover_actor=factories.actor("County Health Department"))

    assert evaluate() == []


@pytest.mark.parametrize("pillars", ["D", "DP", "HD"])
def test_a_handover_link_to_a_programme_with_development_clears_it_in_either_direction(areas, pillars):
    h, following = humanitarian(areas), humanitarian(areas, pillars="D")
    h_backwards, preceding = humanitarian(areas), humanitarian(areas, pillars=pillars)
    factories.link(h, following, LinkType.SEQUENCED)
    factories.link(preceding, h_backwards, LinkType.SEQUENCED)

    assert evaluate() == []


def test_the_linked_development_programme_may_be_closed_or_in_another_country(areas):
    h, other_h = humanitarian(areas), humanitarian(areas)
    closed = humanitarian(areas, pillars="D", status=ActivityStatus.CLOSED)
    abroad = humanitarian(areas, pillars="D", locations=[areas["KE"]])
    factories.link(h, closed, LinkType.SEQUENCED)
    factories.link(other_h, abroad, LinkType.SEQUENCED)

    assert evaluate() == []


def test_other_links_do_not_clear_it(areas):
    h = humanitarian(areas)
    d = humanitarian(areas, pillars="D")
    another_h = humanitarian(areas, start=RECENTLY)
    factories.link(h, d, LinkType.COMPLEMENTARY)  # not a handover
    factories.link(h, d, LinkType.SEQUENCED, status=LinkStatus.PROPOSED)  # not confirmed
    factories.link(h, another_h, LinkType.SEQUENCED)  # handed to humanitarian work
    factories.contribution(h, factories.goal())

    assert [flag.subject.pk for flag in evaluate()] == [h.pk]


@pytest.mark.parametrize("pillars", ["HD", "HP", "D"])
def test_it_ignores_programmes_that_are_not_h_only(areas, pillars):
    humanitarian(areas, pillars=pillars, start=THREE_YEARS_AGO)

    assert evaluate() == []


@pytest.mark.parametrize(
    ("status", "end"),
    [
        (ActivityStatus.CLOSED, None),
        (ActivityStatus.SUSPENDED, None),
        (ActivityStatus.FINALISATION, IN_SIX_MONTHS),
        (ActivityStatus.IMPLEMENTATION, AS_OF - timedelta(days=1)),
    ],
)
def test_it_ignores_inactive_programmes(areas, status, end):
    humanitarian(areas, start=THREE_YEARS_AGO, status=status, end=end)

    assert evaluate() == []


def test_a_programme_ending_on_the_as_of_date_is_still_flagged(areas):
    humanitarian(areas, start=RECENTLY, end=AS_OF)

    assert len(evaluate()) == 1


def test_the_thresholds_are_settings(areas, settings):
    settings.FLAG_RULE_SETTINGS = {CODE: {"run_months": 12, "high_when_run_months": 18}}
    humanitarian(areas, start=add_months(AS_OF, -18))

    [flag] = evaluate()

    assert flag.severity == Severity.HIGH


def test_it_loads_the_linked_programmes_pillars_in_one_query(areas, django_assert_num_queries):
    for _ in range(3):
        factories.link(humanitarian(areas), humanitarian(areas, pillars="H", start=RECENTLY), LinkType.SEQUENCED)
    facts = CountryFacts("SS", AS_OF)

    with django_assert_num_queries(3):  # confirmed links from, and to, programmes here; which linked ones have D
        assert len(evaluate(facts=facts)) == 3


def test_the_engine_writes_the_flag_for_the_reporting_actor(areas):
    programme = humanitarian(areas, start=THREE_YEARS_AGO)

    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag = Flag.objects.get(rule=CODE)
    assert flag.subject == programme
    assert flag.severity == Severity.HIGH
    assert flag.subject_key == f"SS:programme:{programme.pk}"
    assert flag.country.pcode == "SS" and flag.area.pcode == "SS0101"
    assert list(flag.responsible_actors.all()) == [programme.reporting_actor]
