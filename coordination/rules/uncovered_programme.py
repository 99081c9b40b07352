"""uncovered-programme: work without conflict understanding (gap c, do no harm).

An active programme with at least one location (country-level locations included) that no
current conflict or context analysis covers. One high flag per programme, naming the uncovered
locations and, to show whom to ask, the newest published analysis of each counted kind that
covers such a location but is no longer current (superseded, overdue for review, or overtaken
by events). Only the newest per kind, so the evidence stays small where many old versions exist.
"""

from coordination.choices import Severity
from coordination.engine.analysis_facts import (
    AnalysisFact,
    analysis_facts,
    kinds_label,
    list_labels,
    newest_of_each_kind,
)
from coordination.engine.candidate import Candidate
from coordination.engine.registry import rule
from coordination.engine.scope import PROGRAMME
from coordination.rules._common import area_label, programme_evidence, programme_subject

CODE = "uncovered-programme"


@rule(CODE, scope=PROGRAMME, kinds=("conflict", "context"))
def evaluate(facts, params):
    analyses = analysis_facts(facts)
    kinds = kinds_label(params.kinds)
    lapsed_at: dict = {}  # location → newest lapsed analyses covering it, or None when it is covered
    described: dict[int, dict] = {}  # lapsed analysis id → its evidence, built once per country
    for programme in facts.programmes.values():
        for area in programme.locations:
            if area not in lapsed_at:
                covered = analyses.current_covering(area, params.kinds)
                counted = [analysis for analysis, _scope in analyses.covering(area) if analysis.kind in params.kinds]
                lapsed_at[area] = None if covered else newest_of_each_kind(counted)
        uncovered = [area for area in programme.locations if lapsed_at[area] is not None]
        if uncovered:
            lapsed = {analysis.id: analysis for area in uncovered for analysis in lapsed_at[area]}
            for analysis in lapsed.values():
                if analysis.id not in described:
                    described[analysis.id] = _lapsed_evidence(analysis)
            yield _candidate(programme, uncovered, sorted(lapsed.values(), key=lambda a: a.id), kinds, described)


def _candidate(programme, uncovered, lapsed: list[AnalysisFact], kinds: tuple[str, str], described) -> Candidate:
    places = ", ".join(area_label(area) for area in uncovered)
    message, message_nb = (
        f"“{programme.title}” works in {places} with no current {kinds[0]} covering it.",
        f"«{programme.title}» arbeider i {places} uten at noen gjeldende {kinds[1]} dekker området.",
    )
    if lapsed:
        labels_en, labels_nb = list_labels(lapsed)
        message += f" Covering, but no longer current: {labels_en}."
        message_nb += f" Dekker området, men er ikke lenger gjeldende: {labels_nb}."
    return Candidate(
        rule=CODE,
        subject_key=f"programme:{programme.id}",
        severity=Severity.HIGH,
        subject=programme_subject(programme),
        area_id=uncovered[0].id,
        responsible_actor_ids=frozenset({programme.reporting_actor_id, *programme.implementers}),
        message=message,
        message_nb=message_nb,
        evidence={
            "programme": programme_evidence(programme),
            "uncovered": [area.pcode for area in uncovered],
            "lapsed_analyses": [described[analysis.id] for analysis in lapsed],
        },
    )


def _lapsed_evidence(analysis: AnalysisFact) -> dict:
    return {
        **analysis.evidence(),
        "superseded_by": analysis.superseded_by,
        "review_overdue": analysis.overdue,
        "trigger_event_count": len(analysis.triggers),
    }
