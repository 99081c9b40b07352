"""Reads for the home page: what the signed-in user's organisations have in the portal."""

from django.db.models import Q

from actors.access import actor_ids, is_reviewer
from actors.models import Membership
from coordination.selectors.flags import flags_on_your_records
from programmes.models import Programme, ProgrammeParticipant


def home_summary(*, user) -> dict:
    member_of = actor_ids(user)
    memberships = Membership.objects.restrict(user).filter(user=user).select_related("actor")
    # An embassy rarely reports a programme itself but funds many: count every role its actors play.
    takes_part = ProgrammeParticipant.objects.filter(actor_id__in=member_of).values("programme_id")
    own_programmes = Programme.objects.restrict(user).filter(Q(reporting_actor_id__in=member_of) | Q(pk__in=takes_part))
    return {
        "memberships": memberships,
        "is_reviewer": is_reviewer(user),
        "own_programme_count": own_programmes.count(),
        # The page shows each programme's reporting actor: fetch it in the same query.
        "recent_programmes": own_programmes.select_related("reporting_actor").order_by("-updated_at")[:10],
        # Open flags the user can see, and the ten most severe that the user's organisations must act on.
        **flags_on_your_records(user=user, limit=10),
        "visible_programme_count": Programme.objects.restrict(user).count(),
    }
