"""Shared goals and what hangs off them: signed-in users read; the goal's editors (convening actor,
accepted lead) change; a committed actor answers its own commitment; a programme's editors link it."""

import pytest

from coordination.choices import CommitmentRole, CommitmentStatus
from tests import factories
from tests.access.matrix import NO, YES, assert_access, matrix

EDITED_BY_A = matrix(
    # persona          view  change delete
    ("owner",          YES,  YES,   YES),
    ("owner_manager",  YES,  YES,   YES),
    ("owner_viewer",   YES,  NO,    NO),
    ("colleague",      YES,  NO,    NO),
    ("reviewer",       YES,  NO,    NO),
    ("anonymous",      NO,   NO,    NO),
    ("superuser",      YES,  YES,   YES),
)  # fmt: skip

EDITED_BY_A_AND_B = matrix(
    # persona          view  change delete
    ("owner",          YES,  YES,   YES),
    ("owner_manager",  YES,  YES,   YES),
    ("owner_viewer",   YES,  NO,    NO),
    ("colleague",      YES,  YES,   YES),
    ("reviewer",       YES,  NO,    NO),
    ("anonymous",      NO,   NO,    NO),
    ("superuser",      YES,  YES,   YES),
)  # fmt: skip


@pytest.fixture
def goal_of_a(actor_a):
    return factories.goal(convening_actor=actor_a, areas=[factories.area_tree()["SS01"]])


@pytest.mark.parametrize(("persona", "action", "expected"), EDITED_BY_A)
def test_a_goal_is_changed_by_editors_of_its_convening_actor(personas, goal_of_a, persona, action, expected):
    assert_access(goal_of_a, personas[persona], action, expected)


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          YES,  NO,    NO),
        ("owner_manager",  YES,  NO,    NO),
        ("owner_viewer",   YES,  NO,    NO),
        ("colleague",      YES,  YES,   YES),  # B accepted the lead
        ("reviewer",       YES,  NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  YES,   YES),
    ),
)  # fmt: skip
def test_an_actor_that_accepted_the_lead_may_change_the_goal(personas, actor_b, persona, action, expected):
    goal = factories.goal()  # convened by a third actor
    factories.commitment(goal, actor_b, role=CommitmentRole.LEAD, status=CommitmentStatus.ACCEPTED)
    assert_access(goal, personas[persona], action, expected)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (CommitmentRole.LEAD, CommitmentStatus.INVITED),
        (CommitmentRole.LEAD, CommitmentStatus.DECLINED),
        (CommitmentRole.CONTRIBUTOR, CommitmentStatus.ACCEPTED),
        (CommitmentRole.ENDORSER, CommitmentStatus.ACCEPTED),
    ],
)
def test_other_commitments_give_no_edit_rights_on_the_goal(colleague, actor_b, role, status):
    goal = factories.goal()
    factories.commitment(goal, actor_b, role=role, status=status)
    assert_access(goal, colleague, "view", True)
    assert_access(goal, colleague, "change", False)


@pytest.mark.parametrize(("persona", "action", "expected"), EDITED_BY_A_AND_B)
def test_a_commitment_is_changed_by_the_committed_actor_and_the_goal_editors(
    personas, goal_of_a, actor_b, persona, action, expected
):
    commitment = factories.commitment(goal_of_a, actor_b, status=CommitmentStatus.INVITED)
    assert_access(commitment, personas[persona], action, expected)


@pytest.mark.parametrize(("persona", "action", "expected"), EDITED_BY_A_AND_B)
def test_a_contribution_is_changed_by_the_programme_editors_and_the_goal_editors(
    personas, goal_of_a, actor_b, persona, action, expected
):
    contribution = factories.contribution(factories.programme(reporting_actor=actor_b), goal_of_a)
    assert_access(contribution, personas[persona], action, expected)


@pytest.mark.parametrize(("persona", "action", "expected"), EDITED_BY_A)
def test_goal_progress_is_changed_by_the_goal_editors(personas, goal_of_a, persona, action, expected):
    assert_access(factories.progress(goal_of_a), personas[persona], action, expected)


def test_a_lead_commitment_makes_progress_editable_too(colleague, actor_b):
    goal = factories.goal()
    factories.commitment(goal, actor_b, role=CommitmentRole.LEAD, status=CommitmentStatus.ACCEPTED)
    assert_access(factories.progress(goal), colleague, "change", True)
