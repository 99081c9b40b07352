from datetime import date

from hypothesis import given
from hypothesis import strategies as st

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


# -- the index finds exactly what comparing every pair finds ---------------------------------------------
SS0201 = AreaFact(6, "SS0201", "/SS/SS02/SS0201/", 2, "Torit")
SS020101 = AreaFact(7, "SS020101", "/SS/SS02/SS0201/SS020101/", 3, "Torit town")
TREE = [SS, SS01, SS0101, SS0102, SS02, SS0201, SS020101]


def shared_area(a, b):
    """The most specific area where a location of one equals or contains a location of the other."""
    shared = []
    for first in a.subnational_locations:
        for second in b.subnational_locations:
            if second.path.startswith(first.path):
                shared.append(second)
            elif first.path.startswith(second.path):
                shared.append(first)
    return min(shared, key=lambda area: (-area.level, area.pcode)) if shared else None


def every_pair(left, right, keep):
    pairs = []
    candidates = (
        [(a, b) for a in left for b in right if a.id != b.id]
        if right is not None
        else [(a, b) for a in left for b in left if a.id < b.id]
    )
    for a, b in candidates:
        area = shared_area(a, b)
        if area is not None and keep(a, b):
            pairs.append((a.id, b.id, area.pcode))
    return sorted(pairs)


@given(
    places=st.lists(st.lists(st.sampled_from(TREE), min_size=1, max_size=3, unique=True), min_size=2, max_size=9),
    sides=st.lists(st.sampled_from(["left", "right", "both"]), min_size=9, max_size=9),
    two_sided=st.booleans(),
    dropped=st.sets(st.integers(0, 9)),
    within=st.one_of(st.none(), st.sets(st.sampled_from([area.id for area in TREE]))),
)
def test_it_finds_what_comparing_every_pair_finds(places, sides, two_sided, dropped, within):
    programmes = [programme(pk, *locations) for pk, locations in enumerate(places)]
    left = [p for p in programmes if not two_sided or sides[p.id] in ("left", "both")]
    right = [p for p in programmes if sides[p.id] in ("right", "both")] if two_sided else None

    def keep(a, b):
        return (a.id + b.id) % 10 not in dropped

    expected = every_pair(left, right, keep)
    if within is not None:
        pcodes = {area.pcode for area in TREE if area.id in within}
        expected = [pair for pair in expected if pair[2] in pcodes]
    limit = frozenset(within) if within is not None else None
    assert found(sharing_pairs(left, right, keep=keep, within=limit)) == expected
