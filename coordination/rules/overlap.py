"""overlap: possible duplication (gap a).

Two programmes of different implementing organisations work in a shared area and a shared sector (their
sector families intersect) in overlapping periods, with no link or shared goal. One flag per pair.

"Different implementing actors" means no implementing organisation in common (country offices count with
their parent): when one organisation implements both, duplication is its own to see. High when both
programmes have the H pillar and share a cluster (the catalogue's "both humanitarian in the same cluster").
"""

from collections import defaultdict

from coordination.choices import Severity
from coordination.engine.candidate import Candidate, SubjectRef
from coordination.engine.facts import CLUSTER_FAMILY_PREFIX_DAC
from coordination.engine.pairs import sharing_pairs
from coordination.engine.registry import rule
from coordination.engine.scope import AREA
from coordination.engine.writer import canonical_json
from coordination.rules._common import (
    PROGRAMME,
    actors_label,
    area_label,
    family_label,
    organisations_of,
    programme_evidence,
)

CODE = "overlap"


@rule(CODE, scope=AREA)
def evaluate(facts, params):
    # Pairs only form inside a sector family, so sweeping each family's programmes costs what they really share.
    by_family = defaultdict(list)
    for programme in facts.programmes.values():
        if programme.subnational_locations:
            for family in programme.families:
                by_family[family].append(programme)
    organisations = {programme.id: organisations_of(facts, programme) for programme in facts.programmes.values()}
    linked = facts.linked
    found = []
    for family in sorted(by_family):
        group = by_family[family]
        if len(group) < 2:
            continue

        def keep(a, b, family=family):
            # A pair sharing several families is met once per family; judge it in the first one only.
            if len(a.families) > 1 and len(b.families) > 1 and family != min(a.families & b.families):
                return False
            return organisations[a.id].isdisjoint(organisations[b.id]) and a.overlaps(b) and not linked(a.id, b.id)

        found.extend(sharing_pairs(group, keep=keep, within=facts.pair_area_ids))
    found.sort(key=lambda pair: (pair[0].id, pair[1].id))
    compose = _Composer(facts)
    for a, b, area in found:
        yield compose(a, b, area)


class _Composer:
    """Builds the flags of many pairs from parts made once: each programme's evidence (as canonical JSON
    too) and name, each set of shared families, each area. A country can have hundreds of thousands of
    pairs; the evidence JSON is then put together as text instead of being encoded pair by pair."""

    def __init__(self, facts):
        self.facts = facts
        self.programmes: dict[int, tuple[dict, str, str, str]] = {}
        self.families: dict[frozenset, tuple[list, list, str, str, str]] = {}
        self.areas: dict[int, tuple[str, str]] = {}

    def programme(self, programme) -> tuple[dict, str, str, str]:
        part = self.programmes.get(programme.id)
        if part is None:
            evidence = programme_evidence(programme)
            who = actors_label(self.facts, programme.implementers)
            part = self.programmes[programme.id] = (
                evidence,
                canonical_json(evidence),
                f"“{programme.title}” ({who})",
                f"«{programme.title}» ({who})",
            )
        return part

    def shared(self, a, b) -> tuple[list, list, str, str, str]:
        key = frozenset(a.families & b.families)
        part = self.families.get(key)
        if part is None:
            families = sorted(key)
            clusters = [family for family in families if not family.startswith(CLUSTER_FAMILY_PREFIX_DAC)]
            sectors = ", ".join(family_label(family) for family in families)
            part = self.families[key] = (
                families,
                clusters,
                canonical_json(families),
                canonical_json(clusters),
                sectors,
            )
        return part

    def area(self, area) -> tuple[str, str]:
        part = self.areas.get(area.id)
        if part is None:
            part = self.areas[area.id] = (canonical_json(area.pcode), area_label(area))
        return part

    def __call__(self, a, b, area) -> Candidate:
        evidence_a, json_a, named_a, named_a_nb = self.programme(a)
        evidence_b, json_b, named_b, named_b_nb = self.programme(b)
        families, clusters, families_json, clusters_json, sectors = self.shared(a, b)
        pcode_json, place = self.area(area)
        both_humanitarian_in_a_cluster = "H" in a.pillars and "H" in b.pillars and bool(clusters)
        return Candidate(
            rule=CODE,
            subject_key=f"pair:{a.id}:{b.id}",
            severity=Severity.HIGH if both_humanitarian_in_a_cluster else Severity.MEDIUM,
            # A flag has one subject; the pair's first programme stands for it, the evidence names both.
            subject=SubjectRef(PROGRAMME, a.id),
            area_id=area.id,
            responsible_actor_ids=frozenset(
                {a.reporting_actor_id, b.reporting_actor_id, *a.implementers, *b.implementers}
            ),
            message=(
                f"{named_a} and {named_b} work in the same sector ({sectors}) in {place} at the same time, "
                f"with no link or shared goal: possible duplication."
            ),
            message_nb=(
                f"{named_a_nb} og {named_b_nb} arbeider i samme sektor ({sectors}) i {place} i samme periode, "
                f"uten kobling eller felles mål: mulig dobbeltarbeid."
            ),
            evidence={
                "programmes": [evidence_a, evidence_b],
                "area": area.pcode,
                "shared_families": families,
                "shared_clusters": clusters,
                "both_humanitarian_in_a_cluster": both_humanitarian_in_a_cluster,
            },
            # The same evidence as writer.canonical_json would encode it (keys in order, no spaces).
            evidence_json=(
                f'{{"area":{pcode_json},"both_humanitarian_in_a_cluster":'
                f'{"true" if both_humanitarian_in_a_cluster else "false"},"programmes":[{json_a},{json_b}],'
                f'"shared_clusters":{clusters_json},"shared_families":{families_json}}}'
            ),
        )
