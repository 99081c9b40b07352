"""weak-shared-goal: goals that are not real collective outcomes.

An active goal fails when it has fewer than 2 committed actors (accepted commitments, any role),
contributions from fewer than 2 pillars (the union of the pillars of its ACTIVE contributing
programmes: closed work is history), no indicator, baseline or target, a horizon outside 3–5 years
(add_months(start, 36) ≤ end ≤ add_months(start, 60)), or no national/local actor with an accepted
commitment. One medium flag per goal; the evidence lists each failed criterion by a stable code.

Four queries whatever the number of goals: goals, commitments, contributing pillars, goal areas.
"""

from actors.choices import Localness
from coordination.choices import CommitmentRole, CommitmentStatus, GoalStatus, Severity
from coordination.engine.candidate import Candidate
from coordination.engine.facts import active_programme_filter
from coordination.engine.registry import GLOBAL, rule
from coordination.engine.timeline import add_months
from coordination.models import Contribution, GoalCommitment, SharedGoal
from coordination.rules._common import goal_places, goal_subject
from programmes.models import Programme

CODE = "weak-shared-goal"

LOCAL = (Localness.NATIONAL, Localness.LOCAL)

# Stable code → (English, Norwegian) text of each criterion a goal can fail.
CRITERIA = {
    "few-committed-actors": (
        "fewer than {needed} actors have committed",
        "færre enn {needed} aktører har forpliktet seg",
    ),
    "few-pillars": (
        "contributions come from fewer than {needed} pillars",
        "bidragene kommer fra færre enn {needed} pilarer",
    ),
    "no-indicator": ("no indicator", "mangler indikator"),
    "no-baseline": ("no baseline (value and date)", "mangler utgangsverdi (verdi og dato)"),
    "no-target": ("no target (value and date)", "mangler målverdi (verdi og dato)"),
    "horizon-not-3-to-5-years": ("the horizon is not 3–5 years", "tidshorisonten er ikke 3–5 år"),
    "no-local-actor": (
        "no national or local actor has committed",
        "ingen nasjonal eller lokal aktør har forpliktet seg",
    ),
}


@rule(CODE, partition=GLOBAL, min_committed_actors=2, min_pillars=2, horizon_min_months=36, horizon_max_months=60)
def evaluate(facts, params):
    active_goals = SharedGoal.objects.filter(status=GoalStatus.ACTIVE).order_by()
    goal_ids = active_goals.values("pk")
    committed, local, leads = _commitments(goal_ids)
    pillars = _contributing_pillars(goal_ids, facts.as_of)
    places = goal_places(goal_ids)
    columns = (
        "pk", "title", "convening_actor_id", "indicator", "baseline_value", "baseline_date", "target_value",
        "target_date", "horizon_start", "horizon_end",
    )  # fmt: skip
    for row in active_goals.values_list(*columns):
        goal_id, title, convener, indicator, baseline, baseline_on, target, target_on, start, end = row
        figures = {
            "few-committed-actors": (len(committed.get(goal_id, ())), params.min_committed_actors),
            "few-pillars": ("".join(p for p in "HDP" if p in pillars.get(goal_id, ())), params.min_pillars),
        }
        failed = {
            "few-committed-actors": figures["few-committed-actors"][0] < params.min_committed_actors,
            "few-pillars": len(figures["few-pillars"][0]) < params.min_pillars,
            "no-indicator": not indicator.strip(),
            "no-baseline": baseline is None or baseline_on is None,
            "no-target": target is None or target_on is None,
            "horizon-not-3-to-5-years": not (
                add_months(start, params.horizon_min_months) <= end <= add_months(start, params.horizon_max_months)
            ),
            "no-local-actor": not local.get(goal_id),
        }
        codes = [code for code in CRITERIA if failed[code]]
        if not codes:
            continue
        country, area_id = places.get(goal_id, (None, None))
        english = "; ".join(_text(code, params, 0) for code in codes)
        norwegian = "; ".join(_text(code, params, 1) for code in codes)
        yield Candidate(
            rule=CODE,
            subject_key=f"goal:{goal_id}",
            severity=Severity.MEDIUM,
            subject=goal_subject(goal_id),
            country_code=country,
            area_id=area_id,
            responsible_actor_ids=frozenset({convener, *leads.get(goal_id, ())}),
            message=f"Shared goal “{title}” is not yet a real collective outcome: {english}.",
            message_nb=f"Det felles målet «{title}» er ennå ikke et reelt kollektivt resultat: {norwegian}.",
            evidence={
                "goal": {"id": goal_id, "title": title},
                "failed": [_failure(code, params, figures, start, end) for code in codes],
            },
        )


def _commitments(goal_ids):
    """Per goal: actors with an accepted commitment, the national/local ones, the leads."""
    committed, local, leads = {}, {}, {}
    rows = GoalCommitment.objects.filter(goal_id__in=goal_ids, status=CommitmentStatus.ACCEPTED).order_by()
    for goal_id, actor_id, role, localness in rows.values_list("goal_id", "actor_id", "role", "actor__localness"):
        committed.setdefault(goal_id, set()).add(actor_id)
        if localness in LOCAL:
            local.setdefault(goal_id, set()).add(actor_id)
        if role == CommitmentRole.LEAD:
            leads.setdefault(goal_id, set()).add(actor_id)
    return committed, local, leads


def _contributing_pillars(goal_ids, as_of) -> dict[int, set[str]]:
    """The pillars of each goal's active contributing programmes (distinct rows: at most 8 per goal)."""
    rows = (
        Contribution.objects.filter(goal_id__in=goal_ids)
        .filter(programme__in=_active_programmes(as_of))
        .order_by()
        .values_list("goal_id", "programme__pillar_h", "programme__pillar_d", "programme__pillar_p")
        .distinct()
    )
    pillars: dict[int, set[str]] = {}
    for goal_id, h, d, p in rows:
        pillars.setdefault(goal_id, set()).update(name for name, on in (("H", h), ("D", d), ("P", p)) if on)
    return pillars


def _active_programmes(as_of):
    return Programme.objects.filter(active_programme_filter(as_of)).order_by().values("pk")


def _text(code: str, params, language: int) -> str:
    needed = {"few-committed-actors": params.min_committed_actors, "few-pillars": params.min_pillars}.get(code)
    return CRITERIA[code][language].format(needed=needed)


def _failure(code: str, params, figures: dict, start, end) -> dict:
    failure = {"code": code, "text": _text(code, params, 0)}
    if code in figures:
        failure["found"], failure["needed"] = figures[code]
    if code == "horizon-not-3-to-5-years":
        failure["horizon"] = [start, end]
    return failure
