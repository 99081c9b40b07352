"""Analysis facts: the country's published analyses, their coverage, staleness and trigger events."""

from datetime import date, timedelta

import pytest

from analyses.choices import AnalysisKind, AnalysisStatus, Sensitivity
from coordination.engine.analysis_facts import analysis_facts, ancestor_paths
from coordination.engine.facts import CountryFacts
from tests import factories

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 15)
CONDUCTED = AS_OF - timedelta(days=60)
NOT_DUE = AS_OF + timedelta(days=100)


@pytest.fixture
def areas():
    return factories.area_tree()


def load(as_of=AS_OF):
    return analysis_facts(CountryFacts("SS", as_of))


def analysis(areas, *scope, **extra):
    extra.setdefault("conducted_on", CONDUCTED)
    extra.setdefault("review_due", NOT_DUE)
    return factories.analysis(scope=[areas[code] for code in scope], **extra)


def test_it_loads_the_published_analyses_whose_scope_touches_the_country(areas):
    here = analysis(areas, "SS01")
    analysis(areas, "KE")
    analysis(areas, "SS", status=AnalysisStatus.DRAFT)
    analysis(areas, "SS", status=AnalysisStatus.ARCHIVED)

    assert set(load().analyses) == {here.pk}


def test_it_ignores_analyses_conducted_after_the_as_of_date(areas):
    analysis(areas, "SS01", conducted_on=AS_OF + timedelta(days=1), review_due=AS_OF + timedelta(days=200))
    on_the_day = analysis(areas, "SS01", conducted_on=AS_OF)

    assert set(load().analyses) == {on_the_day.pk}


def test_only_scope_areas_inside_the_country_count(areas):
    both = analysis(areas, "SS01", "KE")

    assert [area.pcode for area in load().analyses[both.pk].scope] == ["SS01"]


def test_a_published_successor_supersedes_but_a_draft_one_does_not(areas):
    replaced = analysis(areas, "SS01")
    successor = analysis(areas, "SS02", supersedes=replaced)
    in_progress = analysis(areas, "SS01")
    analysis(areas, "SS01", supersedes=in_progress, status=AnalysisStatus.DRAFT)

    facts = load()

    assert facts.analyses[replaced.pk].superseded_by == successor.pk
    assert not facts.analyses[replaced.pk].current
    assert facts.analyses[in_progress.pk].superseded_by is None
    assert facts.analyses[in_progress.pk].current


def test_a_successor_in_another_country_still_supersedes(areas):
    replaced = analysis(areas, "SS01")
    successor = analysis(areas, "KE", supersedes=replaced)

    assert load().analyses[replaced.pk].superseded_by == successor.pk


def test_an_analysis_is_current_until_the_day_its_review_is_due(areas):
    due_today = analysis(areas, "SS01", review_due=AS_OF)
    due_yesterday = analysis(areas, "SS01", review_due=AS_OF - timedelta(days=1))

    facts = load()

    assert facts.analyses[due_today.pk].current and not facts.analyses[due_today.pk].overdue
    assert facts.analyses[due_yesterday.pk].overdue and not facts.analyses[due_yesterday.pk].current


def test_a_trigger_event_is_inside_the_scope_after_the_analysis_and_not_after_the_as_of_date(areas):
    regional = analysis(areas, "SS01")
    inside = factories.event(areas["SS0101"], on=AS_OF)
    factories.event(areas["SS0102"], on=CONDUCTED)  # the day it was conducted: already known
    factories.event(areas["SS0101"], on=AS_OF + timedelta(days=1))  # after the as-of date
    factories.event(areas["SS02"], on=AS_OF)  # outside the scope
    factories.event(areas["SS"], on=AS_OF)  # the country contains the scope, not the other way round

    facts = load()

    assert [event.id for event in facts.analyses[regional.pk].triggers] == [inside.pk]
    assert not facts.analyses[regional.pk].current
    assert facts.analyses[regional.pk].stale


def test_events_anywhere_in_the_country_trigger_a_country_analysis_once_each(areas):
    national = analysis(areas, "SS", "SS01")  # SS01 is inside SS: its events must not count twice
    older = factories.event(areas["SS0101"], on=CONDUCTED + timedelta(days=1))
    newer = factories.event(areas["SS"], on=CONDUCTED + timedelta(days=2))
    factories.event(areas["KE"], on=AS_OF)

    assert [event.id for event in load().analyses[national.pk].triggers] == [newer.pk, older.pk]


def test_covering_walks_the_ancestors_and_keeps_the_most_specific_scope_area(areas):
    national_and_regional = analysis(areas, "SS", "SS01")
    district = analysis(areas, "SS0101")
    analysis(areas, "SS0102")
    analysis(areas, "SS02")

    facts = load()
    facts_areas = CountryFacts("SS", AS_OF).areas
    juba = next(area for area in facts_areas.values() if area.pcode == "SS0101")

    covering = [(found.id, scope.pcode) for found, scope in facts.covering(juba)]
    assert covering == [(national_and_regional.pk, "SS01"), (district.pk, "SS0101")]


def test_current_covering_keeps_current_analyses_of_the_given_kinds(areas):
    conflict = analysis(areas, "SS")
    analysis(areas, "SS", kind=AnalysisKind.RISK)
    analysis(areas, "SS", review_due=AS_OF - timedelta(days=1))

    facts = load()
    country = next(area for area in CountryFacts("SS", AS_OF).areas.values() if area.level == 0)

    assert [found.id for found, _ in facts.current_covering(country, ("conflict", "context"))] == [conflict.pk]


def test_it_loads_in_five_queries_once_per_country(areas, django_assert_num_queries):
    for _ in range(3):
        scoped = analysis(areas, "SS01", authors=[factories.actor()])
        analysis(areas, "SS0101", supersedes=scoped)
    factories.event(areas["SS0101"], on=AS_OF)
    facts = CountryFacts("SS", AS_OF)
    facts.areas  # noqa: B018  (loaded by the country facts anyway)

    # analyses, their scope rows, published successors, author actors, context events
    with django_assert_num_queries(5):
        first = analysis_facts(facts)
    with django_assert_num_queries(0):
        assert analysis_facts(facts) is first


def test_labels_and_evidence_hold_metadata_but_never_content(areas):
    holder = factories.actor("Norwegian Refugee Council", acronym="NRC")
    secret = analysis(
        areas, "SS01", authors=[holder], sensitivity=Sensitivity.NAMED, title="Militia positions", summary="Who fights"
    )

    fact = load().analyses[secret.pk]

    assert fact.label == f"a conflict analysis of Central Equatoria (SS01) held by NRC (#{secret.pk})"
    assert fact.label_nb == f"en konfliktanalyse av Central Equatoria (SS01) fra NRC (#{secret.pk})"
    assert fact.evidence() == {
        "id": secret.pk,
        "kind": "conflict",
        "sensitivity": "named",
        "scope": ["SS01"],
        "conducted_on": CONDUCTED,
        "review_due": NOT_DUE,
        "holders": [holder.pk],
    }
    assert "Militia" not in repr(fact) and "Who fights" not in repr(fact)


def test_ancestor_paths_run_from_the_country_down_to_the_area():
    assert ancestor_paths("/SS/SS01/SS0101/") == ["/SS/", "/SS/SS01/", "/SS/SS01/SS0101/"]
    assert ancestor_paths("/SS/") == ["/SS/"]
