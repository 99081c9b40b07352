"""uncovered-programme: an active programme with a location no current conflict or context analysis covers."""

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

CODE = "uncovered-programme"
AS_OF = date(2026, 6, 15)
CONDUCTED = AS_OF - timedelta(days=60)
NOT_DUE = AS_OF + timedelta(days=100)


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
    extra.setdefault("review_due", NOT_DUE)
    return factories.analysis(scope=[areas[code] for code in scope], **extra)


def programme(areas, *locations, **extra):
    extra.setdefault("start", AS_OF - timedelta(days=400))
    return factories.programme(locations=[areas[code] for code in locations], **extra)


def test_it_flags_an_active_programme_no_analysis_covers(areas):
    implementer = factories.actor()
    work = programme(areas, "SS0101", implementers=[implementer], title="Water for Juba")

    [flag] = evaluate()

    assert flag.subject_key == f"programme:{work.pk}"
    assert flag.subject.model == "programmes.programme" and flag.subject.pk == work.pk
    assert flag.severity == Severity.HIGH
    assert flag.area_id == areas["SS0101"].pk
    assert flag.responsible_actor_ids == {work.reporting_actor_id, implementer.pk}
    assert flag.evidence["programme"]["id"] == work.pk
    assert flag.evidence["uncovered"] == ["SS0101"]
    assert flag.evidence["lapsed_analyses"] == []
    assert flag.message == (
        "“Water for Juba” works in Juba (SS0101) with no current conflict analysis or context analysis covering it."
    )
    assert "«Water for Juba»" in flag.message_nb


@pytest.mark.parametrize(
    ("kind", "scope"),
    [(AnalysisKind.CONFLICT, "SS"), (AnalysisKind.CONTEXT, "SS01"), (AnalysisKind.CONFLICT, "SS0101")],
)
def test_a_current_conflict_or_context_analysis_of_the_area_or_above_covers_it(areas, kind, scope):
    analysis(areas, scope, kind=kind)
    programme(areas, "SS0101")

    assert evaluate() == []


@pytest.mark.parametrize("kind", [AnalysisKind.RISK, AnalysisKind.NEEDS, AnalysisKind.POLITICAL_ECONOMY])
def test_other_kinds_of_analysis_do_not_cover_it(areas, kind):
    analysis(areas, "SS", kind=kind)
    programme(areas, "SS0101")

    [flag] = evaluate()

    assert flag.evidence["lapsed_analyses"] == []  # not of a kind that counts: not listed


def test_an_analysis_of_a_district_does_not_cover_the_region_around_it(areas):
    analysis(areas, "SS0101")
    programme(areas, "SS01")

    assert [flag.evidence["uncovered"] for flag in evaluate()] == [["SS01"]]


def test_one_uncovered_location_is_enough(areas):
    analysis(areas, "SS01")
    programme(areas, "SS0101", "SS02")

    [flag] = evaluate()

    assert flag.evidence["uncovered"] == ["SS02"]
    assert flag.area_id == areas["SS02"].pk


def test_a_country_level_location_counts_too(areas):
    analysis(areas, "SS01")
    programme(areas, "SS", "SS0101")

    [flag] = evaluate()

    assert flag.evidence["uncovered"] == ["SS"]


def test_an_analysis_due_for_review_today_still_covers_but_not_one_day_later(areas):
    analysis(areas, "SS01", review_due=AS_OF)
    programme(areas, "SS0101")

    assert evaluate() == []
    assert len(evaluate(as_of=AS_OF + timedelta(days=1))) == 1


def test_an_overdue_analysis_is_listed_as_lapsed(areas, nrc):
    overdue = analysis(areas, "SS01", authors=[nrc], review_due=AS_OF - timedelta(days=1))
    programme(areas, "SS0101")

    [flag] = evaluate()

    [lapsed] = flag.evidence["lapsed_analyses"]
    assert lapsed["id"] == overdue.pk
    assert lapsed["review_overdue"] is True
    assert lapsed["superseded_by"] is None
    assert lapsed["holders"] == [nrc.pk]
    assert f"a conflict analysis of Central Equatoria (SS01) held by NRC (#{overdue.pk})" in flag.message


def test_a_trigger_event_after_the_analysis_uncovers_the_programme(areas):
    analysis(areas, "SS01")
    factories.event(areas["SS0102"], on=AS_OF)
    programme(areas, "SS0101")

    [flag] = evaluate()

    assert flag.evidence["lapsed_analyses"][0]["trigger_event_count"] == 1


def test_an_event_on_the_day_the_analysis_was_conducted_is_no_trigger(areas):
    analysis(areas, "SS01")
    factories.event(areas["SS0102"], on=CONDUCTED)
    programme(areas, "SS0101")

    assert evaluate() == []


def test_an_analysis_superseded_by_a_published_one_elsewhere_no_longer_covers(areas):
    old = analysis(areas, "SS01")
    successor = analysis(areas, "SS02", supersedes=old)
    programme(areas, "SS0101")

    [flag] = evaluate()

    assert flag.evidence["lapsed_analyses"][0]["superseded_by"] == successor.pk


def test_a_draft_successor_leaves_the_old_version_covering(areas):
    old = analysis(areas, "SS01")
    analysis(areas, "SS02", supersedes=old, status=AnalysisStatus.DRAFT)
    programme(areas, "SS0101")

    assert evaluate() == []


@pytest.mark.parametrize("status", [AnalysisStatus.DRAFT, AnalysisStatus.ARCHIVED])
def test_unpublished_analyses_neither_cover_nor_show_as_lapsed(areas, status):
    analysis(areas, "SS", status=status)
    programme(areas, "SS0101")

    [flag] = evaluate()

    assert flag.evidence["lapsed_analyses"] == []


def test_only_active_programmes_are_checked(areas):
    programme(areas, "SS0101", status=ActivityStatus.CLOSED)
    programme(areas, "SS0101", end=AS_OF - timedelta(days=1))
    programme(areas, "SS0101", status=ActivityStatus.PIPELINE, start=AS_OF + timedelta(days=91))
    starting_soon = programme(areas, "SS0102", status=ActivityStatus.PIPELINE, start=AS_OF + timedelta(days=90))

    assert [flag.subject.pk for flag in evaluate()] == [starting_soon.pk]


def test_messages_and_evidence_never_show_the_content_of_a_named_analysis(areas, nrc):
    analysis(
        areas,
        "SS01",
        authors=[nrc],
        sensitivity=Sensitivity.NAMED,
        title="Militia positions",
        summary="Who fights",
        review_due=AS_OF - timedelta(days=1),
    )
    programme(areas, "SS0101")

    [flag] = evaluate()

    shown = f"{flag.message} {flag.message_nb} {flag.evidence}"
    assert "Militia" not in shown and "Who fights" not in shown


def test_the_engine_writes_one_flag_per_uncovered_programme(areas):
    analysis(areas, "SS01")
    uncovered = programme(areas, "SS02")
    programme(areas, "SS0101")

    run = runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    assert run.status == FlagRun.Status.SUCCEEDED
    flag = Flag.objects.get(rule=CODE)
    assert flag.subject == uncovered
    assert flag.severity == Severity.HIGH
    assert flag.area == factories.area("SS02") and flag.country.pcode == "SS"
    assert list(flag.responsible_actors.values_list("pk", flat=True)) == [uncovered.reporting_actor_id]


def test_only_the_newest_lapsed_analysis_of_each_kind_is_listed(areas):
    overdue = AS_OF - timedelta(days=1)
    analysis(areas, "SS", conducted_on=CONDUCTED - timedelta(days=400), review_due=overdue)
    newest_conflict = analysis(areas, "SS01", review_due=overdue)
    newest_context = analysis(areas, "SS", kind=AnalysisKind.CONTEXT, review_due=overdue)
    programme(areas, "SS0101")

    [flag] = evaluate()

    assert [lapsed["id"] for lapsed in flag.evidence["lapsed_analyses"]] == [newest_conflict.pk, newest_context.pk]
