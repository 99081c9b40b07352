"""Small helpers the rule modules share: subjects, messages, evidence of programmes."""

from coordination.engine.candidate import SubjectRef
from coordination.engine.facts import AreaFact, ProgrammeFact

PROGRAMME = "programmes.programme"
AREA = "reference.area"
ACTOR = "actors.actor"
ANALYSIS = "analyses.analysis"
GOAL = "coordination.sharedgoal"
AGREEMENT = "funding.fundingagreement"
REQUEST = "funding.fundingrequest"


def programme_subject(programme: ProgrammeFact) -> SubjectRef:
    return SubjectRef(PROGRAMME, programme.id)


def area_subject(area: AreaFact) -> SubjectRef:
    return SubjectRef(AREA, area.id)


def programme_evidence(programme: ProgrammeFact) -> dict:
    return {
        "id": programme.id,
        "title": programme.title,
        "pillars": "".join(p for p in "HDP" if p in programme.pillars),
        "start": programme.start,
        "end": programme.end,
        "implementers": sorted(programme.implementers),
    }


def area_label(area: AreaFact) -> str:
    return f"{area.name} ({area.pcode})"
