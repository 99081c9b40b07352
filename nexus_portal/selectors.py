"""Reads for the home page: what the signed-in user's organisations have in the portal."""

from django.db.models import Q

from actors.access import actor_ids, is_reviewer
from actors.models import Membership
from coordination.selectors.flags import flags_on_your_records
from nexus_portal import pagination
from nexus_portal.pagination import approximately, capped_count, table_estimate
from programmes.models import Programme, ProgrammeParticipant


def home_summary(*, user) -> dict:
    member_of = actor_ids(user)
    memberships = Membership.objects.restrict(user).filter(user=user).select_related("actor")
    # An embassy rarely reports a programme itself but funds many: count every role its actors play.
    takes_part = ProgrammeParticipant.objects.filter(actor_id__in=member_of).values("programme_id")
    own_programmes = Programme.objects.restrict(user).filter(Q(reporting_actor_id__in=member_of) | Q(pk__in=takes_part))
    # Every signed-in user sees every programme: beyond 1,000 their number is PostgreSQL's row estimate for the
    # table ("about 100,000"), never a COUNT over it on the page everyone opens first; else an exact count.
    estimate = table_estimate(Programme)
    large = bool(estimate and estimate > pagination.COUNT_CAP)
    return {
        "memberships": memberships,
        "is_reviewer": is_reviewer(user),
        # Counted up to 1,000; None means more (nexus_portal/pagination.py).
        "own_programme_count": capped_count(own_programmes),
        # The page shows each programme's reporting actor: fetch it in the same query.
        "recent_programmes": own_programmes.select_related("reporting_actor").order_by("-updated_at")[:10],
        # Open flags the user can see, and the ten most severe that the user's organisations must act on.
        **flags_on_your_records(user=user, limit=10),
        "visible_programme_count": approximately(estimate) if large else capped_count(Programme.objects.restrict(user)),
        "visible_programme_count_is_estimate": large,
        "count_cap": pagination.COUNT_CAP,
    }
