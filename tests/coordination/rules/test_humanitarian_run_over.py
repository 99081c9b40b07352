"""humanitarian-run-over: a new H programme over another organisation's long-standing D work, not linked."""

import itertools
from datetime import date, timedelta

import pytest

from coordination.choices import FlagStatus, Severity
from coordination.engine import runner
from coordination.engine.facts import AreaFact, CountryFacts, ProgrammeFact
from coordination.engine.pairs import sharing_pairs
from coordination.engine.registry import all_rules
from coordination.engine.timeline import add_months
from coordination.models import Flag, FlagRun
from coordination.rules.humanitarian_run_over import AreaIndex
from programmes.choices import ActivityStatus
from programmes.models import Programme
from reference.choices import SectorVocabulary
from tests import factories

CODE = "humanitarian-run-over"
AS_OF = date(2026, 6, 15)
JUST_STARTED = AS_OF - timedelta(days=30)
TWO_YEARS_AGO = add_months(AS_OF, -24)  # exactly 24 months of running time on the as-of date


@pytest.fixture
def areas(db):
    return factories.area_tree()


@pytest.fixture
def wash(db):
    return factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER, family="WSH")


@pytest.fixture
def water_supply(db):
    """A DAC code the DAC → cluster map puts in the WASH cluster."""
    return factories.sector("14030", family="WSH")


@pytest.fixture
def newcomer_ngo(db):
    return factories.actor("Big Relief International", acronym="BRI")


@pytest.fixture
def local_ngo(db):
    return factories.actor("Juba Water Association", acronym="JWA")


def evaluate(as_of=AS_OF):
    rule = all_rules()[CODE]
    return list(rule.evaluate(CountryFacts("SS", as_of), rule.params()))


def newcomer(area, sectors, *, implementer, pillars="H", start=JUST_STARTED, **extra):
    return factories.programme(
        pillars=pillars, locations=[area], sectors=sectors, start=start, implementers=[implementer], **extra
    )


def established(area, sectors, *, implementer, pillars="D", start=TWO_YEARS_AGO, **extra):
    return factories.programme(
        pillars=pillars, locations=[area], sectors=sectors, start=start, implementers=[implementer], **extra
    )


@pytest.fixture
def run_over(areas, wash, water_supply, newcomer_ngo, local_ngo):
    """A humanitarian programme that just started in Juba, where a local water programme has run two years."""
    h = newcomer(areas["SS0101"], [wash], implementer=newcomer_ngo)
    d = established(areas["SS01"], [water_supply], implementer=local_ngo)
    return h, d


def test_it_flags_the_new_humanitarian_programme(areas, run_over, newcomer_ngo, local_ngo):
    h, d = run_over

    [flag] = evaluate()

    assert flag.subject_key == f"programme:{h.pk}"
    assert (flag.subject.model, flag.subject.pk) == ("programmes.programme", h.pk)
    assert flag.severity == Severity.HIGH
    assert flag.area_id == areas["SS0101"].pk
    assert flag.responsible_actor_ids == {h.reporting_actor_id, newcomer_ngo.pk, local_ngo.pk}
    assert flag.evidence["programme"]["id"] == h.pk
    assert flag.evidence["area"] == "SS0101"
    [over] = flag.evidence["runs_over"]
    assert (over["id"], over["area"], over["shared_families"]) == (d.pk, "SS0101", ["WSH"])
    assert over["start"] == TWO_YEARS_AGO and over["implementers"] == [local_ngo.pk]
    assert "(BRI)" in flag.message and "by JWA" in flag.message and "Juba (SS0101)" in flag.message
    assert "av JWA" in flag.message_nb


def test_every_development_programme_run_over_is_evidence(areas, run_over, wash, local_ngo):
    h, d = run_over
    nearby = established(areas["SS0101"], [wash], implementer=factories.actor(), start=TWO_YEARS_AGO)
    elsewhere = newcomer(areas["SS02"], [wash], implementer=local_ngo)  # its own flag, in another area
    established(areas["SS02"], [wash], implementer=factories.actor())

    flags = {flag.subject.pk: flag for flag in evaluate()}

    assert [over["id"] for over in flags[h.pk].evidence["runs_over"]] == sorted([d.pk, nearby.pk])
    assert flags[elsewhere.pk].evidence["area"] == "SS02"


def test_a_programme_started_exactly_180_days_ago_is_new(areas, wash, newcomer_ngo, local_ngo):
    newcomer(areas["SS0101"], [wash], implementer=newcomer_ngo, start=AS_OF - timedelta(days=180))
    established(areas["SS0101"], [wash], implementer=local_ngo)

    assert len(evaluate()) == 1


def test_a_programme_started_181_days_ago_is_not_new(areas, wash, newcomer_ngo, local_ngo):
    newcomer(areas["SS0101"], [wash], implementer=newcomer_ngo, start=AS_OF - timedelta(days=181))
    established(areas["SS0101"], [wash], implementer=local_ngo)

    assert evaluate() == []


def test_a_programme_starting_today_is_new(areas, wash, newcomer_ngo, local_ngo):
    newcomer(areas["SS0101"], [wash], implementer=newcomer_ngo, start=AS_OF)
    established(areas["SS0101"], [wash], implementer=local_ngo)

    assert len(evaluate()) == 1


def test_a_pipeline_programme_that_has_not_started_is_not_flagged_yet(areas, wash, newcomer_ngo, local_ngo):
    h = newcomer(areas["SS0101"], [wash], implementer=newcomer_ngo, start=AS_OF + timedelta(days=10))
    Programme.objects.filter(pk=h.pk).update(status=ActivityStatus.PIPELINE)
    established(areas["SS0101"], [wash], implementer=local_ngo)

    assert evaluate() == []


def test_development_work_a_day_short_of_24_months_is_not_long_standing(areas, wash, newcomer_ngo, local_ngo):
    newcomer(areas["SS0101"], [wash], implementer=newcomer_ngo)
    established(areas["SS0101"], [wash], implementer=local_ngo, start=TWO_YEARS_AGO + timedelta(days=1))

    assert evaluate() == []


@pytest.mark.parametrize(("new_pillars", "old_pillars"), [("H", "D"), ("HD", "D"), ("H", "DP"), ("HP", "HD")])
def test_any_programme_with_the_h_pillar_over_one_with_the_d_pillar_counts(
    areas, wash, newcomer_ngo, local_ngo, new_pillars, old_pillars
):
    newcomer(areas["SS0101"], [wash], implementer=newcomer_ngo, pillars=new_pillars)
    established(areas["SS0101"], [wash], implementer=local_ngo, pillars=old_pillars)

    assert len(evaluate()) == 1


@pytest.mark.parametrize(("new_pillars", "old_pillars"), [("D", "D"), ("P", "D"), ("H", "H"), ("H", "P")])
def test_other_pillar_mixes_are_no_run_over(areas, wash, newcomer_ngo, local_ngo, new_pillars, old_pillars):
    newcomer(areas["SS0101"], [wash], implementer=newcomer_ngo, pillars=new_pillars)
    established(areas["SS0101"], [wash], implementer=local_ngo, pillars=old_pillars)

    assert evaluate() == []


def test_the_same_organisation_does_not_run_over_itself(areas, wash, local_ngo):
    office = factories.actor("JWA Juba office", parent=local_ngo)
    newcomer(areas["SS0101"], [wash], implementer=office)
    established(areas["SS0101"], [wash], implementer=local_ngo)

    assert evaluate() == []


def test_another_sector_is_no_run_over(areas, wash, newcomer_ngo, local_ngo):
    newcomer(areas["SS0101"], [wash], implementer=newcomer_ngo)
    established(areas["SS0101"], [factories.sector("11220")], implementer=local_ngo)

    assert evaluate() == []


def test_a_link_clears_the_pair(run_over):
    h, d = run_over
    factories.link(d, h)

    assert evaluate() == []


def test_a_shared_goal_clears_the_pair(areas, run_over):
    h, d = run_over
    goal = factories.goal(areas=[areas["SS01"]])
    factories.contribution(h, goal)
    factories.contribution(d, goal)

    assert evaluate() == []


def test_country_only_and_sibling_locations_do_not_count(areas, wash, newcomer_ngo, local_ngo):
    newcomer(areas["SS"], [wash], implementer=newcomer_ngo)
    established(areas["SS"], [wash], implementer=local_ngo)
    newcomer(areas["SS0102"], [wash], implementer=newcomer_ngo)
    established(areas["SS0101"], [wash], implementer=local_ngo)

    assert evaluate() == []


@pytest.mark.parametrize("status", [ActivityStatus.CLOSED, ActivityStatus.SUSPENDED])
def test_inactive_development_work_is_left_out(areas, wash, newcomer_ngo, local_ngo, status):
    newcomer(areas["SS0101"], [wash], implementer=newcomer_ngo)
    established(areas["SS0101"], [wash], implementer=local_ngo, status=status)

    assert evaluate() == []


def test_thresholds_are_settings(settings, run_over):
    settings.FLAG_RULE_SETTINGS = {CODE: {"recent_days": 29}}
    assert evaluate() == []

    settings.FLAG_RULE_SETTINGS = {CODE: {"recent_days": 30, "development_months": 25}}
    assert evaluate() == []

    settings.FLAG_RULE_SETTINGS = {CODE: {"recent_days": 30, "development_months": 24}}
    assert len(evaluate()) == 1


def test_a_run_flags_the_programme_and_resolves_it_once_linked(areas, run_over):
    h, d = run_over

    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag = Flag.objects.get(rule=CODE)
    assert flag.subject == h
    assert flag.severity == Severity.HIGH
    assert flag.area == areas["SS0101"]
    assert flag.country == areas["SS"]

    factories.link(h, d)
    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED


# -- the area index agrees with the engine's sweep -------------------------------------------------
SS = AreaFact(1, "SS", "/SS/", 0, "South Sudan")
SS01 = AreaFact(2, "SS01", "/SS/SS01/", 1, "Central Equatoria")
SS0101 = AreaFact(3, "SS0101", "/SS/SS01/SS0101/", 2, "Juba")
SS0102 = AreaFact(4, "SS0102", "/SS/SS01/SS0102/", 2, "Kajo-Keji")
SS02 = AreaFact(5, "SS02", "/SS/SS02/", 1, "Eastern Equatoria")
SS010 = AreaFact(6, "SS010", "/SS/SS010/", 1, "A p-code that is a prefix of another's")
# P-codes are not always prefixes of their children: path order and p-code order can differ.
XX99 = AreaFact(7, "XX99", "/SS/SS01/XX99/", 2, "Under Central Equatoria")
AA11 = AreaFact(8, "AA11", "/SS/SS02/AA11/", 2, "Under Eastern Equatoria")


def fact(pk, *locations):
    return ProgrammeFact(
        id=pk, title=f"P{pk}", reporting_actor_id=pk, status=2, start=date(2024, 1, 1), end=None,
        humanitarian=False, pillars=frozenset("D"), updated_at=date(2025, 1, 1), budget=None, currency="",
        has_transition_plan=False, handover_actor_id=None, locations=sorted(locations, key=lambda area: area.path),
    )  # fmt: skip


def test_the_area_index_finds_what_the_sweep_finds():
    places = [SS, SS01, SS0101, SS0102, SS02, SS010, XX99, AA11]
    locations = [
        (), *[(area,) for area in places], (SS01, SS0101), (SS0102, SS02), (SS, SS010), (SS01, SS02), (XX99, AA11)
    ]  # fmt: skip
    programmes = [fact(pk, *where) for pk, where in enumerate(locations, start=1)]

    for left, right in itertools.product(programmes, repeat=2):
        swept = {b.id: area.pcode for _, b, area in sharing_pairs([left], [right])}
        indexed = {pk: area.pcode for pk, (_, area) in AreaIndex([right]).sharing(left).items()}
        assert indexed == swept, (left.locations, right.locations)
