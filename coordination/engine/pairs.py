"""Programme pairs that share an area, found by a sweep over sorted ancestor paths.

Two programmes share an area when a location of one equals or contains a location of the other,
both at level ≥ 1. Sorting every (path, programme) entry puts an area's descendants right after
it, so each entry only meets the entries inside it: the cost grows with the pairs that really
share an area, not with the square of the number of programmes.
"""

from collections.abc import Iterable, Iterator

from coordination.engine.facts import AreaFact, ProgrammeFact


def sharing_pairs(
    left: Iterable[ProgrammeFact], right: Iterable[ProgrammeFact] | None = None
) -> Iterator[tuple[ProgrammeFact, ProgrammeFact, AreaFact]]:
    """Yield (a, b, most specific shared area) once per pair.

    With one group: pairs within it (a.id < b.id). With two groups: pairs across them (a from
    `left`, b from `right`); a programme in both groups is never paired with itself.
    """
    entries = []
    for side, group in ((0, left), (1, right if right is not None else ())):
        for programme in group:
            for area in programme.subnational_locations:
                entries.append((area.path, side, area, programme))
    entries.sort(key=lambda entry: (entry[0], entry[1], entry[3].id))
    two_sided = right is not None

    best: dict[tuple[int, int], tuple[ProgrammeFact, ProgrammeFact, AreaFact]] = {}
    for i, (path, side, _area, programme) in enumerate(entries):
        for j in range(i + 1, len(entries)):
            other_path, other_side, other_area, other = entries[j]
            if not other_path.startswith(path):
                break
            if other.id == programme.id:
                continue
            if two_sided:
                if side == other_side:
                    continue
                a, b = (programme, other) if side == 0 else (other, programme)
            else:
                a, b = (programme, other) if programme.id < other.id else (other, programme)
            key = (a.id, b.id)
            # The deeper of the two locations is where both work; keep the most specific per pair.
            current = best.get(key)
            if current is None or _more_specific(other_area, current[2]):
                best[key] = (a, b, other_area)
    for key in sorted(best):
        yield best[key]


def _more_specific(candidate: AreaFact, current: AreaFact) -> bool:
    return (candidate.level, current.pcode) > (current.level, candidate.pcode)
