"""cross-pillar-silo: an H-only and a D/P-without-H programme side by side, overlapping, not linked."""

from datetime import date, timedelta

import pytest

from coordination.choices import FlagStatus, Severity
from coordination.engine import runner
from coordination.engine.facts import CountryFacts
from coordination.engine.registry import all_rules
from coordination.engine.timeline import add_months
from coordination.models import Flag, FlagRun
from programmes.choices import ActivityStatus, LinkStatus
from programmes.models import Programme
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "cross-pillar-silo"
AS_OF = date(2026, 6, 15)
LONG_AGO = add_months(AS_OF, -12)  # exactly 12 months of running time on the as-of date
RECENTLY = AS_OF - timedelta(days=60)


@pytest.fixture
def areas():
    return factories.area_tree()


def evaluate(as_of=AS_OF):
    rule = all_rules()[CODE]
    return list(rule.evaluate(CountryFacts("SS", as_of), rule.params()))


def side_by_side(areas, *, h_area="SS0101", d_area="SS01", h_start=RECENTLY, d_start=LONG_AGO, **d_extra):
    h = factories.programme(pillars="H", locations=[areas[h_area]], start=h_start)
    d = factories.programme(pillars=d_extra.pop("pillars", "D"), locations=[areas[d_area]], start=d_start, **d_extra)
    return h, d


def test_it_flags_the_most_specific_shared_area_with_the_unlinked_pair(areas):
    h, d = side_by_side(areas)

    [flag] = evaluate()

    assert flag.subject_key == f"area:{areas['SS0101'].pk}"
    assert flag.subject.model == "reference.area" and flag.subject.pk == areas["SS0101"].pk
    assert flag.area_id == areas["SS0101"].pk
    assert flag.evidence["area"] == "SS0101"
    assert flag.evidence["pairs"] == [{"humanitarian": h.pk, "other": d.pk, "titles": [h.title, d.title]}]
    assert flag.responsible_actor_ids == {h.reporting_actor_id, d.reporting_actor_id}
    assert "Juba (SS0101)" in flag.message and "Juba (SS0101)" in flag.message_nb


def test_a_peace_programme_counts_as_the_other_side(areas):
    side_by_side(areas, pillars="P")

    assert len(evaluate()) == 1


def test_it_is_high_when_a_pair_both_ran_twelve_months(areas):
    side_by_side(areas, h_start=LONG_AGO)

    [flag] = evaluate()

    assert flag.severity == Severity.HIGH


def test_it_is_medium_when_one_side_is_a_day_short_of_twelve_months(areas):
    side_by_side(areas, h_start=LONG_AGO + timedelta(days=1))

    [flag] = evaluate()

    assert flag.severity == Severity.MEDIUM


def test_one_long_running_pair_makes_the_whole_area_high(areas):
    side_by_side(areas, h_start=LONG_AGO)
    factories.programme(pillars="H", locations=[areas["SS0101"]], start=RECENTLY)

    [flag] = evaluate()

    assert flag.severity == Severity.HIGH
    assert len(flag.evidence["pairs"]) == 2


def test_pairs_in_different_areas_give_one_flag_per_area(areas):
    factories.programme(pillars="H", locations=[areas["SS0101"]], start=RECENTLY)
    factories.programme(pillars="H", locations=[areas["SS0102"]], start=RECENTLY)
    factories.programme(pillars="D", locations=[areas["SS01"]], start=LONG_AGO)

    keys = sorted(flag.evidence["area"] for flag in evaluate())

    assert keys == ["SS0101", "SS0102"]


def test_a_confirmed_link_clears_the_pair(areas):
    h, d = side_by_side(areas)
    factories.link(d, h)

    assert evaluate() == []


def test_a_proposed_link_does_not_clear_the_pair(areas):
    h, d = side_by_side(areas)
    factories.link(h, d, status=LinkStatus.PROPOSED)

    assert len(evaluate()) == 1


def test_contributing_to_the_same_goal_clears_the_pair(areas):
    h, d = side_by_side(areas)
    goal = factories.goal(areas=[areas["SS01"]])
    factories.contribution(h, goal)
    factories.contribution(d, goal)

    assert evaluate() == []


def test_contributing_to_different_goals_does_not_clear_the_pair(areas):
    h, d = side_by_side(areas)
    factories.contribution(h, factories.goal(areas=[areas["SS01"]]))
    factories.contribution(d, factories.goal(areas=[areas["SS01"]]))

    assert len(evaluate()) == 1


@pytest.mark.parametrize(
    ("h_pillars", "other_pillars"),
    [("HD", "D"), ("H", "HD"), ("H", "H"), ("D", "P"), ("H", "HP")],
)
def test_other_pillar_mixes_are_not_a_cross_pillar_silo(areas, h_pillars, other_pillars):
    factories.programme(pillars=h_pillars, locations=[areas["SS0101"]], start=RECENTLY)
    factories.programme(pillars=other_pillars, locations=[areas["SS0101"]], start=LONG_AGO)

    assert evaluate() == []


def test_country_only_locations_do_not_pair(areas):
    side_by_side(areas, h_area="SS", d_area="SS")

    assert evaluate() == []


def test_sibling_areas_are_not_shared(areas):
    side_by_side(areas, h_area="SS0101", d_area="SS0102")

    assert evaluate() == []


def test_programmes_in_another_country_are_not_seen(areas):
    ke01 = factories.area("KE01", parent=areas["KE"])
    factories.programme(pillars="H", locations=[ke01], start=RECENTLY)
    factories.programme(pillars="D", locations=[ke01], start=LONG_AGO)

    assert evaluate() == []


def test_periods_must_overlap_by_thirty_days(areas):
    # The D programme ends 29 days after the H programme starts (both ends counted): 30 days in common.
    h_start = AS_OF - timedelta(days=10)
    side_by_side(areas, h_start=h_start, end=h_start + timedelta(days=29))

    assert len(evaluate()) == 1


def test_twenty_nine_days_in_common_is_not_an_overlap(areas):
    h_start = AS_OF - timedelta(days=10)
    side_by_side(areas, h_start=h_start, end=h_start + timedelta(days=28))

    assert evaluate() == []


@pytest.mark.parametrize("status", [ActivityStatus.CLOSED, ActivityStatus.SUSPENDED, ActivityStatus.CANCELLED])
def test_inactive_programmes_are_left_out(areas, status):
    side_by_side(areas, status=status)

    assert evaluate() == []


def test_a_programme_that_ended_before_the_as_of_date_is_left_out(areas):
    side_by_side(areas, end=AS_OF - timedelta(days=1))

    assert evaluate() == []


def test_a_pipeline_programme_starting_soon_counts(areas):
    side_by_side(areas, h_start=AS_OF + timedelta(days=20), d_start=AS_OF + timedelta(days=30))
    # Pipeline programmes are active when they start within 90 days.
    Programme.objects.update(status=ActivityStatus.PIPELINE)

    assert len(evaluate()) == 1


def test_a_run_writes_the_flag_and_resolves_it_once_linked(areas):
    h, d = side_by_side(areas)

    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag = Flag.objects.get(rule=CODE)
    assert flag.subject == areas["SS0101"]
    assert flag.country == areas["SS"]
    assert set(flag.responsible_actors.values_list("pk", flat=True)) == {h.reporting_actor_id, d.reporting_actor_id}

    factories.link(h, d)
    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED
