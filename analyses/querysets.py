from django.db.models import Q

from actors.access import actor_ids
from actors.choices import MembershipRole
from nexus_portal.querysets import CHANGE, DELETE, VIEW, RestrictedQuerySet


class AnalysisQuerySet(RestrictedQuerySet):
    """`restrict(user)` answers which analyses' CONTENT a user may read, by sensitivity level.

    Coverage metadata (kind, scope, date, holder) is open to every signed-in user through
    `coverage_for(user)`: the rules and the library need it to show gaps and whom to ask.
    Named (RED) analyses are for the named people only: no administrator bypass. A draft stays
    with its authors (and named people) until it is published.
    """

    def superuser_condition(self, user, action):
        from analyses.choices import Sensitivity

        named = self.model.shared_with_users.through.objects.filter(user_id=user.pk).values("analysis_id")
        return ~Q(sensitivity=Sensitivity.NAMED) | Q(pk__in=named)

    def anonymous_condition(self, action):
        from analyses.choices import AnalysisStatus, Sensitivity

        if action != VIEW:
            return None
        return Q(sensitivity=Sensitivity.PUBLIC, status=AnalysisStatus.PUBLISHED)

    def view_condition(self, user):
        return self._content_condition(user, actor_ids(user))

    def change_condition(self, user):
        editor_of = actor_ids(user, MembershipRole.EDITOR)
        authored = self._authored_by(editor_of)
        return Q(pk__in=authored) & self._content_condition(user, actor_ids(user))

    def _content_condition(self, user, member_of) -> Q:
        from analyses.choices import AnalysisStatus, Sensitivity

        authored = self._authored_by(member_of)
        shared = self.model.shared_with_actors.through.objects.filter(actor_id__in=member_of).values("analysis_id")
        named = self.model.shared_with_users.through.objects.filter(user_id=user.pk).values("analysis_id")
        by_sensitivity = (
            Q(sensitivity__in=[Sensitivity.PUBLIC, Sensitivity.PARTNERS])
            | Q(sensitivity=Sensitivity.RESTRICTED) & (Q(pk__in=authored) | Q(pk__in=shared) | Q(pk__in=named))
            | Q(sensitivity=Sensitivity.STRICT, pk__in=authored)
            | Q(sensitivity=Sensitivity.NAMED, pk__in=named)
        )
        not_a_foreign_draft = ~Q(status=AnalysisStatus.DRAFT) | Q(pk__in=authored) | Q(pk__in=named)
        return by_sensitivity & not_a_foreign_draft

    def _authored_by(self, ids):
        return self.model.author_actors.through.objects.filter(actor_id__in=ids).values("analysis_id")

    def coverage_for(self, user):
        """Every analysis's coverage metadata, for signed-in users only."""
        if user is None or not user.is_authenticated:
            return self.none()
        # No title: a title can give away what a strict or named analysis says.
        return self.only("pk", "kind", "conducted_on", "review_due", "status", "sensitivity", "supersedes")

    def exportable(self):
        """Named (RED) analyses never leave the portal in exports, search or bulk downloads."""
        from analyses.choices import Sensitivity

        return self.exclude(sensitivity=Sensitivity.NAMED)


class ContextEventQuerySet(RestrictedQuerySet):
    def change_condition(self, user):
        return Q(recorded_by_id__in=actor_ids(user, MembershipRole.EDITOR))


__all__ = ["CHANGE", "DELETE", "VIEW", "AnalysisQuerySet", "ContextEventQuerySet"]
