"""internal-silo: one organisation's programmes of different pillars side by side, overlapping, not linked."""

from datetime import date, timedelta

import pytest

from coordination.choices import FlagStatus, Severity
from coordination.engine import runner
from coordination.engine.facts import CountryFacts
from coordination.engine.registry import all_rules
from coordination.models import Flag, FlagRun
from programmes.choices import ActivityStatus
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "internal-silo"
AS_OF = date(2026, 6, 15)
LONG_AGO = AS_OF - timedelta(days=700)
RECENTLY = AS_OF - timedelta(days=60)


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def nrc():
    return factories.actor("Norwegian Refugee Council", acronym="NRC")


def evaluate(as_of=AS_OF):
    rule = all_rules()[CODE]
    return list(rule.evaluate(CountryFacts("SS", as_of), rule.params()))


def run(as_of=AS_OF):
    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=as_of))


def implemented_by(implementer, pillars, area, *, start=LONG_AGO, **extra):
    return factories.programme(pillars=pillars, locations=[area], start=start, implementers=[implementer], **extra)


def test_it_flags_the_organisation_in_the_most_specific_shared_area(areas, nrc):
    h = implemented_by(nrc, "H", areas["SS0101"], start=RECENTLY)
    d = implemented_by(nrc, "D", areas["SS01"])

    [flag] = evaluate()

    assert flag.subject_key == f"actor:{nrc.pk}:area:{areas['SS0101'].pk}"
    assert (flag.subject.model, flag.subject.pk) == ("actors.actor", nrc.pk)
    assert flag.area_id == areas["SS0101"].pk
    assert flag.severity == Severity.MEDIUM
    assert flag.responsible_actor_ids == {nrc.pk}
    assert flag.evidence == {
        "organisation": nrc.pk,
        "area": "SS0101",
        "pairs": [
            {
                "programmes": [h.pk, d.pk],
                "pillars": ["H", "D"],
                "titles": [h.title, d.title],
                "implementers": [[nrc.pk], [nrc.pk]],
            }
        ],
    }
    assert flag.message.startswith("NRC runs 1 pair(s)")
    assert "Juba (SS0101)" in flag.message and "Juba (SS0101)" in flag.message_nb


def test_country_offices_count_with_their_parent(areas, nrc):
    south_sudan_office = factories.actor("NRC South Sudan", parent=nrc)
    uganda_office = factories.actor("NRC Uganda", parent=nrc)
    implemented_by(south_sudan_office, "H", areas["SS0101"])
    implemented_by(uganda_office, "D", areas["SS0101"])

    [flag] = evaluate()

    assert flag.subject.pk == nrc.pk
    assert flag.responsible_actor_ids == {nrc.pk, south_sudan_office.pk, uganda_office.pk}
    assert flag.message.startswith("NRC runs")  # the parent is named though it implements nothing itself


def test_an_office_and_its_headquarters_are_one_organisation(areas, nrc):
    office = factories.actor("NRC South Sudan", parent=nrc)
    implemented_by(office, "H", areas["SS0101"])
    implemented_by(nrc, "P", areas["SS0101"])

    [flag] = evaluate()

    assert flag.subject.pk == nrc.pk


def test_different_organisations_are_not_a_silo(areas, nrc):
    implemented_by(nrc, "H", areas["SS0101"])
    implemented_by(factories.actor(), "D", areas["SS0101"])

    assert evaluate() == []


def test_the_implementer_counts_not_the_actor_who_reported(areas):
    embassy = factories.actor("Embassy in Juba")
    implemented_by(factories.actor(), "H", areas["SS0101"], reporting_actor=embassy)
    implemented_by(factories.actor(), "D", areas["SS0101"], reporting_actor=embassy)

    assert evaluate() == []


def test_a_jointly_implemented_programme_belongs_to_each_organisation(areas, nrc):
    partner = factories.actor()
    factories.programme(pillars="H", locations=[areas["SS0101"]], start=LONG_AGO, implementers=[nrc, partner])
    implemented_by(nrc, "D", areas["SS0101"])

    [flag] = evaluate()

    assert flag.subject.pk == nrc.pk
    assert flag.responsible_actor_ids == {nrc.pk}  # the partner has no silo of its own here


@pytest.mark.parametrize(("first", "second"), [("H", "D"), ("H", "P"), ("D", "P"), ("H", "DP"), ("HD", "DP")])
def test_programmes_each_with_a_pillar_the_other_lacks_are_a_silo(areas, nrc, first, second):
    implemented_by(nrc, first, areas["SS0101"])
    implemented_by(nrc, second, areas["SS0101"])

    assert len(evaluate()) == 1


@pytest.mark.parametrize(("first", "second"), [("H", "H"), ("D", "D"), ("H", "HD"), ("D", "DP"), ("HDP", "P")])
def test_a_programme_spanning_the_others_pillars_is_not_a_silo(areas, nrc, first, second):
    implemented_by(nrc, first, areas["SS0101"])
    implemented_by(nrc, second, areas["SS0101"])

    assert evaluate() == []


def test_a_link_clears_the_pair(areas, nrc):
    h = implemented_by(nrc, "H", areas["SS0101"])
    d = implemented_by(nrc, "D", areas["SS0101"])
    factories.link(h, d)

    assert evaluate() == []


def test_a_shared_goal_clears_the_pair(areas, nrc):
    h = implemented_by(nrc, "H", areas["SS0101"])
    d = implemented_by(nrc, "D", areas["SS0101"])
    goal = factories.goal(areas=[areas["SS01"]])
    factories.contribution(h, goal)
    factories.contribution(d, goal)

    assert evaluate() == []


def test_only_the_unlinked_pairs_are_evidence(areas, nrc):
    h = implemented_by(nrc, "H", areas["SS0101"])
    linked = implemented_by(nrc, "D", areas["SS0101"])
    unlinked = implemented_by(nrc, "D", areas["SS0101"])
    factories.link(h, linked)

    [flag] = evaluate()

    assert [pair["programmes"] for pair in flag.evidence["pairs"]] == [[h.pk, unlinked.pk]]


def test_pairs_in_two_areas_give_two_flags(areas, nrc):
    implemented_by(nrc, "H", areas["SS0101"])
    implemented_by(nrc, "H", areas["SS02"])
    implemented_by(nrc, "D", areas["SS0101"])
    implemented_by(nrc, "D", areas["SS02"])

    assert sorted(flag.evidence["area"] for flag in evaluate()) == ["SS0101", "SS02"]


def test_thirty_days_in_common_is_an_overlap(areas, nrc):
    h_start = AS_OF - timedelta(days=10)
    implemented_by(nrc, "H", areas["SS0101"], start=h_start)
    implemented_by(nrc, "D", areas["SS0101"], end=h_start + timedelta(days=29))

    assert len(evaluate()) == 1


def test_twenty_nine_days_in_common_is_not_an_overlap(areas, nrc):
    h_start = AS_OF - timedelta(days=10)
    implemented_by(nrc, "H", areas["SS0101"], start=h_start)
    implemented_by(nrc, "D", areas["SS0101"], end=h_start + timedelta(days=28))

    assert evaluate() == []


def test_country_only_and_sibling_locations_do_not_pair(areas, nrc):
    implemented_by(nrc, "H", areas["SS"])
    implemented_by(nrc, "D", areas["SS"])
    implemented_by(nrc, "H", areas["SS0102"])
    implemented_by(nrc, "D", areas["SS0101"])

    assert evaluate() == []


@pytest.mark.parametrize("status", [ActivityStatus.CLOSED, ActivityStatus.SUSPENDED, ActivityStatus.FINALISATION])
def test_inactive_programmes_are_left_out(areas, nrc, status):
    implemented_by(nrc, "H", areas["SS0101"])
    implemented_by(nrc, "D", areas["SS0101"], status=status)

    assert evaluate() == []


def test_a_run_flags_the_actor_and_resolves_the_flag_once_linked(areas, nrc):
    office = factories.actor("NRC South Sudan", parent=nrc)
    h = implemented_by(office, "H", areas["SS0101"])
    d = implemented_by(nrc, "D", areas["SS0101"])

    run()

    flag = Flag.objects.get(rule=CODE)
    assert flag.subject == nrc
    assert flag.area == areas["SS0101"]
    assert flag.country == areas["SS"]
    assert set(flag.responsible_actors.values_list("pk", flat=True)) == {nrc.pk, office.pk}

    factories.link(h, d)
    run()

    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED
