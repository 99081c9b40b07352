"""humanitarian-run-over: humanitarian entry over long-standing development work (gap a).

A programme with the H pillar that started in the last 180 days, in an area it shares with a programme
of another organisation that has the D pillar, a shared sector and has run for 24 months or more, with
no link or shared goal between them. One flag per new humanitarian programme, listing what it runs over.

"Started" means a start date on or before the as-of date: a pipeline programme is flagged once it starts.
"Another actor" means no implementing organisation in common (country offices count with their parent).
"""

from bisect import bisect_left
from collections import defaultdict
from datetime import timedelta

from coordination.choices import Severity
from coordination.engine.candidate import Candidate
from coordination.engine.registry import rule
from coordination.engine.scope import PROGRAMME
from coordination.engine.timeline import ran_at_least
from coordination.rules._common import (
    actors_label,
    area_label,
    organisations_of,
    programme_evidence,
    programme_subject,
)

CODE = "humanitarian-run-over"


def _newcomers(facts, params) -> list:
    since = facts.as_of - timedelta(days=params.recent_days)
    return [
        programme
        for programme in facts.programmes.values()
        if "H" in programme.pillars
        and programme.subnational_locations
        and programme.start is not None
        and since <= programme.start <= facts.as_of
    ]


def _newcomers_buckets(facts, params, programme_ids) -> set[str]:
    """Where these newcomers work: what they run over lies there, also outside the buckets re-checked."""
    return {
        area.bucket
        for programme in _newcomers(facts, params)
        if programme.id in programme_ids
        for area in programme.subnational_locations
    }


@rule(CODE, scope=PROGRAMME, widen=_newcomers_buckets, recent_days=180, development_months=24)
def evaluate(facts, params):
    newcomers = _newcomers(facts, params)
    if not newcomers:
        return
    established_by_family = defaultdict(list)
    for programme in facts.programmes.values():
        if "D" in programme.pillars and ran_at_least(programme.start, params.development_months, facts.as_of):
            for family in programme.families:
                established_by_family[family].append(programme)
    # Few newcomers, many established programmes: look each newcomer up in an index of the established
    # ones per family instead of sweeping them all, so the cost follows the newcomers' real neighbours.
    indexes = {}
    for newcomer in sorted(newcomers, key=lambda programme: programme.id):
        own = organisations_of(facts, newcomer)
        runs_over = {}  # id → (programme, shared area, shared families)
        for family in sorted(newcomer.families & established_by_family.keys()):
            if family not in indexes:
                indexes[family] = AreaIndex(established_by_family[family])
            for other, area in indexes[family].sharing(newcomer).values():
                if other.id in runs_over:
                    runs_over[other.id][2].add(family)
                elif not own & organisations_of(facts, other) and not facts.linked(newcomer.id, other.id):
                    runs_over[other.id] = (other, area, {family})
        if runs_over:
            yield _candidate(facts, newcomer, [runs_over[key] for key in sorted(runs_over)], params)


def _candidate(facts, newcomer, runs_over, params) -> Candidate:
    area = min((area for _, area, _ in runs_over), key=lambda area: (-area.level, area.pcode))
    first = runs_over[0][0]
    months = params.development_months
    return Candidate(
        rule=CODE,
        subject_key=f"programme:{newcomer.id}",
        severity=Severity.HIGH,
        subject=programme_subject(newcomer),
        area_id=area.id,
        responsible_actor_ids=frozenset(
            {newcomer.reporting_actor_id, *newcomer.implementers}
            | {actor for other, _, _ in runs_over for actor in other.implementers}
        ),
        message=(
            f"Humanitarian programme “{newcomer.title}” ({actors_label(facts, newcomer.implementers)}) started on "
            f"{newcomer.start:%d %b %Y} in {area_label(area)}, where {len(runs_over)} development programme(s) of "
            f"other actors in the same sector have run for {months} months or more (such as “{first.title}” by "
            f"{actors_label(facts, first.implementers)}), with no link or shared goal."
        ),
        message_nb=(
            f"Det humanitære programmet «{newcomer.title}» ({actors_label(facts, newcomer.implementers)}) startet "
            f"{newcomer.start:%d.%m.%Y} i {area_label(area)}, der {len(runs_over)} utviklingsprogram fra andre "
            f"aktører i samme sektor har pågått i {months} måneder eller mer (som «{first.title}» av "
            f"{actors_label(facts, first.implementers)}), uten kobling eller felles mål."
        ),
        evidence={
            "programme": programme_evidence(newcomer),
            "area": area.pcode,
            "runs_over": [
                {
                    **programme_evidence(other),
                    "area": shared_area.pcode,
                    "shared_families": sorted(families),
                }
                for other, shared_area, families in runs_over
            ],
        },
    )


class AreaIndex:
    """Programmes by location path, to find those sharing an area with one programme without a pairwise sweep.

    Same semantics as engine.pairs.sharing_pairs: a location of one equals or contains a location of the
    other, both at level ≥ 1, and the shared area is the more specific of the two (ties: lowest p-code).
    """

    def __init__(self, programmes):
        entries = sorted(
            ((area.path, programme.id, area, programme) for programme in programmes
             for area in programme.subnational_locations),
            key=lambda entry: (entry[0], entry[1]),
        )  # fmt: skip
        self._paths = [entry[0] for entry in entries]
        self._entries = [(area, programme) for _, _, area, programme in entries]
        self._at_path = defaultdict(list)
        for area, programme in self._entries:
            self._at_path[area.path].append((area, programme))

    def sharing(self, programme) -> dict:
        """{id: (other programme, most specific shared area)} for every other programme sharing an area."""
        found = {}
        for area in programme.subnational_locations:
            # Locations equal to or inside `area` sort right after it ("0" is the character after "/").
            start = bisect_left(self._paths, area.path)
            stop = bisect_left(self._paths, area.path[:-1] + "0", lo=start)
            for other_area, other in self._entries[start:stop]:
                _keep_most_specific(found, other, other_area)
            # Locations that contain `area`: its ancestors from level 1 down (parts[:2] is the level-1 path).
            parts = area.path.strip("/").split("/")
            for depth in range(2, len(parts)):
                for _, other in self._at_path.get("/" + "/".join(parts[:depth]) + "/", ()):
                    _keep_most_specific(found, other, area)
        found.pop(programme.id, None)
        return found


def _keep_most_specific(found: dict, programme, area) -> None:
    current = found.get(programme.id)
    if current is None or (area.level, current[1].pcode) > (current[1].level, area.pcode):
        found[programme.id] = (programme, area)
