"""Which actors a user belongs to, looked up once per user object and role.

Every queryset's visibility rules build on these sets, so a request pays one small query for
them however many lists it renders.
"""

from actors.choices import ROLES_AT_LEAST, MembershipRole


def actor_ids(user, min_role: str = MembershipRole.VIEWER) -> frozenset[int]:
    """Ids of the actors where `user` holds at least `min_role` (empty for anonymous users)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cache = user.__dict__.setdefault("_nexus_actor_ids", {})
    if min_role not in cache:
        from actors.models import Membership

        cache[min_role] = frozenset(
            Membership.objects.filter(user=user, role__in=ROLES_AT_LEAST[min_role]).values_list("actor_id", flat=True)
        )
    return cache[min_role]


def forget_actor_ids(user) -> None:
    """Drop the cached sets after memberships change within the same request or test."""
    user.__dict__.pop("_nexus_actor_ids", None)


def is_reviewer(user) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_reviewer or user.is_superuser))
