from django.db.models import Q

from actors.access import actor_ids, is_reviewer
from actors.choices import MembershipRole
from nexus_portal.querysets import RestrictedQuerySet


class ActorQuerySet(RestrictedQuerySet):
    """The actor directory is open to every signed-in user; managers edit their own actor."""

    def view_condition(self, user):
        return Q()

    def change_condition(self, user):
        return Q(pk__in=actor_ids(user, MembershipRole.MANAGER))

    def national_or_local(self):
        from actors.choices import Localness

        return self.filter(localness__in=[Localness.NATIONAL, Localness.LOCAL])


class MembershipQuerySet(RestrictedQuerySet):
    """A user sees their own memberships and, as a manager, those of their actor; reviewers see all."""

    def view_condition(self, user):
        if is_reviewer(user):
            return Q()
        return Q(user=user) | Q(actor_id__in=actor_ids(user, MembershipRole.MANAGER))

    def change_condition(self, user):
        return Q(actor_id__in=actor_ids(user, MembershipRole.MANAGER))


class ActorAliasQuerySet(RestrictedQuerySet):
    """Aliases are part of the open directory; the actor's managers change them."""

    def change_condition(self, user):
        return Q(actor_id__in=actor_ids(user, MembershipRole.MANAGER))


class ActorMergeQuerySet(RestrictedQuerySet):
    """Merge history is read by everyone signed in; nobody edits history."""

    def change_condition(self, user):
        return None


class NotDuplicateQuerySet(RestrictedQuerySet):
    """ "Not a duplicate" decisions are directory metadata read by everyone signed in; the managers of
    either actor (and administrators) make or withdraw them."""

    def change_condition(self, user):
        managed = actor_ids(user, MembershipRole.MANAGER)
        return Q(actor_low_id__in=managed) | Q(actor_high_id__in=managed)
