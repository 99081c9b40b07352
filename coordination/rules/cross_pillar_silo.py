"""cross-pillar-silo: humanitarian and development/peace work side by side with no plan (gap a).

An active H-only programme and an active programme with D or P but not H share an area, overlap
in time and are not linked. One flag per most specific shared area, listing the unlinked pairs.
"""

from collections import defaultdict

from coordination.choices import Severity
from coordination.engine.candidate import Candidate
from coordination.engine.pairs import sharing_pairs
from coordination.engine.registry import rule
from coordination.engine.timeline import periods_overlap, ran_at_least
from coordination.rules._common import area_label, area_subject

CODE = "cross-pillar-silo"


@rule(CODE, high_when_both_run_months=12, evidence_pairs=50)
def evaluate(facts, params):
    humanitarian = [p for p in facts.programmes.values() if p.h_only]
    other = [p for p in facts.programmes.values() if "H" not in p.pillars and p.pillars & {"D", "P"}]
    by_area = defaultdict(list)
    for h, d, area in sharing_pairs(humanitarian, other):
        if periods_overlap(h.start, h.end, d.start, d.end) and not facts.linked(h.id, d.id):
            by_area[area].append((h, d))
    for area, pairs in by_area.items():
        long_running = any(
            ran_at_least(h.start, params.high_when_both_run_months, facts.as_of)
            and ran_at_least(d.start, params.high_when_both_run_months, facts.as_of)
            for h, d in pairs
        )
        actors = {actor for h, d in pairs for actor in (h.reporting_actor_id, d.reporting_actor_id)}
        yield Candidate(
            rule=CODE,
            subject_key=f"area:{area.id}",
            severity=Severity.HIGH if long_running else Severity.MEDIUM,
            subject=area_subject(area),
            area_id=area.id,
            responsible_actor_ids=frozenset(actors),
            message=(
                f"{len(pairs)} humanitarian and development/peace programme pair(s) work side by side in "
                f"{area_label(area)} with no link or shared goal."
            ),
            message_nb=(
                f"{len(pairs)} par av humanitære program og utviklings-/fredsprogram arbeider side om side i "
                f"{area_label(area)} uten kobling eller felles mål."
            ),
            evidence={
                "area": area.pcode,
                "pair_count": len(pairs),
                # A crowded district can hold thousands of pairs: list the first ones, count them all.
                "pairs": [
                    {"humanitarian": h.id, "other": d.id, "titles": [h.title, d.title]}
                    for h, d in sorted(pairs, key=lambda pair: (pair[0].id, pair[1].id))[: params.evidence_pairs]
                ],
            },
        )
