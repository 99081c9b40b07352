"""Writes to shared goals and what hangs off them: commitments, contributions, progress.

Keyword-only, atomic, validated with full_clean (HackSoft styleguide). Every function checks the
user's rights on the object itself through `restrict()`, so a view that forgot a check still
cannot write what the user may not change.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import actor_ids
from actors.choices import MembershipRole
from actors.models import Actor
from coordination.choices import CommitmentRole, CommitmentStatus, GoalStatus
from coordination.engine.timeline import add_months
from coordination.models import Contribution, GoalCommitment, GoalProgress, SharedGoal
from nexus_portal.querysets import CHANGE, DELETE
from programmes.models import Programme
from reference.models import Area

# The weak-shared-goal rule's defaults: a collective outcome runs 3–5 years.
HORIZON_MIN_MONTHS = 36
HORIZON_MAX_MONTHS = 60
# Progress may be measured a little before the horizon starts (a late baseline) or after it ends.
PROGRESS_MARGIN = timedelta(days=365)
GOAL_FIELDS = (
    "title", "description", "indicator", "unit", "baseline_value", "baseline_date", "target_value",
    "target_date", "horizon_start", "horizon_end", "status",
)  # fmt: skip


# -- who may do what ----------------------------------------------------------------------------


def actors_user_edits(user):
    """Actors the user may act for: where they are editor or manager (any actor for superusers)."""
    if user.is_active and user.is_superuser:
        return Actor.objects.all()
    return Actor.objects.filter(pk__in=actor_ids(user, MembershipRole.EDITOR))


def answerable_commitments(user):
    """Commitments the user answers for the committed actor (not merely as the goal's editor)."""
    return GoalCommitment.objects.restrict(user, CHANGE).filter(actor__in=actors_user_edits(user))


def _require(queryset, obj, message: str) -> None:
    if not queryset.filter(pk=obj.pk).exists():
        raise PermissionDenied(message)


def _require_goal_editor(user, goal: SharedGoal) -> None:
    _require(SharedGoal.objects.restrict(user, CHANGE), goal, "You may not change this goal.")


def _require_actor_editor(user, actor: Actor) -> None:
    _require(actors_user_edits(user), actor, "You are not an editor of this actor.")


def horizon_warning(goal: SharedGoal) -> str | None:
    """A warning (not an error) when the horizon is outside 3–5 years: the rules flag such goals."""
    if not (goal.horizon_start and goal.horizon_end):
        return None
    low = add_months(goal.horizon_start, HORIZON_MIN_MONTHS)
    high = add_months(goal.horizon_start, HORIZON_MAX_MONTHS)
    if low <= goal.horizon_end <= high:
        return None
    return _(
        "The horizon is not 3–5 years. Collective outcomes usually run 3–5 years; "
        "the portal will flag this goal as weak until the horizon fits."
    )


# -- goals --------------------------------------------------------------------------------------


def _set_pillars(goal: SharedGoal, pillars: Iterable[str]) -> None:
    pillars = set(pillars)
    goal.pillar_h, goal.pillar_d, goal.pillar_p = "H" in pillars, "D" in pillars, "P" in pillars


@transaction.atomic
def goal_create(
    *,
    user,
    convening_actor: Actor,
    title: str,
    areas: Iterable[Area],
    horizon_start: date,
    horizon_end: date,
    pillars: Iterable[str] = (),
    description: str = "",
    indicator: str = "",
    unit: str = "",
    baseline_value: Decimal | None = None,
    baseline_date: date | None = None,
    target_value: Decimal | None = None,
    target_date: date | None = None,
    status: str = GoalStatus.DRAFT,
) -> SharedGoal:
    """Register a goal convened by one of the user's actors."""
    _require_actor_editor(user, convening_actor)
    areas = list(areas)
    if not areas:
        raise ValidationError({"areas": _("Choose at least one area.")})
    goal = SharedGoal(
        convening_actor=convening_actor,
        title=title,
        description=description,
        indicator=indicator,
        unit=unit,
        baseline_value=baseline_value,
        baseline_date=baseline_date,
        target_value=target_value,
        target_date=target_date,
        horizon_start=horizon_start,
        horizon_end=horizon_end,
        status=status,
    )
    _set_pillars(goal, pillars)
    goal.full_clean()
    goal.save()
    goal.areas.set(areas)
    return goal


@transaction.atomic
def goal_update(
    *, user, goal: SharedGoal, areas: Iterable[Area] | None = None, pillars: Iterable[str] | None = None, **fields
) -> SharedGoal:
    """Change a goal the user may edit. A new convening actor must be one the user edits too."""
    _require_goal_editor(user, goal)
    convening_actor = fields.pop("convening_actor", None)
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"goal_update() got unexpected fields: {sorted(unknown)}")
    # Start from the stored row: the caller's instance may already carry the new values (a bound ModelForm).
    goal = SharedGoal.objects.select_for_update().get(pk=goal.pk)
    if convening_actor is not None and convening_actor.pk != goal.convening_actor_id:
        _require_actor_editor(user, convening_actor)
        goal.convening_actor = convening_actor
    for name, value in fields.items():
        setattr(goal, name, value)
    if pillars is not None:
        _set_pillars(goal, pillars)
    goal.full_clean()
    goal.save()
    if areas is not None:
        areas = list(areas)
        if not areas:
            raise ValidationError({"areas": _("Choose at least one area.")})
        goal.areas.set(areas)
    return goal


# -- commitments --------------------------------------------------------------------------------


def _require_open(goal: SharedGoal) -> None:
    if goal.status in (GoalStatus.ACHIEVED, GoalStatus.DROPPED):
        message = _("This goal is closed (%(status)s): it takes no new commitments.")
        raise ValidationError(message % {"status": goal.get_status_display()})


def _existing_commitment(goal: SharedGoal, actor: Actor) -> GoalCommitment | None:
    commitment = GoalCommitment.objects.select_for_update().filter(goal=goal, actor=actor).first()
    if commitment is not None and commitment.status != CommitmentStatus.DECLINED:
        if commitment.status == CommitmentStatus.INVITED:
            raise ValidationError({"actor": _("This actor has already been invited to the goal.")})
        raise ValidationError({"actor": _("This actor has already committed to the goal.")})
    return commitment


@transaction.atomic
def commitment_invite(
    *, user, goal: SharedGoal, actor: Actor, role: str = CommitmentRole.CONTRIBUTOR, text: str = ""
) -> GoalCommitment:
    """The goal's owners invite an actor; its editors accept or decline. A declined actor may be asked again."""
    _require_goal_editor(user, goal)
    _require_open(goal)
    commitment = _existing_commitment(goal, actor) or GoalCommitment(goal=goal, actor=actor)
    commitment.role = role
    commitment.status = CommitmentStatus.INVITED
    commitment.commitment_text = text
    commitment.committed_on = timezone.localdate()
    commitment.full_clean(validate_unique=commitment.pk is None)
    commitment.save()
    return commitment


@transaction.atomic
def commitment_join(
    *, user, goal: SharedGoal, actor: Actor, role: str = CommitmentRole.CONTRIBUTOR, text: str = ""
) -> GoalCommitment:
    """An actor's editor commits their own actor directly.

    The lead role gives edit rights on the goal, so only someone who already edits the goal may
    take it without an invitation; others join as contributor or endorser.
    """
    _require_actor_editor(user, actor)
    _require_open(goal)
    if role == CommitmentRole.LEAD and not SharedGoal.objects.restrict(user, CHANGE).filter(pk=goal.pk).exists():
        raise ValidationError({"role": _("Only the goal's owners can make an actor lead: ask them to invite you.")})
    commitment = _existing_commitment(goal, actor) or GoalCommitment(goal=goal, actor=actor)
    commitment.role = role
    commitment.status = CommitmentStatus.ACCEPTED
    commitment.commitment_text = text
    commitment.committed_on = timezone.localdate()
    commitment.full_clean(validate_unique=commitment.pk is None)
    commitment.save()
    return commitment


def _answer(user, commitment: GoalCommitment, status: str, text: str) -> GoalCommitment:
    _require(answerable_commitments(user), commitment, "Only the invited actor's editors answer an invitation.")
    locked = GoalCommitment.objects.select_for_update().get(pk=commitment.pk)
    if locked.status != CommitmentStatus.INVITED:
        raise ValidationError(_("This invitation has already been answered."))
    locked.status = status
    if text:
        locked.commitment_text = text
    locked.committed_on = timezone.localdate()
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["status", "commitment_text", "committed_on"])
    return locked


@transaction.atomic
def commitment_accept(*, user, commitment: GoalCommitment, text: str = "") -> GoalCommitment:
    """The invited actor commits; `text` says what it commits to."""
    return _answer(user, commitment, CommitmentStatus.ACCEPTED, text)


@transaction.atomic
def commitment_decline(*, user, commitment: GoalCommitment, text: str = "") -> GoalCommitment:
    """The invited actor declines; `text` says why, for the goal's owners."""
    return _answer(user, commitment, CommitmentStatus.DECLINED, text)


# -- contributions ------------------------------------------------------------------------------


@transaction.atomic
def contribution_add(*, user, goal: SharedGoal, programme: Programme, description: str = "") -> Contribution:
    """The programme's editors say that, and how, it contributes to a goal."""
    _require(Programme.objects.restrict(user, CHANGE), programme, "You may not change this programme.")
    if goal.status == GoalStatus.DROPPED:
        raise ValidationError({"goal": _("This goal was dropped: programmes can no longer contribute to it.")})
    contribution = Contribution(goal=goal, programme=programme, description=description)
    contribution.full_clean()
    contribution.save()
    return contribution


@transaction.atomic
def contribution_remove(*, user, contribution: Contribution) -> None:
    """The programme's editors or the goal's owners end a contribution."""
    _require(Contribution.objects.restrict(user, DELETE), contribution, "You may not remove this contribution.")
    contribution.delete()


# -- progress -----------------------------------------------------------------------------------


@transaction.atomic
def progress_report(
    *, user, goal: SharedGoal, date: date, value: Decimal, source: str = "", note: str = ""
) -> GoalProgress:
    """The goal's owners record a measured value of its indicator."""
    _require_goal_editor(user, goal)
    earliest, latest = goal.horizon_start - PROGRESS_MARGIN, goal.horizon_end + PROGRESS_MARGIN
    if date > timezone.localdate():
        raise ValidationError({"date": _("Report what was measured: the date cannot be in the future.")})
    if not earliest <= date <= latest:
        raise ValidationError(
            {
                "date": _("The date must be within the goal's horizon (give or take a year): %(start)s to %(end)s.")
                % {"start": earliest.isoformat(), "end": latest.isoformat()}
            }
        )
    report = GoalProgress(goal=goal, date=date, value=value, source=source, note=note, reported_by=user)
    report.full_clean()
    report.save()
    return report
