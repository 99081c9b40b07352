"""stale-goal-progress: goals nobody measures.

An active goal whose horizon started more than 12 months before the as-of date, with no progress
report dated in the last 12 months (after as-of − 12 months, up to the as-of date; a report dated
exactly 12 months ago is too old, as for stale-record). Low.

Three queries whatever the number of goals: the goals with their latest report, leads, areas.
"""

from django.db.models import Max, Q

from coordination.choices import GoalStatus, Severity
from coordination.engine.candidate import Candidate
from coordination.engine.registry import GLOBAL, rule
from coordination.engine.timeline import add_months
from coordination.models import SharedGoal
from coordination.rules._common import goal_leads, goal_places, goal_subject

CODE = "stale-goal-progress"


@rule(CODE, partition=GLOBAL, months_without_report=12, started_months_ago=12)
def evaluate(facts, params):
    reported_since = add_months(facts.as_of, -params.months_without_report)
    started_before = add_months(facts.as_of, -params.started_months_ago)
    goals = (
        SharedGoal.objects.filter(status=GoalStatus.ACTIVE, horizon_start__lt=started_before)
        .annotate(last_report=Max("progress_reports__date", filter=Q(progress_reports__date__lte=facts.as_of)))
        .filter(Q(last_report__isnull=True) | Q(last_report__lte=reported_since))
        .order_by()
    )
    rows = list(goals.values_list("pk", "title", "convening_actor_id", "horizon_start", "last_report"))
    if not rows:
        return
    ids = [row[0] for row in rows]
    leads, places = goal_leads(ids), goal_places(ids)
    for goal_id, title, convener, horizon_start, last_report in rows:
        country, area_id = places.get(goal_id, (None, None))
        if last_report:
            message = f"No progress has been reported for shared goal “{title}” since {last_report:%d %b %Y}."
            message_nb = f"Ingen fremdrift er rapportert for det felles målet «{title}» siden {last_report:%d.%m.%Y}."
        else:
            message = (
                f"No progress has ever been reported for shared goal “{title}”, whose horizon started "
                f"{horizon_start:%d %b %Y}."
            )
            message_nb = (
                f"Det er aldri rapportert fremdrift for det felles målet «{title}», som startet "
                f"{horizon_start:%d.%m.%Y}."
            )
        yield Candidate(
            rule=CODE,
            subject_key=f"goal:{goal_id}",
            severity=Severity.LOW,
            subject=goal_subject(goal_id),
            country_code=country,
            area_id=area_id,
            responsible_actor_ids=frozenset({convener, *leads.get(goal_id, ())}),
            message=message,
            message_nb=message_nb,
            evidence={
                "goal": {"id": goal_id, "title": title},
                "horizon_start": horizon_start,
                "last_report": last_report,
            },
        )
