"""overlap: different organisations, shared area and sector, overlapping periods, not linked."""

from datetime import date, timedelta

import pytest

from coordination.choices import FlagStatus, Severity
from coordination.engine import runner
from coordination.engine.facts import CountryFacts
from coordination.engine.registry import all_rules
from coordination.models import Flag, FlagRun
from programmes.choices import ActivityStatus
from reference.choices import SectorVocabulary
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "overlap"
AS_OF = date(2026, 6, 15)
LONG_AGO = AS_OF - timedelta(days=700)


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def wash():
    return factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER, family="WSH")


@pytest.fixture
def water_supply():
    """A DAC code the DAC → cluster map puts in the WASH cluster."""
    return factories.sector("14030", family="WSH")


@pytest.fixture
def education():
    """A DAC code with no cluster: its family is the DAC 3-digit category."""
    return factories.sector("11220")


def evaluate(as_of=AS_OF):
    rule = all_rules()[CODE]
    return list(rule.evaluate(CountryFacts("SS", as_of), rule.params()))


def work(area, sectors, *, pillars="D", implementer=None, start=LONG_AGO, **extra):
    implementers = [implementer] if implementer else []
    return factories.programme(
        pillars=pillars, locations=[area], sectors=sectors, start=start, implementers=implementers, **extra
    )


def test_it_flags_the_pair_in_its_most_specific_shared_area(areas, education):
    nrc, care = factories.actor(acronym="NRC"), factories.actor(acronym="CARE")
    first = work(areas["SS01"], [education], implementer=nrc)
    second = work(areas["SS0101"], [education], implementer=care)

    [flag] = evaluate()

    assert flag.subject_key == f"pair:{first.pk}:{second.pk}"
    assert (flag.subject.model, flag.subject.pk) == ("programmes.programme", first.pk)
    assert flag.area_id == areas["SS0101"].pk
    assert flag.severity == Severity.MEDIUM
    assert flag.evidence["area"] == "SS0101"
    assert [programme["id"] for programme in flag.evidence["programmes"]] == [first.pk, second.pk]
    assert flag.evidence["shared_families"] == ["DAC3:112"]
    assert flag.evidence["shared_clusters"] == []
    assert flag.responsible_actor_ids == {first.reporting_actor_id, second.reporting_actor_id, nrc.pk, care.pk}
    assert "(NRC)" in flag.message and "(CARE)" in flag.message and "DAC 112" in flag.message
    assert "mulig dobbeltarbeid" in flag.message_nb


def test_it_is_high_when_both_are_humanitarian_in_the_same_cluster(areas, wash, water_supply):
    work(areas["SS0101"], [wash], pillars="H")
    work(areas["SS0101"], [water_supply], pillars="HD")

    [flag] = evaluate()

    assert flag.severity == Severity.HIGH
    assert flag.evidence["shared_clusters"] == ["WSH"]


def test_it_is_medium_when_only_one_is_humanitarian(areas, wash):
    work(areas["SS0101"], [wash], pillars="H")
    work(areas["SS0101"], [wash], pillars="D")

    [flag] = evaluate()

    assert flag.severity == Severity.MEDIUM


def test_it_is_medium_when_humanitarian_programmes_share_no_cluster(areas, education):
    work(areas["SS0101"], [education], pillars="H")
    work(areas["SS0101"], [education], pillars="H")

    [flag] = evaluate()

    assert flag.severity == Severity.MEDIUM


def test_a_pair_sharing_several_families_is_flagged_once(areas, wash, education):
    work(areas["SS0101"], [wash, education])
    work(areas["SS0101"], [education, wash])

    [flag] = evaluate()

    assert flag.evidence["shared_families"] == ["DAC3:112", "WSH"]


def test_every_pair_in_an_area_gets_its_own_flag(areas, education):
    programmes = [work(areas["SS0101"], [education]) for _ in range(3)]
    ids = sorted(programme.pk for programme in programmes)

    keys = sorted(flag.subject_key for flag in evaluate())

    assert keys == sorted(f"pair:{a}:{b}" for a, b in [(ids[0], ids[1]), (ids[0], ids[2]), (ids[1], ids[2])])


def test_different_sectors_are_no_overlap(areas, wash, education):
    work(areas["SS0101"], [wash])
    work(areas["SS0101"], [education])

    assert evaluate() == []


def test_programmes_without_sectors_are_no_overlap(areas):
    work(areas["SS0101"], [])
    work(areas["SS0101"], [])

    assert evaluate() == []


def test_the_same_implementer_is_no_overlap(areas, education):
    nrc = factories.actor()
    work(areas["SS0101"], [education], implementer=nrc)
    work(areas["SS0101"], [education], implementer=nrc)

    assert evaluate() == []


def test_an_office_and_its_headquarters_are_the_same_organisation(areas, education):
    nrc = factories.actor()
    work(areas["SS0101"], [education], implementer=nrc)
    work(areas["SS0101"], [education], implementer=factories.actor(parent=nrc))

    assert evaluate() == []


def test_one_implementing_organisation_in_common_is_no_overlap(areas, education):
    shared, other = factories.actor(), factories.actor()
    factories.programme(locations=[areas["SS0101"]], sectors=[education], start=LONG_AGO, implementers=[shared, other])
    work(areas["SS0101"], [education], implementer=shared)

    assert evaluate() == []


def test_one_reporter_with_different_implementers_is_an_overlap(areas, education):
    embassy = factories.actor("Embassy in Juba")
    work(areas["SS0101"], [education], reporting_actor=embassy)
    work(areas["SS0101"], [education], reporting_actor=embassy, implementer=factories.actor())

    assert len(evaluate()) == 1


def test_a_link_clears_the_pair(areas, education):
    first = work(areas["SS0101"], [education])
    second = work(areas["SS0101"], [education])
    factories.link(second, first)

    assert evaluate() == []


def test_a_shared_goal_clears_the_pair(areas, education):
    first = work(areas["SS0101"], [education])
    second = work(areas["SS0101"], [education])
    goal = factories.goal(areas=[areas["SS01"]])
    factories.contribution(first, goal)
    factories.contribution(second, goal)

    assert evaluate() == []


def test_thirty_days_in_common_is_an_overlap(areas, education):
    start = AS_OF - timedelta(days=10)
    work(areas["SS0101"], [education], start=start)
    work(areas["SS0101"], [education], end=start + timedelta(days=29))

    assert len(evaluate()) == 1


def test_twenty_nine_days_in_common_is_not_an_overlap(areas, education):
    start = AS_OF - timedelta(days=10)
    work(areas["SS0101"], [education], start=start)
    work(areas["SS0101"], [education], end=start + timedelta(days=28))

    assert evaluate() == []


def test_country_only_and_sibling_locations_do_not_pair(areas, education):
    work(areas["SS"], [education])
    work(areas["SS"], [education])
    work(areas["SS0102"], [education])
    work(areas["SS02"], [education])

    assert evaluate() == []


@pytest.mark.parametrize("status", [ActivityStatus.CLOSED, ActivityStatus.CANCELLED, ActivityStatus.SUSPENDED])
def test_inactive_programmes_are_left_out(areas, education, status):
    work(areas["SS0101"], [education])
    work(areas["SS0101"], [education], status=status)

    assert evaluate() == []


def test_a_run_flags_the_pair_and_resolves_it_once_linked(areas, wash):
    first = work(areas["SS0101"], [wash], pillars="H")
    second = work(areas["SS0101"], [wash], pillars="H")

    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag = Flag.objects.get(rule=CODE)
    assert flag.subject == first
    assert flag.severity == Severity.HIGH
    assert flag.area == areas["SS0101"]
    assert set(flag.responsible_actors.values_list("pk", flat=True)) == {
        first.reporting_actor_id,
        second.reporting_actor_id,
    }

    factories.link(first, second)
    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED


def test_its_evidence_text_is_what_the_writer_would_encode(areas, wash, water_supply, education):
    """The rule builds the evidence JSON from cached parts; it must be exactly writer.canonical_json's."""
    from coordination.engine.writer import canonical_json

    work(areas["SS01"], [wash, education], pillars="H", title='Vann og sanitær – «Juba» "sør"')
    work(areas["SS0101"], [water_supply, education], pillars="HD", end=AS_OF + timedelta(days=90))
    work(areas["SS0101"], [education], pillars="D", implementer=factories.actor(acronym="ÅRK"))

    flags = evaluate()

    assert len(flags) == 3
    for flag in flags:
        assert flag.evidence_json == canonical_json(flag.evidence)
