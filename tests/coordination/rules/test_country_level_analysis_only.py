"""country-level-analysis-only: programmes below country level covered by current conflict/context
analyses of the whole country only; one flag per level-1 area."""

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

CODE = "country-level-analysis-only"
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
    return factories.programme(
        locations=[areas[code] for code in locations], start=AS_OF - timedelta(days=400), **extra
    )


def test_it_flags_the_region_of_a_programme_covered_by_a_country_analysis_only(areas, nrc):
    national = analysis(areas, "SS", authors=[nrc])
    implementer = factories.actor()
    work = programme(areas, "SS0101", implementers=[implementer])

    [flag] = evaluate()

    assert flag.subject_key == f"area:{areas['SS01'].pk}"
    assert flag.subject.model == "reference.area" and flag.subject.pk == areas["SS01"].pk
    assert flag.area_id == areas["SS01"].pk
    assert flag.severity == Severity.MEDIUM
    assert flag.responsible_actor_ids == {work.reporting_actor_id, implementer.pk}
    assert flag.evidence["area"] == "SS01"
    assert flag.evidence["programmes"] == [work.pk]
    assert flag.evidence["locations"] == ["SS0101"]
    assert [found["id"] for found in flag.evidence["analyses"]] == [national.pk]
    assert f"a conflict analysis of South Sudan (SS) held by NRC (#{national.pk})" in flag.message
    assert "Central Equatoria (SS01)" in flag.message and "Central Equatoria (SS01)" in flag.message_nb


def test_it_raises_one_flag_per_level_1_area(areas):
    analysis(areas, "SS")
    juba = programme(areas, "SS0101")
    kajo_keji = programme(areas, "SS0102")
    regional = programme(areas, "SS01")
    eastern = programme(areas, "SS02")

    flags = {flag.evidence["area"]: flag for flag in evaluate()}

    assert set(flags) == {"SS01", "SS02"}
    assert flags["SS01"].evidence["programmes"] == sorted([juba.pk, kajo_keji.pk, regional.pk])
    assert flags["SS01"].evidence["locations"] == ["SS01", "SS0101", "SS0102"]
    assert flags["SS02"].evidence["programmes"] == [eastern.pk]


def test_a_country_analysis_that_also_names_the_region_covers_it_at_region_level(areas):
    analysis(areas, "SS", "SS01")
    programme(areas, "SS0101")

    assert evaluate() == []


@pytest.mark.parametrize("finer", ["SS01", "SS0101"])
def test_a_current_regional_or_district_analysis_clears_it(areas, finer):
    analysis(areas, "SS")
    analysis(areas, finer, kind=AnalysisKind.CONTEXT)
    programme(areas, "SS0101")

    assert evaluate() == []


@pytest.mark.parametrize(
    "regional",
    [
        {"review_due": AS_OF - timedelta(days=1)},
        {"status": AnalysisStatus.DRAFT},
        {"kind": AnalysisKind.RISK},
    ],
)
def test_a_regional_analysis_that_is_not_current_or_of_another_kind_does_not_count(areas, regional):
    analysis(areas, "SS")
    analysis(areas, "SS01", **regional)
    programme(areas, "SS0101")

    assert [flag.evidence["area"] for flag in evaluate()] == ["SS01"]


def test_a_regional_analysis_due_today_still_counts(areas):
    analysis(areas, "SS")
    analysis(areas, "SS01", review_due=AS_OF)
    programme(areas, "SS0101")

    assert evaluate() == []


def test_a_regional_analysis_with_a_trigger_event_no_longer_counts(areas):
    analysis(areas, "SS01")
    factories.event(areas["SS0102"], on=CONDUCTED + timedelta(days=10))
    analysis(areas, "SS", conducted_on=CONDUCTED + timedelta(days=20))  # done after the event: still current
    programme(areas, "SS0101")

    assert [flag.evidence["area"] for flag in evaluate()] == ["SS01"]


def test_a_location_no_current_analysis_covers_is_left_to_uncovered_programme(areas):
    analysis(areas, "SS", review_due=AS_OF - timedelta(days=1))
    analysis(areas, "SS", kind=AnalysisKind.NEEDS)
    programme(areas, "SS0101")

    assert evaluate() == []


def test_programmes_located_at_country_level_or_inactive_are_not_counted(areas):
    analysis(areas, "SS")
    programme(areas, "SS")
    programme(areas, "SS0101", status=ActivityStatus.SUSPENDED)
    programme(areas, "SS0102", end=AS_OF - timedelta(days=1))

    assert evaluate() == []


def test_the_kinds_that_count_are_a_setting(areas, settings):
    settings.FLAG_RULE_SETTINGS = {CODE: {"kinds": ("conflict", "context", "risk")}}
    analysis(areas, "SS")
    analysis(areas, "SS01", kind=AnalysisKind.RISK)
    programme(areas, "SS0101")

    assert evaluate() == []


def test_messages_and_evidence_never_show_the_content_of_a_restricted_analysis(areas, nrc):
    analysis(areas, "SS", authors=[nrc], sensitivity=Sensitivity.STRICT, title="Militia positions", summary="Who")
    programme(areas, "SS0101")

    [flag] = evaluate()

    shown = f"{flag.message} {flag.message_nb} {flag.evidence}"
    assert "Militia" not in shown and "Who" not in shown


def test_the_engine_writes_one_flag_per_region(areas, nrc):
    analysis(areas, "SS", authors=[nrc])
    first = programme(areas, "SS0101")
    second = programme(areas, "SS0102")

    run = runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    assert run.status == FlagRun.Status.SUCCEEDED
    flag = Flag.objects.get(rule=CODE)
    assert flag.subject == areas["SS01"]
    assert flag.area == areas["SS01"] and flag.country.pcode == "SS"
    assert set(flag.responsible_actors.values_list("pk", flat=True)) == {
        first.reporting_actor_id,
        second.reporting_actor_id,
    }
