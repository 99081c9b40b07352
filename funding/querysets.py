from django.db.models import Q

from actors.access import actor_ids, is_reviewer
from actors.choices import MembershipRole
from nexus_portal.querysets import RestrictedQuerySet


def agreement_view_condition(user, prefix: str = "") -> Q:
    """Parties to an agreement (donor, recipient) and reviewers see it; the donor of the parent
    agreement also sees its sub-grants: following its money to local partners is the point."""
    if is_reviewer(user):
        return Q()
    member_of = actor_ids(user)
    return (
        Q(**{f"{prefix}donor_id__in": member_of})
        | Q(**{f"{prefix}recipient_id__in": member_of})
        | Q(**{f"{prefix}parent__donor_id__in": member_of})
    )


def agreement_edit_condition(user, prefix: str = "") -> Q:
    """The donor records and maintains an agreement (for a sub-grant: the intermediary that gives it)."""
    return Q(**{f"{prefix}donor_id__in": actor_ids(user, MembershipRole.EDITOR)})


class FundingAgreementQuerySet(RestrictedQuerySet):
    def view_condition(self, user):
        return agreement_view_condition(user)

    def change_condition(self, user):
        return agreement_edit_condition(user)

    def top_level(self):
        """Agreements that count in totals: sub-grants show where money went, never add to a total."""
        return self.filter(parent__isnull=True)


class TrancheQuerySet(RestrictedQuerySet):
    def view_condition(self, user):
        return agreement_view_condition(user, "agreement__")

    def change_condition(self, user):
        return agreement_edit_condition(user, "agreement__")


class FundingRequestQuerySet(RestrictedQuerySet):
    """The applicant and every donor unit that handled it (sent, redirected, decided); reviewers see all."""

    def view_condition(self, user):
        if is_reviewer(user):
            return Q()
        from funding.models import FundingRequestEvent

        member_of = actor_ids(user)
        handled = FundingRequestEvent.objects.filter(
            Q(unit_id__in=member_of) | Q(redirected_to_id__in=member_of)
        ).values("request_id")
        return (
            Q(applicant_id__in=member_of)
            | Q(submitted_to_id__in=member_of)
            | Q(redirected_to_id__in=member_of)
            | Q(pk__in=handled)
        )

    def change_condition(self, user):
        editor_of = actor_ids(user, MembershipRole.EDITOR)
        return Q(applicant_id__in=editor_of) | Q(submitted_to_id__in=editor_of) | Q(redirected_to_id__in=editor_of)


class FundingRequestEventQuerySet(RestrictedQuerySet):
    def view_condition(self, user):
        from funding.models import FundingRequest

        return Q(request__in=FundingRequest.objects.restrict(user).values("pk"))
