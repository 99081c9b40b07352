from django.db.models import Q

from actors.access import actor_ids
from actors.choices import MembershipRole
from nexus_portal.querysets import RestrictedQuerySet


def programme_edit_condition(user, prefix: str = "") -> Q:
    """Programmes a user may edit: editors of the reporting actor or of a funding participant.

    `prefix` lets child rows (participants, sectors, links) reuse the rule through their FK.
    """
    from programmes.choices import OrganisationRole
    from programmes.models import ProgrammeParticipant

    editor_of = actor_ids(user, MembershipRole.EDITOR)
    funded = ProgrammeParticipant.objects.filter(actor_id__in=editor_of, role=OrganisationRole.FUNDING).values(
        "programme_id"
    )
    return Q(**{f"{prefix}reporting_actor_id__in": editor_of}) | Q(**{f"{prefix}pk__in": funded})


class ProgrammeQuerySet(RestrictedQuerySet):
    """Who does what where is shared with every signed-in partner; edits stay with the owners."""

    def change_condition(self, user):
        return programme_edit_condition(user)


class ProgrammeChildQuerySet(RestrictedQuerySet):
    """Participants, sectors and locations follow their programme's rights."""

    def change_condition(self, user):
        return programme_edit_condition(user, prefix="programme__")


class ProgrammeLinkQuerySet(RestrictedQuerySet):
    """Either side of a link may change it (propose, confirm, decline)."""

    def change_condition(self, user):
        return programme_edit_condition(user, prefix="from_programme__") | programme_edit_condition(
            user, prefix="to_programme__"
        )
