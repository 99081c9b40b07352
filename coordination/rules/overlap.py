"""overlap: possible duplication (gap a).

Two programmes of different implementing organisations work in a shared area and a shared sector (their
sector families intersect) in overlapping periods, with no link or shared goal. One flag per pair.

"Different implementing actors" means no implementing organisation in common (country offices count with
their parent): when one organisation implements both, duplication is its own to see. High when both
programmes have the H pillar and share a cluster (the catalogue's "both humanitarian in the same cluster").
"""

from collections import defaultdict

from coordination.choices import Severity
from coordination.engine.candidate import Candidate
from coordination.engine.pairs import sharing_pairs
from coordination.engine.registry import rule
from coordination.engine.timeline import periods_overlap
from coordination.rules._common import (
    actors_label,
    area_label,
    family_label,
    organisations_of,
    programme_evidence,
    programme_subject,
)

CODE = "overlap"


@rule(CODE)
def evaluate(facts, params):
    # Pairs only form inside a sector family, so sweeping each family's programmes costs what they really share.
    by_family = defaultdict(list)
    for programme in facts.programmes.values():
        if programme.subnational_locations:
            for family in programme.families:
                by_family[family].append(programme)
    organisations = {programme.id: organisations_of(facts, programme) for programme in facts.programmes.values()}
    found = []
    for family in sorted(by_family):
        group = by_family[family]
        if len(group) < 2:
            continue
        for a, b, area in sharing_pairs(group):
            # A pair sharing several families is met once per family; judge it in the first one only.
            if organisations[a.id] & organisations[b.id] or family != min(a.families & b.families):
                continue
            if periods_overlap(a.start, a.end, b.start, b.end) and not facts.linked(a.id, b.id):
                found.append((a, b, area))
    described = {}  # a programme is in many pairs: describe it once
    for a, b, area in sorted(found, key=lambda pair: (pair[0].id, pair[1].id)):
        yield _candidate(a, b, area, _describe(facts, described, a), _describe(facts, described, b))


def _describe(facts, described, programme) -> tuple[dict, str]:
    if programme.id not in described:
        described[programme.id] = (programme_evidence(programme), actors_label(facts, programme.implementers))
    return described[programme.id]


def _candidate(a, b, area, described_a, described_b) -> Candidate:
    (evidence_a, who_a), (evidence_b, who_b) = described_a, described_b
    families = sorted(a.families & b.families)
    clusters = sorted(a.clusters & b.clusters)
    both_humanitarian_in_a_cluster = "H" in a.pillars and "H" in b.pillars and bool(clusters)
    sectors = ", ".join(family_label(family) for family in families)
    return Candidate(
        rule=CODE,
        subject_key=f"pair:{a.id}:{b.id}",
        severity=Severity.HIGH if both_humanitarian_in_a_cluster else Severity.MEDIUM,
        # A flag has one subject; the pair's first programme stands for it, the evidence names both.
        subject=programme_subject(a),
        area_id=area.id,
        responsible_actor_ids=frozenset({a.reporting_actor_id, b.reporting_actor_id, *a.implementers, *b.implementers}),
        message=(
            f"“{a.title}” ({who_a}) and “{b.title}” ({who_b}) work in the same sector ({sectors}) in "
            f"{area_label(area)} at the same time, with no link or shared goal: possible duplication."
        ),
        message_nb=(
            f"«{a.title}» ({who_a}) og «{b.title}» ({who_b}) arbeider i samme sektor ({sectors}) i "
            f"{area_label(area)} i samme periode, uten kobling eller felles mål: mulig dobbeltarbeid."
        ),
        evidence={
            "programmes": [evidence_a, evidence_b],
            "area": area.pcode,
            "shared_families": families,
            "shared_clusters": clusters,
            "both_humanitarian_in_a_cluster": both_humanitarian_in_a_cluster,
        },
    )
