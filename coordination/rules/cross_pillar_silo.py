"""cross-pillar-silo: humanitarian and development/peace work side by side with no plan (gap a).

An active H-only programme and an active programme with D or P but not H share an area, overlap
in time and are not linked. One flag per most specific shared area, listing the unlinked pairs.
"""

from coordination.choices import Severity
from coordination.engine.candidate import Candidate
from coordination.engine.pairs import sharing_pairs
from coordination.engine.registry import rule
from coordination.engine.scope import AREA
from coordination.engine.timeline import ran_at_least
from coordination.rules._common import area_label, area_subject

CODE = "cross-pillar-silo"


@rule(CODE, scope=AREA, high_when_both_run_months=12, evidence_pairs=50)
def evaluate(facts, params):
    humanitarian = [p for p in facts.programmes.values() if p.h_only]
    other = [p for p in facts.programmes.values() if "H" not in p.pillars and p.pillars & {"D", "P"}]
    linked = facts.linked
    months, as_of, shown = params.high_when_both_run_months, facts.as_of, params.evidence_pairs
    long = {p.id: ran_at_least(p.start, months, as_of) for group in (humanitarian, other) for p in group}
    # Per area, as the pairs stream by in (h, d) id order: how many, the first ones, any long-running, who.
    by_area: dict[int, list] = {}

    def apart(h, d):
        return h.overlaps(d) and not linked(h.id, d.id)

    for h, d, area in sharing_pairs(humanitarian, other, keep=apart, within=facts.pair_area_ids):
        found = by_area.get(area.id)
        if found is None:
            found = by_area[area.id] = [area, 0, [], False, set()]
        found[1] += 1
        if len(found[2]) < shown:
            found[2].append((h, d))
        if not found[3] and long[h.id] and long[d.id]:
            found[3] = True
        found[4].add(h.reporting_actor_id)
        found[4].add(d.reporting_actor_id)
    for area, count, first, long_running, actors in by_area.values():
        yield Candidate(
            rule=CODE,
            subject_key=f"area:{area.id}",
            severity=Severity.HIGH if long_running else Severity.MEDIUM,
            subject=area_subject(area),
            area_id=area.id,
            responsible_actor_ids=frozenset(actors),
            message=(
                f"{count} humanitarian and development/peace programme pair(s) work side by side in "
                f"{area_label(area)} with no link or shared goal."
            ),
            message_nb=(
                f"{count} par av humanitære program og utviklings-/fredsprogram arbeider side om side i "
                f"{area_label(area)} uten kobling eller felles mål."
            ),
            evidence={
                "area": area.pcode,
                "pair_count": count,
                # A crowded district can hold thousands of pairs: list the first ones, count them all.
                "pairs": [{"humanitarian": h.id, "other": d.id, "titles": [h.title, d.title]} for h, d in first],
            },
        )
