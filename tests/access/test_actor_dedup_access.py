"""Aliases, merge history and "not a duplicate" decisions: directory metadata every signed-in user reads.

Aliases are changed by the actor's managers; a "not a duplicate" decision by the managers of either actor;
the merge history by nobody but administrators (the admin shows it read-only).
"""

import pytest

from actors.choices import MembershipRole
from actors.models import ActorMerge
from tests import factories
from tests.access.matrix import NO, YES, add_member, assert_access, matrix, quick_user
from tests.actors.builders import alias, not_duplicate


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
def test_an_alias_of_actor_a_is_read_by_all_and_changed_by_its_managers(personas, actor_a, persona, action, expected):
    assert_access(alias(actor_a, "Aktør A"), personas[persona], action, expected)


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          YES,  NO,    NO),
        ("owner_manager",  YES,  NO,    NO),
        ("owner_viewer",   YES,  NO,    NO),
        ("colleague",      YES,  NO,    NO),
        ("reviewer",       YES,  NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  YES,   YES),
    ),
)  # fmt: skip
def test_the_merge_history_is_read_by_all_and_changed_by_nobody_else(personas, actor_a, persona, action, expected):
    record = ActorMerge.objects.create(kept=actor_a, merged_pk=42, merged_name="Actor A copy")
    assert_access(record, personas[persona], action, expected)


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          YES,  NO,    NO),
        ("owner_manager",  YES,  YES,   YES),  # manages one of the two actors
        ("owner_viewer",   YES,  NO,    NO),
        ("colleague",      YES,  NO,    NO),
        ("reviewer",       YES,  NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  YES,   YES),
    ),
)  # fmt: skip
def test_a_not_duplicate_decision_is_changed_by_managers_of_either_actor(personas, actor_a, persona, action, expected):
    decision = not_duplicate(actor_a, factories.actor("Actor A Foundation"))
    assert_access(decision, personas[persona], action, expected)


def test_a_manager_of_the_other_actor_in_the_pair_may_change_the_decision(actor_a, actor_b):
    decision = not_duplicate(actor_a, actor_b)
    manager_of_b = quick_user()
    add_member(manager_of_b, actor_b, MembershipRole.MANAGER)

    assert_access(decision, manager_of_b, "change", True)
    assert_access(not_duplicate(actor_a, factories.actor("Third")), manager_of_b, "change", False)
