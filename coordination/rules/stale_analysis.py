"""stale-analysis: analyses not kept up to date (gap c).

A published analysis, not superseded by a published one, that is past its review date or has a
trigger event after it, and is the newest of its kind for an area with active programmes.

"Newest of its kind for an area with active programmes": some location of an active programme
is covered by the analysis (one of its scope areas equals or contains the location), and no
published analysis of the same kind conducted on a LATER date covers that location. Analyses
conducted on the same day are equally new, so both count. A programme located at country level
is only in the scope of country-level analyses. The programmes at those locations are the ones
that rely on the analysis.

High when a trigger event happened in its scope after it was conducted, or when an active
programme with the H pillar relies on it; medium otherwise. Messages and evidence hold coverage
metadata only (kind, scope, dates, holders, id), never the title or content.
"""

from collections import defaultdict

from coordination.choices import Severity
from coordination.engine.analysis_facts import KIND_EN, KIND_NB, AnalysisFact, analysis_facts, newest_of_each_kind
from coordination.engine.candidate import Candidate, SubjectRef
from coordination.engine.facts import AreaFact, ProgrammeFact
from coordination.engine.registry import rule
from coordination.rules._common import ANALYSIS, area_label

CODE = "stale-analysis"


@rule(CODE)
def evaluate(facts, params):
    analyses = analysis_facts(facts)
    programmes_at: dict[AreaFact, list[ProgrammeFact]] = defaultdict(list)
    for programme in facts.country_programmes.values():  # the whole country, also when re-checking a region
        for area in programme.locations:
            programmes_at[area].append(programme)
    relied_on: dict[int, dict[AreaFact, list[ProgrammeFact]]] = defaultdict(dict)
    for area, programmes in programmes_at.items():
        for analysis in newest_of_each_kind([analysis for analysis, _scope in analyses.covering(area)]):
            if analysis.stale:
                relied_on[analysis.id][area] = programmes
    for analysis_id in sorted(relied_on):
        yield _candidate(analyses.analyses[analysis_id], relied_on[analysis_id])


def _candidate(analysis: AnalysisFact, relied_on: dict[AreaFact, list[ProgrammeFact]]) -> Candidate:
    programmes = {programme.id: programme for group in relied_on.values() for programme in group}
    humanitarian = sorted(pk for pk, programme in programmes.items() if "H" in programme.pillars)
    areas = sorted(relied_on, key=lambda area: area.path)
    reasons_en, reasons_nb = _reasons(analysis)
    kind_en, kind_nb = KIND_EN.get(analysis.kind, analysis.kind), KIND_NB.get(analysis.kind, analysis.kind)
    label, label_nb = analysis.label, analysis.label_nb
    return Candidate(
        rule=CODE,
        subject_key=f"analysis:{analysis.id}",
        severity=Severity.HIGH if analysis.triggers or humanitarian else Severity.MEDIUM,
        subject=SubjectRef(ANALYSIS, analysis.id),
        area_id=analysis.scope[0].id,
        responsible_actor_ids=frozenset(analysis.holders),
        message=(
            f"{label[0].upper()}{label[1:]} needs updating: {reasons_en}. It is still the newest {kind_en} "
            f"for {len(programmes)} active programme(s) in {len(areas)} area(s)."
        ),
        message_nb=(
            f"{label_nb[0].upper()}{label_nb[1:]} må oppdateres: {reasons_nb}. Den er fortsatt den nyeste "
            f"{kind_nb} for {len(programmes)} aktive program i {len(areas)} område(r)."
        ),
        evidence={
            "analysis": analysis.evidence(),
            "review_overdue": analysis.overdue,
            "trigger_event_count": len(analysis.triggers),
            "trigger_events": analysis.trigger_evidence(),
            # Where it is the newest of its kind; counts rather than ids keep the evidence of a
            # country-wide analysis small (the areas say where to look for the programmes).
            "areas": [area.pcode for area in areas],
            "active_programmes": len(programmes),
            "humanitarian_programmes": len(humanitarian),
        },
    )


def _reasons(analysis: AnalysisFact) -> tuple[str, str]:
    english, norwegian = [], []
    if analysis.overdue:
        english.append(f"its review was due on {analysis.review_due:%d %b %Y}")
        norwegian.append(f"den skulle vært gjennomgått {analysis.review_due:%d.%m.%Y}")
    if analysis.triggers:
        latest = analysis.triggers[0]
        count = len(analysis.triggers)
        english.append(
            f"{count} event(s) were recorded in its scope since it was conducted on "
            f"{analysis.conducted_on:%d %b %Y} (latest {latest.date:%d %b %Y} in {area_label(latest.area)})"
        )
        norwegian.append(
            f"{count} hendelse(r) er registrert i området siden den ble utført {analysis.conducted_on:%d.%m.%Y} "
            f"(siste {latest.date:%d.%m.%Y} i {area_label(latest.area)})"
        )
    return " and ".join(english), " og ".join(norwegian)
