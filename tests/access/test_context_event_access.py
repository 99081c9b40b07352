"""Context events: every signed-in user reads them; editors of the recording actor change them."""

import pytest

from tests import factories
from tests.access.matrix import NO, YES, assert_access, matrix


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          YES,  YES,   YES),
        ("owner_manager",  YES,  YES,   YES),
        ("owner_viewer",   YES,  NO,    NO),
        ("colleague",      YES,  NO,    NO),
        ("reviewer",       YES,  NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  YES,   YES),
    ),
)  # fmt: skip
def test_an_event_recorded_by_a_is_changed_by_editors_of_a(personas, actor_a, persona, action, expected):
    recorded = factories.event(factories.area_tree()["SS01"], recorded_by=actor_a)
    assert_access(recorded, personas[persona], action, expected)


def test_an_event_without_a_recording_actor_is_changed_by_superusers_only(owner, reviewer, superuser):
    unowned = factories.event(factories.area_tree()["SS01"])
    assert_access(unowned, owner, "change", False)
    assert_access(unowned, reviewer, "change", False)
    assert_access(unowned, superuser, "change", True)
