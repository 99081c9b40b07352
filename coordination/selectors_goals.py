"""Reads for the shared-goal pages: what a user sees of a goal, in a fixed number of queries."""

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _

from coordination.choices import CommitmentStatus, GoalStatus
from coordination.models import Contribution, Flag, GoalCommitment, GoalProgress, SharedGoal
from coordination.services_goals import actors_user_edits, answerable_commitments, horizon_warning
from nexus_portal.querysets import CHANGE, DELETE
from programmes.models import Programme
from reference.models import Area

# Invited first (they wait for an answer), then accepted, then declined.
STATUS_ORDER = {CommitmentStatus.INVITED: 0, CommitmentStatus.ACCEPTED: 1, CommitmentStatus.DECLINED: 2}


def goal_list(*, user):
    """Visible goals with what the list shows: convener, areas, accepted commitments, latest value."""
    latest = GoalProgress.objects.filter(goal=OuterRef("pk")).order_by("-date").values("value")[:1]
    return (
        SharedGoal.objects.restrict(user)
        .select_related("convening_actor")
        .prefetch_related(Prefetch("areas", queryset=Area.objects.order_by("path")))
        .annotate(
            committed=Count("commitments", filter=Q(commitments__status=CommitmentStatus.ACCEPTED), distinct=True),
            latest_value=Subquery(latest),
        )
    )


def invitations_for(*, user):
    """Open invitations addressed to the actors the user edits."""
    return (
        answerable_commitments(user)
        .filter(status=CommitmentStatus.INVITED)
        .select_related("goal__convening_actor", "actor")
        .order_by("-committed_on", "pk")
    )


def goal_detail(*, user, goal: SharedGoal) -> dict:
    commitments = sorted(
        GoalCommitment.objects.restrict(user).filter(goal=goal).select_related("actor"),
        key=lambda c: (STATUS_ORDER[c.status], c.actor.name.lower()),
    )
    contributions = list(
        Contribution.objects.restrict(user)
        .filter(goal=goal)
        .select_related("programme__reporting_actor")
        .order_by("programme__title", "pk")
    )
    progress = list(GoalProgress.objects.restrict(user).filter(goal=goal).order_by("date"))
    can_edit = SharedGoal.objects.restrict(user, CHANGE).filter(pk=goal.pk).exists()
    taken = GoalCommitment.objects.filter(goal=goal).exclude(status=CommitmentStatus.DECLINED).values("actor_id")
    is_open = goal.status not in (GoalStatus.ACHIEVED, GoalStatus.DROPPED)
    return {
        "areas": list(goal.areas.order_by("path")),
        "commitments": commitments,
        "contributions": contributions,
        "removable_contributions": set(
            Contribution.objects.restrict(user, DELETE).filter(goal=goal).values_list("pk", flat=True)
        ),
        "progress": progress,
        "chart": chart_data(goal, progress),
        "flags": list(goal_flags(user=user, goal=goal)),
        "can_edit": can_edit,
        "horizon_warning": horizon_warning(goal) if can_edit else None,
        "my_invitations": list(invitations_for(user=user).filter(goal=goal)),
        "can_join": is_open and actors_user_edits(user).exclude(pk__in=taken).exists(),
        "can_contribute": goal.status != GoalStatus.DROPPED and Programme.objects.restrict(user, CHANGE).exists(),
        "is_open": is_open,
    }


def goal_flags(*, user, goal: SharedGoal):
    """Open flags about this goal that the user may see."""
    return (
        Flag.objects.restrict(user)
        .open()
        .filter(subject_type__app_label="coordination", subject_type__model="sharedgoal", subject_id=goal.pk)
        .order_by("rule", "pk")
    )


def chart_data(goal: SharedGoal, progress: list[GoalProgress]) -> dict:
    """What static/js/goals.js draws: progress over time, baseline and target as reference lines."""

    def point(on, value):
        return {"x": on.isoformat(), "y": float(value)} if on is not None and value is not None else None

    return {
        "points": [point(report.date, report.value) for report in progress],
        "baseline": point(goal.baseline_date, goal.baseline_value),
        "target": point(goal.target_date, goal.target_value),
        "horizon": [goal.horizon_start.isoformat(), goal.horizon_end.isoformat()],
        "unit": goal.unit,
        "labels": {
            "progress": _("Reported value"),
            "baseline": _("Baseline"),
            "target": _("Target"),
            "axis": goal.unit or _("Value"),
        },
    }
