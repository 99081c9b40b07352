"""stale-analysis: a published, not superseded analysis, overdue or overtaken by events, still the
newest of its kind where active programmes work."""

from datetime import date, timedelta

import pytest

from analyses.choices import AnalysisKind, AnalysisStatus, Sensitivity
from coordination.choices import Severity
from coordination.engine import runner
from coordination.engine.facts import CountryFacts
from coordination.engine.registry import all_rules
from coordination.models import Flag, FlagRun
from programmes.choices import ActivityStatus
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "stale-analysis"
AS_OF = date(2026, 6, 15)
CONDUCTED = date(2025, 6, 1)
OVERDUE = AS_OF - timedelta(days=1)
NOT_DUE = AS_OF + timedelta(days=100)
LATER = CONDUCTED + timedelta(days=30)


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def nrc():
    return factories.actor("Norwegian Refugee Council", acronym="NRC")


def evaluate(as_of=AS_OF):
    rule = all_rules()[CODE]
    return list(rule.evaluate(CountryFacts("SS", as_of), rule.params()))


def analysis(areas, *scope, **extra):
    extra.setdefault("conducted_on", CONDUCTED)
    extra.setdefault("review_due", OVERDUE)
    return factories.analysis(scope=[areas[code] for code in scope], **extra)


def programme(areas, *locations, pillars="D", **extra):
    return factories.programme(
        pillars=pillars, locations=[areas[code] for code in locations], start=AS_OF - timedelta(days=400), **extra
    )


def test_it_flags_an_overdue_analysis_that_programmes_still_rely_on(areas, nrc):
    stale = analysis(areas, "SS01", authors=[nrc])
    programme(areas, "SS0101")

    [flag] = evaluate()

    assert flag.subject_key == f"analysis:{stale.pk}"
    assert flag.subject.model == "analyses.analysis" and flag.subject.pk == stale.pk
    assert flag.severity == Severity.MEDIUM
    assert flag.area_id == areas["SS01"].pk
    assert flag.responsible_actor_ids == {nrc.pk}
    assert flag.evidence["review_overdue"] is True
    assert flag.evidence["trigger_event_count"] == 0
    assert flag.evidence["areas"] == ["SS0101"]
    assert flag.evidence["active_programmes"] == 1
    assert flag.evidence["humanitarian_programmes"] == 0
    assert f"A conflict analysis of Central Equatoria (SS01) held by NRC (#{stale.pk})" in flag.message
    assert "14 Jun 2026" in flag.message and "14.06.2026" in flag.message_nb


def test_an_analysis_due_for_review_on_the_as_of_date_is_not_stale_yet(areas):
    analysis(areas, "SS01", review_due=AS_OF)
    programme(areas, "SS0101")

    assert evaluate() == []


def test_a_trigger_event_after_the_analysis_makes_it_stale_and_high(areas):
    stale = analysis(areas, "SS01", review_due=NOT_DUE)
    event = factories.event(areas["SS0102"], on=AS_OF, event_type="election")
    programme(areas, "SS0101")

    [flag] = evaluate()

    assert flag.severity == Severity.HIGH
    assert flag.evidence["review_overdue"] is False
    assert flag.evidence["trigger_event_count"] == 1
    assert flag.evidence["trigger_events"] == [{"id": event.pk, "date": AS_OF, "type": "election", "area": "SS0102"}]
    assert "Kajo-Keji (SS0102)" in flag.message
    assert stale.pk == flag.subject.pk


@pytest.mark.parametrize(
    ("where", "on"),
    [
        ("SS0101", CONDUCTED),  # the day it was conducted: the analysis already knew
        ("SS0101", AS_OF + timedelta(days=1)),  # after the as-of date
        ("SS02", AS_OF),  # outside its scope
        ("SS", AS_OF),  # the country contains the scope; the scope does not contain the country
    ],
)
def test_events_that_are_no_trigger_leave_a_reviewed_analysis_alone(areas, where, on):
    analysis(areas, "SS01", review_due=NOT_DUE)
    factories.event(areas[where], on=on)
    programme(areas, "SS0101")

    assert evaluate() == []


def test_an_active_humanitarian_programme_relying_on_it_makes_it_high(areas):
    analysis(areas, "SS01")
    programme(areas, "SS0101", pillars="HD")
    programme(areas, "SS0102")

    [flag] = evaluate()

    assert flag.severity == Severity.HIGH
    assert flag.evidence["areas"] == ["SS0101", "SS0102"]
    assert flag.evidence["active_programmes"] == 2
    assert flag.evidence["humanitarian_programmes"] == 1


def test_a_humanitarian_programme_served_by_a_newer_analysis_does_not_raise_the_severity(areas):
    national = analysis(areas, "SS")
    analysis(areas, "SS01", conducted_on=LATER, review_due=NOT_DUE)
    programme(areas, "SS0101", pillars="H")
    programme(areas, "SS02")

    [flag] = evaluate()

    assert flag.subject.pk == national.pk
    assert flag.severity == Severity.MEDIUM
    assert flag.evidence["areas"] == ["SS02"]


def test_an_analysis_with_a_newer_one_of_its_kind_everywhere_programmes_work_is_not_flagged(areas):
    analysis(areas, "SS")
    analysis(areas, "SS01", conducted_on=LATER)  # newer, and itself overdue: it is the one flagged
    programme(areas, "SS0101")

    [flag] = evaluate()

    assert flag.evidence["analysis"]["scope"] == ["SS01"]


@pytest.mark.parametrize(
    "newer",
    [
        {"kind": AnalysisKind.CONTEXT},  # another kind does not replace a conflict analysis
        {"status": AnalysisStatus.DRAFT},  # a draft is not published yet
        {"scope": "SS02"},  # it does not cover where the programme works
    ],
)
def test_a_newer_analysis_that_does_not_replace_it_leaves_it_the_newest(areas, newer):
    stale = analysis(areas, "SS01")
    analysis(areas, newer.pop("scope", "SS01"), conducted_on=LATER, review_due=NOT_DUE, **newer)
    programme(areas, "SS0101")

    assert [flag.subject.pk for flag in evaluate()] == [stale.pk]


def test_analyses_of_the_same_kind_conducted_the_same_day_are_both_newest(areas):
    first = analysis(areas, "SS01")
    second = analysis(areas, "SS0101")
    programme(areas, "SS0101")

    assert sorted(flag.subject.pk for flag in evaluate()) == sorted([first.pk, second.pk])


def test_a_superseded_analysis_is_not_flagged(areas):
    old = analysis(areas, "SS01")
    analysis(areas, "SS02", supersedes=old, conducted_on=LATER, review_due=NOT_DUE)
    programme(areas, "SS0101")

    assert evaluate() == []


def test_a_draft_successor_does_not_supersede_it(areas):
    old = analysis(areas, "SS01")
    analysis(areas, "SS01", supersedes=old, conducted_on=LATER, status=AnalysisStatus.DRAFT)
    programme(areas, "SS0101")

    assert [flag.subject.pk for flag in evaluate()] == [old.pk]


@pytest.mark.parametrize("status", [AnalysisStatus.DRAFT, AnalysisStatus.ARCHIVED])
def test_unpublished_analyses_are_never_stale(areas, status):
    analysis(areas, "SS01", status=status)
    programme(areas, "SS0101")

    assert evaluate() == []


def test_it_needs_an_active_programme_inside_its_scope(areas):
    analysis(areas, "SS01")
    programme(areas, "SS02")
    programme(areas, "SS")  # a country-level location is not inside a regional scope
    programme(areas, "SS0101", status=ActivityStatus.CLOSED)
    programme(areas, "SS0102", end=AS_OF - timedelta(days=1))

    assert evaluate() == []


def test_messages_and_evidence_never_show_the_content_of_a_named_analysis(areas, nrc):
    analysis(
        areas, "SS01", authors=[nrc], sensitivity=Sensitivity.NAMED, title="Militia positions", summary="Who fights"
    )
    factories.event(areas["SS0101"], on=AS_OF, description="Clashes near the market")
    programme(areas, "SS0101")

    [flag] = evaluate()

    shown = f"{flag.message} {flag.message_nb} {flag.evidence}"
    assert "Militia" not in shown and "Who fights" not in shown and "Clashes" not in shown
    assert flag.evidence["analysis"]["sensitivity"] == "named"


def test_the_engine_writes_one_flag_per_stale_analysis(areas, nrc):
    stale = analysis(areas, "SS01", authors=[nrc])
    programme(areas, "SS0101")
    programme(areas, "SS0102")

    run = runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    assert run.status == FlagRun.Status.SUCCEEDED
    flag = Flag.objects.get(rule=CODE)
    assert flag.subject == stale
    assert flag.country.pcode == "SS"
    assert list(flag.responsible_actors.all()) == [nrc]
    assert flag.evidence["analysis"]["review_due"] == OVERDUE.isoformat()


def test_an_analysis_of_two_countries_is_flagged_in_each_country_that_relies_on_it(areas):
    stale = analysis(areas, "SS01", "KE")
    programme(areas, "SS0101")
    programme(areas, "KE")

    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flags = Flag.objects.filter(rule=CODE).order_by("partition")
    assert [(flag.partition, flag.subject, flag.evidence["analysis"]["scope"]) for flag in flags] == [
        ("KE", stale, ["KE"]),
        ("SS", stale, ["SS01"]),
    ]
