"""Programme pairs that share an area, found through an index of locations by area.

Two programmes share an area when a location of one equals or contains a location of the other,
both at level ≥ 1; the shared area is the deeper of the two. Programmes are indexed by the path of
each location, and every area meets only the programmes located in it and in its (at most two or
three) ancestors: the cost grows with the pairs that really share an area, not with the square of
the number of programmes, and no time goes to entries that cannot pair (the same side of a
two-sided search, say).

A pair of programmes with one subnational location each is met exactly once, in its shared area;
a pair where one has several locations may meet in several areas and keeps the most specific one.

`within` limits the search to the pairs whose (most specific) shared area is one of the given areas:
what a re-check after an edit needs (see scope.py).
"""

from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter

from coordination.engine.facts import AreaFact, ProgrammeFact


def sharing_pairs(
    left: Iterable[ProgrammeFact],
    right: Iterable[ProgrammeFact] | None = None,
    *,
    keep: Callable[[ProgrammeFact, ProgrammeFact], bool] | None = None,
    within: frozenset[int] | None = None,
) -> Iterator[tuple[ProgrammeFact, ProgrammeFact, AreaFact]]:
    """Yield (a, b, most specific shared area) once per pair, ordered by (a.id, b.id).

    With one group: pairs within it (a.id < b.id). With two groups: pairs across them (a from
    `left`, b from `right`); a programme in both groups is never paired with itself. `keep(a, b)`,
    when given, drops pairs before their area is compared (it must not depend on the area). With
    `within` (area ids), only pairs whose shared area is one of them.
    """
    two_sided = right is not None
    sides = (left, right) if two_sided else (left,)
    at: dict[str, tuple[AreaFact, list, list]] = {}
    several = set()  # programmes with more than one subnational location (in any group)
    for side, group in enumerate(sides):
        for programme in group:
            locations = programme.subnational_locations
            if len(locations) > 1:
                several.add(programme.id)
            for area in locations:
                slot = at.get(area.path)
                if slot is None:
                    slot = at[area.path] = (area, [], [])
                slot[1 + side].append(programme)

    exact = within is not None
    once: list[tuple[int, int, ProgrammeFact, ProgrammeFact, AreaFact]] = []
    best: dict[tuple[int, int], tuple[ProgrammeFact, ProgrammeFact, AreaFact] | None] = {}
    add = once.append

    def meet(a: ProgrammeFact, others: list[ProgrammeFact], area: AreaFact, a_is_left: bool) -> None:
        """a against each of `others` (the hot loop: one pass per area and partner list)."""
        a_id = a.id
        a_several = a_id in several
        for b in others:
            b_id = b.id
            if b_id == a_id:
                continue
            if a_is_left or b_id > a_id:
                first, second, first_id, second_id = a, b, a_id, b_id
            else:  # one group: the lower id first
                first, second, first_id, second_id = b, a, b_id, a_id
            if a_several or b_id in several:  # may meet in several areas: keep the most specific one
                key = (first_id, second_id)
                if key in best:
                    current = best[key]
                    if exact or current is None:
                        continue
                    if (area.level, current[2].pcode) > (current[2].level, area.pcode):
                        best[key] = (first, second, area)
                elif keep is not None and not keep(first, second):
                    best[key] = None
                elif exact:  # not every area is visited: compare all their locations now
                    shared = most_specific_shared_area(first, second)
                    best[key] = (first, second, shared) if shared.id in within else None
                else:
                    best[key] = (first, second, area)
            elif keep is None or keep(first, second):
                add((first_id, second_id, first, second, area))

    for path, (area, here_left, here_right) in at.items():
        if within is not None and area.id not in within:
            continue
        above = [at[ancestor] for ancestor in _subnational_ancestors(path) if ancestor in at]
        if two_sided:
            partners = here_right + [b for _, _, above_right in above for b in above_right]
            for a in here_left:
                meet(a, partners, area, True)
            for _, above_left, _ in above:
                for a in above_left:
                    meet(a, here_right, area, True)
        else:
            partners_above = [b for _, above_left, _ in above for b in above_left]
            for index, a in enumerate(here_left):
                meet(a, here_left[index + 1 :], area, False)
                meet(a, partners_above, area, False)

    once.extend((a.id, b.id, a, b, area) for a, b, area in filter(None, best.values()))
    once.sort(key=itemgetter(0, 1))
    for _, _, a, b, area in once:
        yield a, b, area


def _subnational_ancestors(path: str) -> list[str]:
    """The level-1+ areas strictly containing `path` ("/SS/SS01/SS0101/" → ["/SS/SS01/"])."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[:depth]) + "/" for depth in range(2, len(codes))]


def most_specific_shared_area(a: ProgrammeFact, b: ProgrammeFact) -> AreaFact | None:
    """Of the areas where a location of one equals or contains a location of the other, the deepest
    (the lowest p-code among equally deep ones); None when they share none."""
    best = None
    for first in a.subnational_locations:
        for second in b.subnational_locations:
            if second.path.startswith(first.path):
                shared = second
            elif first.path.startswith(second.path):
                shared = first
            else:
                continue
            if best is None or (shared.level, best.pcode) > (best.level, shared.pcode):
                best = shared
    return best
