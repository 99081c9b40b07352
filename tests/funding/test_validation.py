"""Funding rules as `full_clean()` (and so every model form) reports them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from funding.choices import RequestStatus, Stream, TrancheKind
from funding.models import FundingAgreement, FundingRequest, Tranche
from tests import factories

pytestmark = pytest.mark.django_db


def validation_errors(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def new_agreement(**values) -> FundingAgreement:
    values.setdefault("donor", factories.actor())
    values.setdefault("recipient", factories.actor())
    values.setdefault("start_date", date(2024, 1, 1))
    values.setdefault("end_date", date(2025, 12, 31))
    return FundingAgreement(reference="QZA-24/0001", stream=Stream.HUMANITARIAN, amount=Decimal("1000"), **values)


def new_request(**values) -> FundingRequest:
    values.setdefault("submitted_to", factories.actor())
    return FundingRequest(title="Livelihoods", applicant=factories.actor(), submitted_on=date(2024, 3, 1), **values)


def test_a_plain_agreement_is_valid():
    new_agreement().full_clean()


def test_it_rejects_an_agreement_that_ends_before_it_starts():
    agreement = new_agreement(start_date=date(2024, 1, 1), end_date=date(2023, 12, 31))

    assert validation_errors(agreement)["end_date"] == ["The agreement cannot end before it starts."]


def test_it_rejects_an_agreement_from_an_actor_to_itself():
    actor = factories.actor()

    errors = validation_errors(new_agreement(donor=actor, recipient=actor))

    assert errors[NON_FIELD_ERRORS] == ["The donor and the recipient must be different actors."]


def test_it_rejects_a_reallocatable_share_without_a_crisis_modifier():
    errors = validation_errors(new_agreement(crisis_modifier=False, crisis_modifier_share=Decimal("10")))

    assert errors["crisis_modifier_share"] == ["A reallocatable share only applies with a crisis modifier."]


def test_it_rejects_a_share_above_100_percent():
    errors = validation_errors(new_agreement(crisis_modifier=True, crisis_modifier_share=Decimal("150")))

    assert errors["crisis_modifier_share"] == ["Ensure this value is less than or equal to 100."]


def test_the_share_constraint_has_its_own_message():
    agreement = new_agreement(crisis_modifier=True, crisis_modifier_share=Decimal("150"))

    with pytest.raises(ValidationError) as caught:
        agreement.validate_constraints()

    assert caught.value.message_dict[NON_FIELD_ERRORS] == ["The reallocatable share must be between 0 and 100 percent."]


def test_it_rejects_a_sub_grant_not_given_by_the_parents_recipient():
    parent = factories.agreement(donor=factories.actor(), recipient=factories.actor())

    errors = validation_errors(new_agreement(parent=parent))  # a fresh donor, not the parent's recipient

    assert errors["parent"] == ["A sub-grant must be given by the recipient of its parent agreement."]


def test_a_sub_grant_from_the_parents_recipient_is_valid():
    parent = factories.agreement(donor=factories.actor(), recipient=factories.actor())

    new_agreement(parent=parent, donor=parent.recipient).full_clean()


def test_it_rejects_an_agreement_as_its_own_parent():
    agreement = factories.agreement(donor=factories.actor(), recipient=factories.actor())
    agreement.parent = agreement

    assert validation_errors(agreement)["parent"] == ["An agreement cannot be its own parent."]


def test_it_rejects_a_reference_the_donor_already_used():
    existing = factories.agreement(donor=factories.actor(), recipient=factories.actor(), reference="QZA-24/0001")

    errors = validation_errors(new_agreement(donor=existing.donor))

    assert errors[NON_FIELD_ERRORS] == ["This donor already has an agreement with this reference."]


def test_another_donor_may_use_the_same_reference():
    factories.agreement(donor=factories.actor(), recipient=factories.actor(), reference="QZA-24/0001")

    new_agreement().full_clean()


def test_it_rejects_a_second_tranche_of_the_same_kind_and_year():
    agreement = factories.agreement(donor=factories.actor(), recipient=factories.actor())
    factories.tranche(agreement, 2024, Decimal("500"))

    errors = validation_errors(Tranche(agreement=agreement, year=2024, amount=Decimal("1"), kind=TrancheKind.PLANNED))

    assert errors[NON_FIELD_ERRORS] == ["There is already a tranche of this kind for this year."]


def test_a_planned_and_a_disbursed_tranche_share_a_year():
    agreement = factories.agreement(donor=factories.actor(), recipient=factories.actor())
    factories.tranche(agreement, 2024, Decimal("500"))

    Tranche(agreement=agreement, year=2024, amount=Decimal("450"), kind=TrancheKind.DISBURSED).full_clean()


def test_it_rejects_a_redirected_request_without_a_target():
    errors = validation_errors(new_request(status=RequestStatus.REDIRECTED, decision_date=date(2024, 4, 1)))

    assert errors["redirected_to"] == ["Say where the request was redirected to."]


def test_it_rejects_a_decision_without_a_date():
    errors = validation_errors(new_request(status=RequestStatus.APPROVED))

    assert errors["decision_date"] == ["Give the date of the decision."]


def test_it_rejects_a_decision_before_the_submission():
    errors = validation_errors(new_request(status=RequestStatus.APPROVED, decision_date=date(2024, 2, 1)))

    assert errors[NON_FIELD_ERRORS] == ["A decision cannot come before the request was submitted."]


@pytest.mark.parametrize("status", [RequestStatus.PENDING, RequestStatus.APPROVED, RequestStatus.REDIRECTED])
def test_it_rejects_outside_mandate_on_a_request_that_was_not_declined(status):
    request = new_request(status=status, outside_mandate=True, decision_date=date(2024, 4, 1))
    if status == RequestStatus.REDIRECTED:
        request.redirected_to = factories.actor()

    errors = validation_errors(request)

    assert errors["outside_mandate"] == ["Only a declined request can be declined as outside the mandate."]


def test_a_request_declined_as_outside_the_mandate_is_valid():
    new_request(status=RequestStatus.DECLINED, outside_mandate=True, decision_date=date(2024, 4, 1)).full_clean()


def test_a_request_may_come_back_to_the_unit_it_was_first_submitted_to():
    # MFA → Norad → MFA is the back-and-forth the between-two-chairs rule exists to show.
    unit = factories.actor()
    new_request(
        submitted_to=unit, status=RequestStatus.REDIRECTED, redirected_to=unit, decision_date=date(2024, 4, 1)
    ).full_clean()


def test_it_rejects_a_loop_in_the_chain_of_sub_grants():
    first, second = factories.actor(), factories.actor()
    upstream = factories.agreement(donor=first, recipient=second)
    downstream = factories.agreement(donor=second, recipient=first, parent=upstream)
    upstream.parent = downstream

    assert validation_errors(upstream)["parent"] == [
        "The chain of parent agreements would loop back to this agreement."
    ]
