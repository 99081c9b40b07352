"""Actors: the directory is open to signed-in users, managers edit their own actor.

Memberships: a user sees their own rows; managers see and change their actor's; reviewers read all.
"""

import pytest

from actors.choices import MembershipRole
from actors.models import Membership
from tests.access.matrix import NO, YES, add_member, assert_access, matrix, quick_user


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          YES,  NO,    NO),
        ("owner_manager",  YES,  YES,   YES),
        ("owner_viewer",   YES,  NO,    NO),
        ("colleague",      YES,  NO,    NO),
        ("reviewer",       YES,  NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  YES,   YES),
    ),
)  # fmt: skip
def test_actor_a_is_listed_for_signed_in_users_and_edited_by_its_managers(personas, actor_a, persona, action, expected):
    assert_access(actor_a, personas[persona], action, expected)


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          YES,  NO,    NO),  # their own row
        ("owner_manager",  YES,  YES,   YES),
        ("owner_viewer",   NO,   NO,    NO),  # a colleague's row, not a manager
        ("colleague",      NO,   NO,    NO),
        ("reviewer",       YES,  NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  YES,   YES),
    ),
)  # fmt: skip
def test_the_owners_membership_is_seen_by_the_owner_managers_and_reviewers(
    personas, owner, actor_a, persona, action, expected
):
    membership = Membership.objects.get(user=owner, actor=actor_a)
    assert_access(membership, personas[persona], action, expected)


def test_a_viewer_sees_their_own_membership_but_cannot_change_it(owner_viewer, actor_a):
    membership = Membership.objects.get(user=owner_viewer, actor=actor_a)
    assert_access(membership, owner_viewer, "view", True)
    assert_access(membership, owner_viewer, "change", False)


def test_a_manager_of_another_actor_cannot_see_actor_a_memberships(personas, owner, actor_a, actor_b):
    manager_of_b = quick_user()
    add_member(manager_of_b, actor_b, MembershipRole.MANAGER)
    membership = Membership.objects.get(user=owner, actor=actor_a)
    assert_access(membership, manager_of_b, "view", False)
    assert_access(Membership.objects.get(user=personas["colleague"]), manager_of_b, "change", True)
