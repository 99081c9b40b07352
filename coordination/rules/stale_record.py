"""stale-record: data nobody maintains — an active programme not updated in 6 months."""

from coordination.choices import Severity
from coordination.engine.candidate import Candidate
from coordination.engine.registry import rule
from coordination.engine.scope import PROGRAMME
from coordination.engine.timeline import add_months
from coordination.rules._common import deepest_location, programme_evidence, programme_subject

CODE = "stale-record"


@rule(CODE, scope=PROGRAMME, months_without_update=6)
def evaluate(facts, params):
    cutoff = add_months(facts.as_of, -params.months_without_update)
    for programme in facts.programmes.values():
        if programme.updated_at > cutoff:
            continue
        yield Candidate(
            rule=CODE,
            subject_key=f"programme:{programme.id}",
            severity=Severity.LOW,
            subject=programme_subject(programme),
            area_id=getattr(deepest_location(programme), "id", None),
            responsible_actor_ids=frozenset({programme.reporting_actor_id}),
            message=f"“{programme.title}” has not been updated since {programme.updated_at:%d %b %Y}.",
            message_nb=f"«{programme.title}» er ikke oppdatert siden {programme.updated_at:%d.%m.%Y}.",
            evidence={"programme": programme_evidence(programme), "updated_at": programme.updated_at},
        )
