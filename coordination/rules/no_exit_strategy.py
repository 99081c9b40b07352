"""no-exit-strategy: humanitarian programmes with no way out (gap e).

An active H-only programme that has run ≥ 24 months, or ends within the next 6 months, with no
transition plan, no handover actor and no confirmed sequenced/handover link (either direction) to
a programme with the D pillar. The linked programme may be inactive or in another country: its
pillars load in one query. Medium; high once the programme has run ≥ 36 months.
"""

from coordination.choices import Severity
from coordination.engine.candidate import Candidate
from coordination.engine.registry import rule
from coordination.engine.scope import PROGRAMME
from coordination.engine.timeline import add_months, ran_at_least
from coordination.rules._common import deepest_location, programme_evidence, programme_subject
from programmes.choices import LinkType
from programmes.models import Programme

CODE = "no-exit-strategy"


@rule(CODE, scope=PROGRAMME, run_months=24, ending_within_months=6, high_when_run_months=36)
def evaluate(facts, params):
    ending_by = add_months(facts.as_of, params.ending_within_months)
    handed_over = _sequenced_to_development(facts)
    for programme in facts.programmes.values():
        if not programme.h_only or programme.has_transition_plan or programme.handover_actor_id:
            continue
        if programme.id in handed_over:
            continue
        long_running = ran_at_least(programme.start, params.run_months, facts.as_of)
        ending_soon = programme.end is not None and facts.as_of <= programme.end <= ending_by
        if not (long_running or ending_soon):
            continue
        very_long = ran_at_least(programme.start, params.high_when_run_months, facts.as_of)
        # The threshold reached, not the month count: evidence must not change every month.
        ran_months = params.high_when_run_months if very_long else params.run_months if long_running else None
        area = deepest_location(programme)
        yield Candidate(
            rule=CODE,
            subject_key=f"programme:{programme.id}",
            severity=Severity.HIGH if very_long else Severity.MEDIUM,
            subject=programme_subject(programme),
            area_id=area.id if area else None,
            responsible_actor_ids=frozenset({programme.reporting_actor_id}),
            message=(
                f"Humanitarian programme “{programme.title}” {_when(programme, ran_months, 'en')} and has no exit "
                "strategy: no transition plan, no handover actor, no handover link to development work."
            ),
            message_nb=(
                f"Det humanitære programmet «{programme.title}» {_when(programme, ran_months, 'nb')} og har ingen "
                "exitstrategi: ingen overgangsplan, ingen overtakende aktør, ingen overleveringskobling til "
                "utviklingsarbeid."
            ),
            evidence={
                "programme": programme_evidence(programme),
                "running_at_least_months": ran_months,
                "ending_within_months": params.ending_within_months if ending_soon else None,
            },
        )


def _when(programme, ran_months: int | None, language: str) -> str:
    if ran_months:
        if language == "nb":
            return f"har pågått i minst {ran_months} måneder (siden {programme.start:%d.%m.%Y})"
        return f"has run for at least {ran_months} months (since {programme.start:%d %b %Y})"
    if language == "nb":
        return f"avsluttes {programme.end:%d.%m.%Y}"
    return f"ends on {programme.end:%d %b %Y}"


def _sequenced_to_development(facts) -> set[int]:
    """Programmes here with a confirmed sequenced/handover link to a programme with the D pillar."""
    sequenced = [(a, b) for a, b, link_type in facts.links if link_type == LinkType.SEQUENCED]
    if not sequenced:
        return set()
    others = {programme_id for pair in sequenced for programme_id in pair}
    development = set(Programme.objects.filter(pk__in=others, pillar_d=True).order_by().values_list("pk", flat=True))
    found = set()
    for a, b in sequenced:
        if b in development:
            found.add(a)
        if a in development:
            found.add(b)
    return found
