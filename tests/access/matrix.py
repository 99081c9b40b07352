"""Helpers that turn an access table into parametrized cases and check one case both ways.

A table row reads `(persona, may view, may change, may delete)`; `matrix()` expands it into
`(persona, action, expected)` cases, so a failing case names who, what and the expectation.
"""

import pytest
from django.http import Http404

from nexus_portal.access import get_restricted_or_404

ACTIONS = ("view", "change", "delete")
YES, NO = True, False


def matrix(*rows: tuple[str, bool, bool, bool]) -> list:
    cases = []
    for persona, *answers in rows:
        assert len(answers) == len(ACTIONS), f"row for {persona} needs one answer per action"
        for action, expected in zip(ACTIONS, answers, strict=True):
            outcome = "allowed" if expected else "404"
            cases.append(pytest.param(persona, action, expected, id=f"{persona}-{action}-{outcome}"))
    return cases


def view_matrix(*rows: tuple[str, bool]) -> list:
    """Only the view action (for rules that decide who reads, such as sensitivity levels)."""
    return [
        pytest.param(persona, "view", expected, id=f"{persona}-view-{'allowed' if expected else '404'}")
        for persona, expected in rows
    ]


def assert_access(obj, user, action: str, expected: bool) -> None:
    """`restrict()` returns `obj` exactly when expected; otherwise fetching it answers a plain 404."""
    model = type(obj)
    restricted = model.objects.restrict(user, action)
    assert restricted.filter(pk=obj.pk).exists() is expected, (
        f"{model.__name__} {obj.pk}: restrict({user}, {action!r}) should {'' if expected else 'not '}include it"
    )
    if expected:
        assert get_restricted_or_404(model, user, action, pk=obj.pk) == obj
        return
    with pytest.raises(Http404) as forbidden:
        get_restricted_or_404(model, user, action, pk=obj.pk)
    with pytest.raises(Http404) as missing:
        get_restricted_or_404(model, user, action, pk=missing_pk(model))
    assert str(forbidden.value) == str(missing.value), "a hidden object must look exactly like a missing one"


def missing_pk(model) -> int:
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last + 1000


def quick_user(**flags):
    """A user without a usable password (skips the slow hashing in factories.user)."""
    from django.contrib.auth.hashers import make_password

    from actors.models import User
    from tests.factories import unique

    return User.objects.create(username=unique("user"), password=make_password(None), **flags)


def add_member(user, actor, role: str):
    """Give `user` a membership and drop the per-user cache of actor ids, as a new request would."""
    from actors.access import forget_actor_ids
    from tests.factories import member

    membership = member(user, actor, role)
    forget_actor_ids(user)
    return membership
