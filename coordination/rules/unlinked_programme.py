"""unlinked-programme: no shared goal, no accountability (gap a).

An active programme that has run ≥ 12 months and contributes to no shared goal, while an active
goal covers its area: one of the goal's areas equals or contains one of the programme's locations.
Medium; low when its budget, in NOK, is below `low_budget_below`.

Budgets are converted with NOK_RATES: rough rates (NOK per unit, 2025), good enough for a
threshold, not for accounting; override `nok_rates` in FLAG_RULE_SETTINGS to update them. A
programme with no budget, or in a currency missing from the table, stays medium: we cannot tell
it is small, and a missing budget should not earn a milder flag.
"""

from decimal import Decimal

from coordination.choices import GoalStatus, Severity
from coordination.engine.candidate import Candidate
from coordination.engine.registry import rule
from coordination.engine.scope import PROGRAMME
from coordination.engine.timeline import ran_at_least
from coordination.models import SharedGoal
from coordination.rules._common import area_label, programme_evidence, programme_subject

CODE = "unlinked-programme"

NOK_RATES = {"NOK": "1", "USD": "10.5", "EUR": "11.5", "GBP": "13.5", "SEK": "1.0", "DKK": "1.55", "CHF": "12.5"}


@rule(CODE, scope=PROGRAMME, run_months=12, low_budget_below=5_000_000, nok_rates=NOK_RATES)
def evaluate(facts, params):
    goals_at = _active_goals_by_path(facts)
    if not goals_at:
        return
    for programme in facts.programmes.values():
        if facts.goals_of.get(programme.id) or not ran_at_least(programme.start, params.run_months, facts.as_of):
            continue
        covered = {area: _goals_covering(area, goals_at) for area in programme.locations}
        covered = {area: goals for area, goals in covered.items() if goals}
        if not covered:
            continue
        area = max(covered, key=lambda area: (area.level, area.path))  # the most specific covered location
        goals = sorted({goal for goals in covered.values() for goal in goals})
        budget_nok = in_nok(programme.budget, programme.currency, params.nok_rates)
        small = budget_nok is not None and budget_nok < params.low_budget_below
        titles = "; ".join(f"“{title}”" for _, title in goals)
        yield Candidate(
            rule=CODE,
            subject_key=f"programme:{programme.id}",
            severity=Severity.LOW if small else Severity.MEDIUM,
            subject=programme_subject(programme),
            area_id=area.id,
            responsible_actor_ids=frozenset({programme.reporting_actor_id}),
            message=(
                f"“{programme.title}” has run since {programme.start:%d %b %Y} in {area_label(area)} and contributes "
                f"to no shared goal, while active shared goals cover the area: {titles}."
            ),
            message_nb=(
                f"«{programme.title}» har pågått siden {programme.start:%d.%m.%Y} i {area_label(area)} og bidrar "
                f"ikke til noe felles mål, selv om aktive felles mål dekker området: {titles}."
            ),
            evidence={
                "programme": programme_evidence(programme),
                "area": area.pcode,
                "goals": [{"id": goal_id, "title": title} for goal_id, title in goals],
                "budget": programme.budget,
                "currency": programme.currency,
                "budget_nok": round(budget_nok) if budget_nok is not None else None,
                "low_budget_below_nok": params.low_budget_below,
            },
        )


def in_nok(amount: Decimal | None, currency: str, rates: dict) -> Decimal | None:
    """The amount in NOK at the table's rough rate; None when there is no amount or no rate."""
    rate = rates.get((currency or "").upper())
    if amount is None or rate is None:
        return None
    return amount * Decimal(str(rate))


def _active_goals_by_path(facts) -> dict[str, set[tuple[int, str]]]:
    """Active goals by the path of each of their areas in this country; loaded once per country."""
    key = f"{CODE}:active-goal-paths"
    if key not in facts.cache:
        rows = SharedGoal.areas.through.objects.filter(
            sharedgoal__status=GoalStatus.ACTIVE, area__country_code=facts.country_code
        ).order_by()
        goals_at: dict[str, set[tuple[int, str]]] = {}
        for goal_id, title, path in rows.values_list("sharedgoal_id", "sharedgoal__title", "area__path"):
            goals_at.setdefault(path, set()).add((goal_id, title))
        facts.cache[key] = goals_at
    return facts.cache[key]


def _goals_covering(area, goals_at) -> set[tuple[int, str]]:
    """Goals with an area equal to or containing `area`: look up each ancestor path ("/SS/", "/SS/SS01/", ...)."""
    parts = area.path.strip("/").split("/")
    found = set()
    for depth in range(1, len(parts) + 1):
        found |= goals_at.get("/" + "/".join(parts[:depth]) + "/", set())
    return found
