"""internal-silo: silos inside one organisation (gap b).

One organisation (an actor, with its country offices counted with the parent) implements programmes of
different pillars that share an area and overlap in time, with no link or shared goal between them.
One flag per organisation × most specific shared area, listing the unlinked pairs.

"Different pillars" means each programme has a pillar the other lacks (H beside D, H beside DP, HD beside
DP). A programme whose pillars contain the other's (HD beside H) already spans that work, so it is no silo.
"""

from collections import defaultdict

from coordination.choices import Severity
from coordination.engine.candidate import Candidate, SubjectRef
from coordination.engine.pairs import sharing_pairs
from coordination.engine.registry import rule
from coordination.engine.scope import AREA
from coordination.rules._common import ACTOR, actors_label, area_label, organisations_of

CODE = "internal-silo"


def different_pillars(a, b) -> bool:
    return not (a.pillars <= b.pillars or b.pillars <= a.pillars)


@rule(CODE, scope=AREA)
def evaluate(facts, params):
    # Pairs only form inside one organisation's programmes, so the sweep costs what that organisation shares.
    by_organisation = defaultdict(list)
    for programme in facts.programmes.values():
        if programme.subnational_locations:
            for organisation in organisations_of(facts, programme):
                by_organisation[organisation].append(programme)
    linked = facts.linked

    def keep(a, b):
        return different_pillars(a, b) and a.overlaps(b) and not linked(a.id, b.id)

    for organisation in sorted(by_organisation):
        group = by_organisation[organisation]
        if len({programme.pillars for programme in group}) < 2:
            continue
        by_area = defaultdict(list)
        for a, b, area in sharing_pairs(group, keep=keep, within=facts.pair_area_ids):
            by_area[area].append((a, b))
        for area in sorted(by_area, key=lambda area: area.path):
            yield _candidate(facts, organisation, area, by_area[area])


def _candidate(facts, organisation, area, pairs) -> Candidate:
    own_actors = {
        actor
        for pair in pairs
        for programme in pair
        for actor in programme.implementers
        if facts.organisation_of(actor) == organisation
    }
    name = actors_label(facts, [organisation])
    return Candidate(
        rule=CODE,
        subject_key=f"actor:{organisation}:area:{area.id}",
        severity=Severity.MEDIUM,
        subject=SubjectRef(ACTOR, organisation),
        area_id=area.id,
        responsible_actor_ids=frozenset({organisation, *own_actors}),
        message=(
            f"{name} runs {len(pairs)} pair(s) of programmes of different pillars side by side in "
            f"{area_label(area)} with no link or shared goal between them."
        ),
        message_nb=(
            f"{name} har {len(pairs)} par av program med ulike pilarer side om side i {area_label(area)} "
            f"uten kobling eller felles mål mellom dem."
        ),
        evidence={
            "organisation": organisation,
            "area": area.pcode,
            "pairs": [
                {
                    "programmes": [a.id, b.id],
                    "pillars": [_pillars(a), _pillars(b)],
                    "titles": [a.title, b.title],
                    "implementers": [sorted(own_actors & a.implementers), sorted(own_actors & b.implementers)],
                }
                for a, b in sorted(pairs, key=lambda pair: (pair[0].id, pair[1].id))
            ],
        },
    )


def _pillars(programme) -> str:
    return "".join(pillar for pillar in "HDP" if pillar in programme.pillars)
