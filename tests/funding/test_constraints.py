"""Funding rules hold in the database too, even for writes that skip `full_clean()`."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from funding.choices import RequestStatus
from funding.models import FundingAgreement, FundingRequest, Tranche
from tests import factories

pytestmark = pytest.mark.django_db


def assert_database_refuses(model, write) -> None:
    """The write fails and leaves the table as it was."""
    before = list(model.objects.order_by("pk").values())
    with pytest.raises(IntegrityError), transaction.atomic():
        write()
    assert list(model.objects.order_by("pk").values()) == before


@pytest.fixture
def donor():
    return factories.actor()


@pytest.fixture
def recipient():
    return factories.actor()


def test_the_database_refuses_an_agreement_that_ends_before_it_starts(donor, recipient):
    assert_database_refuses(
        FundingAgreement,
        lambda: factories.agreement(donor=donor, recipient=recipient, start=date(2024, 1, 1), end=date(2023, 12, 31)),
    )


def test_the_database_refuses_an_agreement_from_an_actor_to_itself(donor):
    assert_database_refuses(FundingAgreement, lambda: factories.agreement(donor=donor, recipient=donor))


def test_the_database_refuses_a_negative_amount(donor, recipient):
    assert_database_refuses(
        FundingAgreement, lambda: factories.agreement(donor=donor, recipient=recipient, amount=Decimal("-1"))
    )


@pytest.mark.parametrize("share", [Decimal("150"), Decimal("-1")])
def test_the_database_refuses_a_share_outside_0_to_100(donor, recipient, share):
    assert_database_refuses(
        FundingAgreement,
        lambda: factories.agreement(
            donor=donor, recipient=recipient, crisis_modifier=True, crisis_modifier_share=share
        ),
    )


def test_the_database_refuses_a_reference_the_donor_already_used(donor, recipient):
    factories.agreement(donor=donor, recipient=recipient, reference="QZA-24/0001")

    assert_database_refuses(
        FundingAgreement, lambda: factories.agreement(donor=donor, recipient=recipient, reference="QZA-24/0001")
    )


def test_the_database_refuses_a_second_tranche_of_the_same_kind_and_year(donor, recipient):
    agreement = factories.agreement(donor=donor, recipient=recipient)
    factories.tranche(agreement, 2024, Decimal("500"))

    assert_database_refuses(Tranche, lambda: factories.tranche(agreement, 2024, Decimal("1")))


def test_the_database_refuses_a_negative_tranche(donor, recipient):
    agreement = factories.agreement(donor=donor, recipient=recipient)

    assert_database_refuses(Tranche, lambda: factories.tranche(agreement, 2024, Decimal("-1")))


def test_the_database_refuses_a_redirected_request_without_a_target(donor, recipient):
    assert_database_refuses(
        FundingRequest,
        lambda: factories.funding_request(applicant=recipient, submitted_to=donor, status=RequestStatus.REDIRECTED),
    )


def test_the_database_refuses_a_decision_before_the_submission(donor, recipient):
    assert_database_refuses(
        FundingRequest,
        lambda: factories.funding_request(
            applicant=recipient, submitted_to=donor, submitted_on=date(2024, 3, 1), decision_date=date(2024, 2, 1)
        ),
    )
