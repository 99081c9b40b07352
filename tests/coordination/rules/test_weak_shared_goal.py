"""weak-shared-goal: an active goal that fails any criterion of a real collective outcome."""

from datetime import date, timedelta

import pytest

from actors.choices import Localness
from coordination.choices import CommitmentRole, CommitmentStatus, GoalStatus, Severity
from coordination.engine import runner
from coordination.engine.registry import GlobalFacts, all_rules
from coordination.engine.timeline import add_months
from coordination.models import Flag, FlagRun
from programmes.choices import ActivityStatus
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "weak-shared-goal"
AS_OF = date(2026, 6, 15)
HORIZON_START = AS_OF - timedelta(days=200)


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def convener():
    return factories.actor("Embassy in Juba")


def evaluate(as_of=AS_OF):
    rule = all_rules()[CODE]
    return list(rule.evaluate(GlobalFacts(as_of), rule.params()))


def running(pillars, **extra):
    return factories.programme(pillars=pillars, start=AS_OF - timedelta(days=400), **extra)


def strong_goal(areas, convener, *, months=48, commit=True, contribute=True, **extra):
    """A goal that passes every criterion; tests break one thing at a time."""
    goal = factories.goal(
        convening_actor=convener,
        areas=extra.pop("goal_areas", [areas["SS01"]]),
        title=extra.pop("title", "Safe water in Central Equatoria"),
        horizon_start=HORIZON_START,
        horizon_end=add_months(HORIZON_START, months),
        **extra,
    )
    if commit:
        factories.commitment(goal, factories.actor("Big INGO"), role=CommitmentRole.LEAD)
        factories.commitment(goal, factories.actor("Juba Women's Group", localness=Localness.LOCAL))
    if contribute:
        factories.contribution(running("H"), goal)
        factories.contribution(running("D"), goal)
    return goal


def failed_codes(flag):
    return [failure["code"] for failure in flag.evidence["failed"]]


def test_a_goal_meeting_every_criterion_is_not_flagged(areas, convener):
    strong_goal(areas, convener)

    assert evaluate() == []


def test_it_flags_a_goal_with_one_committed_actor(areas, convener):
    goal = strong_goal(areas, convener, commit=False)
    factories.commitment(goal, factories.actor(localness=Localness.NATIONAL))
    factories.commitment(goal, factories.actor(), status=CommitmentStatus.INVITED)
    factories.commitment(goal, factories.actor(), status=CommitmentStatus.DECLINED)

    [flag] = evaluate()

    assert flag.subject_key == f"goal:{goal.pk}"
    assert flag.subject.model == "coordination.sharedgoal" and flag.subject.pk == goal.pk
    assert flag.severity == Severity.MEDIUM
    assert flag.evidence["failed"] == [
        {"code": "few-committed-actors", "text": "fewer than 2 actors have committed", "found": 1, "needed": 2}
    ]
    assert "Safe water in Central Equatoria" in flag.message and "fewer than 2 actors" in flag.message
    assert "færre enn 2 aktører" in flag.message_nb


def test_it_flags_contributions_from_a_single_pillar(areas, convener):
    goal = strong_goal(areas, convener, contribute=False)
    factories.contribution(running("H"), goal)
    factories.contribution(running("H"), goal)

    [flag] = evaluate()

    assert flag.evidence["failed"] == [
        {"code": "few-pillars", "text": "contributions come from fewer than 2 pillars", "found": "H", "needed": 2}
    ]


def test_a_goal_with_no_contributions_has_no_pillars(areas, convener):
    strong_goal(areas, convener, contribute=False)

    [flag] = evaluate()

    assert flag.evidence["failed"][0]["found"] == ""


def test_one_programme_with_two_pillars_brings_two_pillars(areas, convener):
    goal = strong_goal(areas, convener, contribute=False)
    factories.contribution(running("HD"), goal)

    assert evaluate() == []


def test_only_active_contributing_programmes_count_for_pillars(areas, convener):
    goal = strong_goal(areas, convener, contribute=False)
    factories.contribution(running("H"), goal)
    factories.contribution(running("D", status=ActivityStatus.CLOSED), goal)
    factories.contribution(running("P", end=AS_OF - timedelta(days=1)), goal)

    [flag] = evaluate()

    assert failed_codes(flag) == ["few-pillars"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"indicator": "  "}, "no-indicator"),
        ({"baseline_value": None, "baseline_date": None}, "no-baseline"),
        ({"target_value": None, "target_date": None}, "no-target"),
    ],
)
def test_it_flags_a_goal_without_indicator_baseline_or_target(areas, convener, changes, code):
    strong_goal(areas, convener, **changes)

    [flag] = evaluate()

    assert failed_codes(flag) == [code]


@pytest.mark.parametrize(("months", "days", "weak"), [(36, 0, False), (36, -1, True), (60, 0, False), (60, 1, True)])
def test_the_horizon_must_be_three_to_five_years_counting_calendar_months(areas, convener, months, days, weak):
    goal = strong_goal(areas, convener)
    goal.horizon_end = add_months(HORIZON_START, months) + timedelta(days=days)
    goal.save(update_fields=["horizon_end"])

    flags = evaluate()

    assert [failed_codes(flag) for flag in flags] == ([["horizon-not-3-to-5-years"]] if weak else [])
    if weak:
        assert flags[0].evidence["failed"][0]["horizon"] == [goal.horizon_start, goal.horizon_end]


def test_it_flags_a_goal_with_no_national_or_local_actor_committed(areas, convener):
    goal = strong_goal(areas, convener, commit=False)
    factories.commitment(goal, factories.actor(), role=CommitmentRole.LEAD)
    factories.commitment(goal, factories.actor())
    factories.commitment(goal, factories.actor(localness=Localness.NATIONAL), status=CommitmentStatus.INVITED)

    [flag] = evaluate()

    assert failed_codes(flag) == ["no-local-actor"]


def test_a_national_actor_counts_as_national_or_local(areas, convener):
    goal = strong_goal(areas, convener, commit=False)
    factories.commitment(goal, factories.actor())
    factories.commitment(goal, factories.actor(localness=Localness.NATIONAL), role=CommitmentRole.ENDORSER)

    assert evaluate() == []


def test_the_evidence_lists_every_failed_criterion_in_a_stable_order(areas, convener):
    goal = factories.goal(
        convening_actor=convener,
        areas=[areas["SS01"]],
        indicator="",
        baseline_value=None,
        baseline_date=None,
        target_value=None,
        target_date=None,
        horizon_start=HORIZON_START,
        horizon_end=HORIZON_START + timedelta(days=365),
    )

    [flag] = evaluate()

    assert failed_codes(flag) == [
        "few-committed-actors",
        "few-pillars",
        "no-indicator",
        "no-baseline",
        "no-target",
        "horizon-not-3-to-5-years",
        "no-local-actor",
    ]
    assert flag.evidence["goal"] == {"id": goal.pk, "title": goal.title}
    assert flag.message.count(";") == 6 and flag.message_nb.count(";") == 6


@pytest.mark.parametrize("status", [GoalStatus.DRAFT, GoalStatus.ACHIEVED, GoalStatus.DROPPED])
def test_it_ignores_goals_that_are_not_active(areas, convener, status):
    strong_goal(areas, convener, commit=False, status=status)

    assert evaluate() == []


def test_the_convener_and_accepted_leads_are_responsible(areas, convener):
    goal = strong_goal(areas, convener, commit=False)
    lead, contributor = factories.actor(), factories.actor()
    invited_lead = factories.actor()
    factories.commitment(goal, lead, role=CommitmentRole.LEAD)
    factories.commitment(goal, contributor)
    factories.commitment(goal, invited_lead, role=CommitmentRole.LEAD, status=CommitmentStatus.INVITED)

    [flag] = evaluate()

    assert flag.responsible_actor_ids == {convener.pk, lead.pk}


def test_a_goal_in_one_country_belongs_to_that_country_and_its_containing_area(areas, convener):
    strong_goal(areas, convener, commit=False, goal_areas=[areas["SS01"], areas["SS0101"]])
    strong_goal(areas, convener, commit=False, goal_areas=[areas["SS01"], areas["SS02"]])
    strong_goal(areas, convener, commit=False, goal_areas=[areas["SS01"], areas["KE"]])

    places = [(flag.country_code, flag.area_id) for flag in evaluate()]

    assert sorted(places, key=str) == sorted(
        [("SS", areas["SS01"].pk), ("SS", None), (None, None)],
        key=str,
    )


def test_it_takes_four_queries_whatever_the_number_of_goals(areas, convener, django_assert_num_queries):
    for _ in range(3):
        strong_goal(areas, convener, commit=False)

    with django_assert_num_queries(4):  # goals, commitments, contributing pillars, goal areas
        assert len(evaluate()) == 3


def test_the_engine_writes_a_global_flag_placed_in_the_goals_country(areas, convener):
    goal = strong_goal(areas, convener, commit=False)

    run = runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag = Flag.objects.get(rule=CODE)
    assert run.status == FlagRun.Status.SUCCEEDED
    assert flag.subject == goal
    assert flag.partition == "" and flag.subject_key == f"goal:{goal.pk}"
    assert flag.country.pcode == "SS" and flag.area.pcode == "SS01"
    assert list(flag.responsible_actors.all()) == [convener]
    assert [failure["code"] for failure in flag.evidence["failed"]] == ["few-committed-actors", "no-local-actor"]
