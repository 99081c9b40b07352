"""Funding: agreements and tranches are read by the parties (donor, recipient) and reviewers and
changed by the donor's editors; requests are read by the applicant and the units it was sent or
redirected to (and reviewers), changed by their editors. Request events are read-only history."""

from datetime import date

import pytest

from funding.choices import RequestStatus
from funding.models import FundingRequestEvent
from tests import factories
from tests.access.matrix import NO, YES, assert_access, matrix

DONOR_IS_A = matrix(
    # persona          view  change delete
    ("owner",          YES,  YES,   YES),
    ("owner_manager",  YES,  YES,   YES),
    ("owner_viewer",   YES,  NO,    NO),
    ("colleague",      NO,   NO,    NO),
    ("reviewer",       YES,  NO,    NO),
    ("anonymous",      NO,   NO,    NO),
    ("superuser",      YES,  YES,   YES),
)  # fmt: skip

RECIPIENT_IS_A_DONOR_IS_B = matrix(
    # persona          view  change delete
    ("owner",          YES,  NO,    NO),
    ("owner_manager",  YES,  NO,    NO),
    ("owner_viewer",   YES,  NO,    NO),
    ("colleague",      YES,  YES,   YES),
    ("reviewer",       YES,  NO,    NO),
    ("anonymous",      NO,   NO,    NO),
    ("superuser",      YES,  YES,   YES),
)  # fmt: skip

REQUEST_FROM_B_TO_A = matrix(
    # persona          view  change delete
    ("owner",          YES,  YES,   YES),
    ("owner_manager",  YES,  YES,   YES),
    ("owner_viewer",   YES,  NO,    NO),
    ("colleague",      YES,  YES,   YES),
    ("reviewer",       YES,  NO,    NO),
    ("anonymous",      NO,   NO,    NO),
    ("superuser",      YES,  YES,   YES),
)  # fmt: skip


@pytest.mark.parametrize(("persona", "action", "expected"), DONOR_IS_A)
def test_an_agreement_is_changed_by_the_donor_and_hidden_from_other_actors(
    personas, actor_a, persona, action, expected
):
    given = factories.agreement(donor=actor_a, recipient=factories.actor())
    assert_access(given, personas[persona], action, expected)


@pytest.mark.parametrize(("persona", "action", "expected"), RECIPIENT_IS_A_DONOR_IS_B)
def test_the_recipient_reads_an_agreement_but_only_the_donor_changes_it(
    personas, actor_a, actor_b, persona, action, expected
):
    received = factories.agreement(donor=actor_b, recipient=actor_a)
    assert_access(received, personas[persona], action, expected)


@pytest.mark.parametrize(("persona", "action", "expected"), DONOR_IS_A)
def test_a_tranche_follows_its_agreement(personas, actor_a, persona, action, expected):
    given = factories.agreement(donor=actor_a, recipient=factories.actor())
    assert_access(factories.tranche(given, 2025, given.amount), personas[persona], action, expected)


@pytest.mark.parametrize(("persona", "action", "expected"), RECIPIENT_IS_A_DONOR_IS_B)
def test_a_tranche_of_a_received_agreement_is_read_only_for_the_recipient(
    personas, actor_a, actor_b, persona, action, expected
):
    received = factories.agreement(donor=actor_b, recipient=actor_a)
    assert_access(factories.tranche(received, 2025, received.amount), personas[persona], action, expected)


@pytest.mark.parametrize(("persona", "action", "expected"), REQUEST_FROM_B_TO_A)
def test_a_request_is_shared_by_the_applicant_and_the_unit_it_was_sent_to(
    personas, actor_a, actor_b, persona, action, expected
):
    request = factories.funding_request(applicant=actor_b, submitted_to=actor_a)
    assert_access(request, personas[persona], action, expected)


@pytest.mark.parametrize(("persona", "action", "expected"), REQUEST_FROM_B_TO_A)
def test_the_unit_a_request_was_redirected_to_may_read_and_change_it(
    personas, actor_a, actor_b, persona, action, expected
):
    request = factories.funding_request(
        applicant=actor_b,
        submitted_to=factories.actor(),
        status=RequestStatus.REDIRECTED,
        redirected_to=actor_a,
        decision_date=date.today(),
    )
    assert_access(request, personas[persona], action, expected)


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
def test_request_events_are_read_with_their_request_and_are_append_only(
    personas, actor_a, actor_b, persona, action, expected
):
    request = factories.funding_request(applicant=actor_b, submitted_to=actor_a)
    history = FundingRequestEvent.objects.create(request=request, status=RequestStatus.PENDING, unit=actor_a)
    assert_access(history, personas[persona], action, expected)


def test_a_request_between_two_other_actors_is_hidden_from_the_owner(owner, reviewer):
    elsewhere = factories.funding_request(applicant=factories.actor(), submitted_to=factories.actor())
    assert_access(elsewhere, owner, "view", False)
    assert_access(elsewhere, reviewer, "view", True)


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          YES,  NO,    NO),
        ("owner_manager",  YES,  NO,    NO),
        ("owner_viewer",   YES,  NO,    NO),
        ("colleague",      YES,  YES,   YES),
        ("reviewer",       YES,  NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  YES,   YES),
    ),
)  # fmt: skip
def test_the_donor_of_the_parent_agreement_follows_its_money_into_sub_grants(
    personas, actor_a, actor_b, persona, action, expected
):
    top = factories.agreement(donor=actor_a, recipient=actor_b)
    sub_grant = factories.agreement(donor=actor_b, recipient=factories.actor(), parent=top)
    assert_access(sub_grant, personas[persona], action, expected)


def test_a_unit_that_redirected_a_request_still_reads_it(owner, actor_a, actor_b):
    first_unit = factories.actor()
    request = factories.funding_request(
        applicant=actor_b, submitted_to=first_unit, status=RequestStatus.REDIRECTED,
        redirected_to=factories.actor(), decision_date=date.today(),
    )  # fmt: skip
    assert_access(request, owner, "view", False)

    FundingRequestEvent.objects.create(
        request=request, status=RequestStatus.REDIRECTED, unit=actor_a, redirected_to=first_unit
    )

    assert_access(request, owner, "view", True)
    assert_access(request, owner, "change", False)
