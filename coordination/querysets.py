from django.db.models import Q

from actors.access import actor_ids, is_reviewer
from actors.choices import MembershipRole
from nexus_portal.querysets import RestrictedQuerySet
from programmes.querysets import programme_edit_condition


def goal_edit_condition(user, prefix: str = "") -> Q:
    """Editors of the convening actor or of an actor that accepted the lead role."""
    from coordination.choices import CommitmentRole, CommitmentStatus
    from coordination.models import GoalCommitment

    editor_of = actor_ids(user, MembershipRole.EDITOR)
    led = GoalCommitment.objects.filter(
        actor_id__in=editor_of, role=CommitmentRole.LEAD, status=CommitmentStatus.ACCEPTED
    ).values("goal_id")
    return Q(**{f"{prefix}convening_actor_id__in": editor_of}) | Q(**{f"{prefix}pk__in": led})


class SharedGoalQuerySet(RestrictedQuerySet):
    def change_condition(self, user):
        return goal_edit_condition(user)


class GoalCommitmentQuerySet(RestrictedQuerySet):
    """The committed actor answers its invitation; the goal's owners manage the list."""

    def change_condition(self, user):
        return Q(actor_id__in=actor_ids(user, MembershipRole.EDITOR)) | goal_edit_condition(user, "goal__")


class ContributionQuerySet(RestrictedQuerySet):
    """The programme's owners link it to a goal; the goal's owners may remove a contribution."""

    def change_condition(self, user):
        return programme_edit_condition(user, "programme__") | goal_edit_condition(user, "goal__")


class GoalProgressQuerySet(RestrictedQuerySet):
    def change_condition(self, user):
        return goal_edit_condition(user, "goal__")


class FlagQuerySet(RestrictedQuerySet):
    """Reviewers see and triage every flag; an actor's members see the flags it is responsible for."""

    def view_condition(self, user):
        if is_reviewer(user):
            return Q()
        return Q(pk__in=self._responsible_for(actor_ids(user)))

    def change_condition(self, user):
        if is_reviewer(user):
            return Q()
        return Q(pk__in=self._responsible_for(actor_ids(user, MembershipRole.EDITOR)))

    def _responsible_for(self, ids):
        return self.model.responsible_actors.through.objects.filter(actor_id__in=ids).values("flag_id")

    def open(self):
        from coordination.choices import FlagStatus

        return self.filter(status__in=[FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED])


class FlagEventQuerySet(RestrictedQuerySet):
    def view_condition(self, user):
        from coordination.models import Flag

        return Q(flag__in=Flag.objects.restrict(user).values("pk"))


class FlagRunQuerySet(RestrictedQuerySet):
    """Reviewers read the engine's runs (and start them through the service); nobody edits them."""

    def view_condition(self, user):
        return Q() if is_reviewer(user) else None

    def superuser_condition(self, user, action):
        return Q() if action == "view" else None


class DirtyCountryQuerySet(RestrictedQuerySet):
    """Internal bookkeeping of the engine: no one reads or edits it through the portal."""

    def view_condition(self, user):
        return None

    def superuser_condition(self, user, action):
        return Q() if action == "view" else None
