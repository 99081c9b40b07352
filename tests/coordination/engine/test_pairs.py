from datetime import date

from coordination.engine.facts import AreaFact, ProgrammeFact
from coordination.engine.pairs import sharing_pairs

SS = AreaFact(1, "SS", "/SS/", 0, "South Sudan")
SS01 = AreaFact(2, "SS01", "/SS/SS01/", 1, "Central Equatoria")
SS0101 = AreaFact(3, "SS0101", "/SS/SS01/SS0101/", 2, "Juba")
SS0102 = AreaFact(4, "SS0102", "/SS/SS01/SS0102/", 2, "Kajo-Keji")
SS02 = AreaFact(5, "SS02", "/SS/SS02/", 1, "Eastern Equatoria")


def programme(pk, *locations, pillars="D"):
    return ProgrammeFact(
        id=pk, title=f"P{pk}", reporting_actor_id=pk, status=2, start=date(2024, 1, 1), end=None,
        humanitarian=False, pillars=frozenset(pillars), updated_at=date(2025, 1, 1), budget=None, currency="",
        has_transition_plan=False, handover_actor_id=None, locations=list(locations),
    )  # fmt: skip


def found(pairs):
    return [(a.id, b.id, area.pcode) for a, b, area in pairs]


def test_it_pairs_programmes_in_the_same_area():
    assert found(sharing_pairs([programme(1, SS0101), programme(2, SS0101)])) == [(1, 2, "SS0101")]


def test_it_pairs_an_area_with_the_areas_inside_it_at_the_smaller_area():
    assert found(sharing_pairs([programme(1, SS01), programme(2, SS0101)])) == [(1, 2, "SS0101")]


def test_sibling_areas_are_not_shared():
    assert found(sharing_pairs([programme(1, SS0101), programme(2, SS0102), programme(3, SS02)])) == []


def test_country_only_locations_never_pair():
    assert found(sharing_pairs([programme(1, SS), programme(2, SS), programme(3, SS0101)])) == []


def test_each_pair_comes_once_with_its_most_specific_area():
    a = programme(1, SS01, SS0101)
    b = programme(2, SS0101, SS01)
    assert found(sharing_pairs([a, b])) == [(1, 2, "SS0101")]


def test_two_groups_pair_only_across():
    left = [programme(1, SS0101), programme(2, SS0101)]
    right = [programme(3, SS01)]
    assert found(sharing_pairs(left, right)) == [(1, 3, "SS0101"), (2, 3, "SS0101")]


def test_a_programme_in_both_groups_is_not_paired_with_itself():
    both = programme(1, SS0101, pillars="HD")
    assert found(sharing_pairs([both], [both])) == []
