"""Audit entries: read by whoever may view the record whose history shows them; changed and deleted by
nobody (append-only), administrators included. Entries of a named (RED) analysis stay with the named."""

import pytest

from analyses.choices import Sensitivity
from tests import factories
from tests.access.matrix import NO, YES, assert_access, matrix
from tests.audit.helpers import last_entry_of

# A change to actor A's programme (open to every signed-in partner, like the programme).
PROGRAMME_ENTRY = matrix(
    # persona          view  change delete
    ("owner",          YES,  NO,    NO),
    ("owner_manager",  YES,  NO,    NO),
    ("owner_viewer",   YES,  NO,    NO),
    ("colleague",      YES,  NO,    NO),
    ("reviewer",       YES,  NO,    NO),
    ("anonymous",      NO,   NO,    NO),
    ("superuser",      YES,  NO,    NO),
)  # fmt: skip

# A change to a funding agreement of A with a third actor: its parties, reviewers and administrators.
AGREEMENT_ENTRY = matrix(
    ("owner",          YES,  NO,    NO),
    ("owner_manager",  YES,  NO,    NO),
    ("owner_viewer",   YES,  NO,    NO),
    ("colleague",      NO,   NO,    NO),
    ("reviewer",       YES,  NO,    NO),
    ("anonymous",      NO,   NO,    NO),
    ("superuser",      YES,  NO,    NO),
)  # fmt: skip

# A change to a named (RED) analysis by A that names only the owner: no administrator bypass.
NAMED_ANALYSIS_ENTRY = matrix(
    ("owner",          YES,  NO,    NO),
    ("owner_manager",  NO,   NO,    NO),
    ("owner_viewer",   NO,   NO,    NO),
    ("colleague",      NO,   NO,    NO),
    ("reviewer",       NO,   NO,    NO),
    ("anonymous",      NO,   NO,    NO),
    ("superuser",      NO,   NO,    NO),
)  # fmt: skip

# A change to a membership: the member, the actor's managers, reviewers (not shown on the actor).
MEMBERSHIP_ENTRY = matrix(
    ("owner",          YES,  NO,    NO),
    ("owner_manager",  YES,  NO,    NO),
    ("owner_viewer",   NO,   NO,    NO),
    ("colleague",      NO,   NO,    NO),
    ("reviewer",       YES,  NO,    NO),
    ("anonymous",      NO,   NO,    NO),
    ("superuser",      YES,  NO,    NO),
)  # fmt: skip


@pytest.mark.parametrize(("persona", "action", "expected"), PROGRAMME_ENTRY)
def test_a_programme_change_is_read_by_whoever_reads_the_programme(personas, actor_a, persona, action, expected):
    programme = factories.programme(reporting_actor=actor_a)
    participant = programme.participations.get()

    assert_access(last_entry_of(participant, action="create"), personas[persona], action, expected)


@pytest.mark.parametrize(("persona", "action", "expected"), AGREEMENT_ENTRY)
def test_an_agreement_change_is_read_by_its_parties_and_reviewers(personas, actor_a, persona, action, expected):
    agreement = factories.agreement(donor=actor_a, recipient=factories.actor())

    assert_access(last_entry_of(agreement, action="create"), personas[persona], action, expected)


@pytest.mark.parametrize(("persona", "action", "expected"), NAMED_ANALYSIS_ENTRY)
def test_a_named_analysis_change_is_read_only_by_the_named(personas, actor_a, persona, action, expected):
    analysis = factories.analysis(
        authors=[actor_a], sensitivity=Sensitivity.NAMED, shared_with_users=[personas["owner"]]
    )

    assert_access(last_entry_of(analysis, action="create"), personas[persona], action, expected)


@pytest.mark.parametrize(("persona", "action", "expected"), MEMBERSHIP_ENTRY)
def test_a_membership_change_is_read_by_those_who_see_the_membership(personas, persona, action, expected):
    membership = personas["owner"].memberships.get()

    assert_access(last_entry_of(membership, action="create"), personas[persona], action, expected)
