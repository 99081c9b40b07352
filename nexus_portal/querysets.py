"""Object-level access as a queryset method, applied centrally (NetBox's RestrictedQuerySet).

Every model's queryset answers `restrict(user, action)` with the rows that user may see ("view")
or modify ("change", "delete"). Views, API viewsets and exports start from it, so a row the
user may not see behaves exactly like a row that does not exist (404).
"""

from django.db import models
from django.db.models import Q

VIEW = "view"
CHANGE = "change"
DELETE = "delete"
ACTIONS = (VIEW, CHANGE, DELETE)


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; expected one of {ACTIONS}")
        if user is not None and user.is_active and user.is_superuser:
            condition = self.superuser_condition(user, action)
        elif user is None or not user.is_authenticated:
            condition = self.anonymous_condition(action)
        else:
            condition = self.view_condition(user) if action == VIEW else self.change_condition(user)
        return self.none() if condition is None else self.filter(condition)

    # Subclasses override these. None means "nothing"; Q() means "everything".
    def superuser_condition(self, user, action: str) -> Q | None:
        return Q()

    def anonymous_condition(self, action: str) -> Q | None:
        return None

    def view_condition(self, user) -> Q | None:
        return Q()

    def change_condition(self, user) -> Q | None:
        return None


class ReferenceQuerySet(RestrictedQuerySet):
    """Code lists and areas: public to read, changed only by administrators (superusers)."""

    def anonymous_condition(self, action: str) -> Q | None:
        return Q() if action == VIEW else None
