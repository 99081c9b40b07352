"""stale-goal-progress: an active goal past its first 12 months with no progress report in the last 12."""

from datetime import date, timedelta

import pytest

from coordination.choices import CommitmentRole, CommitmentStatus, GoalStatus, Severity
from coordination.engine import runner
from coordination.engine.registry import GlobalFacts, all_rules
from coordination.engine.timeline import add_months
from coordination.models import Flag, FlagRun
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "stale-goal-progress"
AS_OF = date(2026, 6, 15)
A_YEAR_AGO = add_months(AS_OF, -12)  # 15 Jun 2025


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def convener():
    return factories.actor("Embassy in Juba")


def evaluate(as_of=AS_OF):
    rule = all_rules()[CODE]
    return list(rule.evaluate(GlobalFacts(as_of), rule.params()))


def goal_started(on: date, *, areas=(), convener=None, **extra):
    return factories.goal(
        convening_actor=convener,
        areas=areas,
        title=extra.pop("title", "Safe water in Central Equatoria"),
        horizon_start=on,
        horizon_end=add_months(on, 48),
        baseline_date=on,
        target_date=add_months(on, 48),
        **extra,
    )


def test_it_flags_a_goal_started_over_a_year_ago_with_no_report_ever(areas, convener):
    goal = goal_started(A_YEAR_AGO - timedelta(days=1), areas=[areas["SS01"]], convener=convener)

    [flag] = evaluate()

    assert flag.subject_key == f"goal:{goal.pk}"
    assert flag.subject.model == "coordination.sharedgoal" and flag.subject.pk == goal.pk
    assert flag.severity == Severity.LOW
    assert flag.responsible_actor_ids == {convener.pk}
    assert flag.evidence == {
        "goal": {"id": goal.pk, "title": "Safe water in Central Equatoria"},
        "horizon_start": date(2025, 6, 14),
        "last_report": None,
    }
    assert "ever" in flag.message and "14 Jun 2025" in flag.message
    assert "aldri" in flag.message_nb and "14.06.2025" in flag.message_nb


def test_a_goal_started_exactly_twelve_months_ago_is_not_yet_due(convener):
    goal_started(A_YEAR_AGO, convener=convener)

    assert evaluate() == []


def test_a_report_in_the_last_twelve_months_clears_it(convener):
    goal = goal_started(date(2024, 1, 1), convener=convener)
    factories.progress(goal, on=A_YEAR_AGO + timedelta(days=1))

    assert evaluate() == []


def test_a_report_exactly_twelve_months_old_is_too_old(convener):
    goal = goal_started(date(2024, 1, 1), convener=convener)
    factories.progress(goal, on=date(2024, 6, 1))
    factories.progress(goal, on=A_YEAR_AGO)

    [flag] = evaluate()

    assert flag.evidence["last_report"] == A_YEAR_AGO
    assert "since 15 Jun 2025" in flag.message and "siden 15.06.2025" in flag.message_nb


def test_a_report_dated_after_the_as_of_date_does_not_count(convener):
    goal = goal_started(date(2024, 1, 1), convener=convener)
    factories.progress(goal, on=date(2025, 1, 10))
    factories.progress(goal, on=AS_OF + timedelta(days=1))

    [flag] = evaluate()

    assert flag.evidence["last_report"] == date(2025, 1, 10)


def test_a_report_on_the_as_of_date_counts(convener):
    goal = goal_started(date(2024, 1, 1), convener=convener)
    factories.progress(goal, on=AS_OF)

    assert evaluate() == []


@pytest.mark.parametrize("status", [GoalStatus.DRAFT, GoalStatus.ACHIEVED, GoalStatus.DROPPED])
def test_it_ignores_goals_that_are_not_active(convener, status):
    goal_started(date(2024, 1, 1), convener=convener, status=status)

    assert evaluate() == []


def test_the_convener_and_accepted_leads_are_responsible(convener):
    goal = goal_started(date(2024, 1, 1), convener=convener)
    lead, contributor, invited = factories.actor(), factories.actor(), factories.actor()
    factories.commitment(goal, lead, role=CommitmentRole.LEAD)
    factories.commitment(goal, contributor)
    factories.commitment(goal, invited, role=CommitmentRole.LEAD, status=CommitmentStatus.INVITED)

    [flag] = evaluate()

    assert flag.responsible_actor_ids == {convener.pk, lead.pk}


def test_the_thresholds_are_settings(convener, settings):
    settings.FLAG_RULE_SETTINGS = {CODE: {"months_without_report": 6, "started_months_ago": 6}}
    goal = goal_started(add_months(AS_OF, -7), convener=convener)
    factories.progress(goal, on=add_months(AS_OF, -6))

    assert [flag.subject.pk for flag in evaluate()] == [goal.pk]


def test_it_takes_three_queries_whatever_the_number_of_goals(convener, django_assert_num_queries):
    for _ in range(3):
        goal = goal_started(date(2024, 1, 1), convener=convener)
        factories.progress(goal, on=date(2024, 6, 1))

    with django_assert_num_queries(3):  # goals with their latest report, leads, goal areas
        assert len(evaluate()) == 3


def test_the_engine_writes_a_global_flag_placed_in_the_goals_area(areas, convener):
    goal = goal_started(date(2024, 1, 1), areas=[areas["SS0101"]], convener=convener)

    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag = Flag.objects.get(rule=CODE)
    assert flag.subject == goal
    assert flag.partition == "" and flag.subject_key == f"goal:{goal.pk}"
    assert flag.country.pcode == "SS" and flag.area.pcode == "SS0101"
    assert list(flag.responsible_actors.all()) == [convener]
    assert flag.evidence["horizon_start"] == "2024-01-01"

    factories.progress(goal, on=AS_OF - timedelta(days=5))
    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag.refresh_from_db()
    assert flag.status == "resolved"
