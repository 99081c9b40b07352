"""Programme rules as `full_clean()` (and so every model form) reports them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from programmes.choices import LinkType, OrganisationRole
from programmes.models import Programme, ProgrammeLink, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from tests import factories

pytestmark = pytest.mark.django_db


def validation_errors(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def new_programme(**values) -> Programme:
    values.setdefault("reporting_actor", factories.actor())
    return Programme(title="Water for Juba", **values)


def test_a_plain_programme_is_valid():
    new_programme(planned_start=date(2024, 1, 1), planned_end=date(2025, 1, 1)).full_clean()


def test_it_rejects_a_planned_end_before_the_planned_start():
    programme = new_programme(planned_start=date(2024, 6, 1), planned_end=date(2024, 5, 31))

    assert validation_errors(programme)["planned_end"] == ["The planned end cannot be before the planned start."]


def test_it_rejects_an_actual_end_before_the_actual_start():
    programme = new_programme(actual_start=date(2024, 6, 1), actual_end=date(2024, 5, 31))

    assert validation_errors(programme)["actual_end"] == ["The actual end cannot be before the actual start."]


def test_it_accepts_an_end_on_the_start_day():
    new_programme(planned_start=date(2024, 6, 1), planned_end=date(2024, 6, 1)).full_clean()


def test_it_rejects_a_budget_without_a_currency():
    errors = validation_errors(new_programme(total_budget=Decimal("1000")))

    assert errors["currency"] == ["Give the currency of the budget."]


def test_it_rejects_a_negative_budget():
    errors = validation_errors(new_programme(total_budget=Decimal("-1"), currency="NOK"))

    assert errors["total_budget"] == ["Ensure this value is greater than or equal to 0."]


def test_it_rejects_explicit_pillars_with_none_chosen():
    errors = validation_errors(new_programme(pillars_explicit=True))

    assert errors["pillar_h"] == ["Choose at least one pillar, or let the portal derive them."]


def test_derived_pillars_need_no_choice():
    new_programme(pillars_explicit=False).full_clean()


def test_it_rejects_a_handover_to_the_reporting_actor():
    actor = factories.actor()

    errors = validation_errors(new_programme(reporting_actor=actor, handover_actor=actor))

    assert errors["handover_actor"] == ["A programme cannot be handed over to the actor that runs it."]


def test_it_rejects_an_iati_identifier_another_programme_has():
    factories.programme(iati_identifier="NO-BRC-971277882-QZA-16/0209")

    errors = validation_errors(new_programme(iati_identifier="NO-BRC-971277882-QZA-16/0209"))

    assert errors[NON_FIELD_ERRORS] == ["Another programme already has this IATI identifier."]


def test_two_programmes_without_an_iati_identifier_are_fine():
    factories.programme(iati_identifier="")

    new_programme(iati_identifier="").full_clean()


@pytest.mark.parametrize(
    ("percentage", "message"),
    [
        (Decimal("101"), "Ensure this value is less than or equal to 100."),
        (Decimal("-1"), "Ensure this value is greater than or equal to 0."),
    ],
)
def test_it_rejects_a_sector_percentage_outside_0_to_100(percentage, message):
    share = ProgrammeSector(programme=factories.programme(), sector=factories.sector(), percentage=percentage)

    assert validation_errors(share)["percentage"] == [message]


def test_the_percentage_constraint_has_its_own_message():
    # full_clean() skips constraints on a field that already failed, so ask the constraints directly.
    share = ProgrammeSector(programme=factories.programme(), sector=factories.sector(), percentage=Decimal("101"))

    with pytest.raises(ValidationError) as caught:
        share.validate_constraints()

    assert caught.value.message_dict[NON_FIELD_ERRORS] == ["A percentage must be between 0 and 100."]


def test_it_rejects_a_sector_listed_twice():
    sector = factories.sector()
    programme = factories.programme(sectors=[sector])

    errors = validation_errors(ProgrammeSector(programme=programme, sector=sector, percentage=Decimal("50")))

    assert errors[NON_FIELD_ERRORS] == ["This sector is already listed for the programme."]


def test_it_rejects_a_location_listed_twice():
    juba = factories.area_tree()["SS0101"]
    programme = factories.programme(locations=[juba])

    errors = validation_errors(ProgrammeLocation(programme=programme, area=juba))

    assert errors[NON_FIELD_ERRORS] == ["This area is already a location of the programme."]


def test_it_rejects_the_same_role_twice_for_one_actor():
    programme = factories.programme()
    implementer = programme.participations.get().actor

    participant = ProgrammeParticipant(programme=programme, actor=implementer, role=OrganisationRole.IMPLEMENTING)

    assert validation_errors(participant)[NON_FIELD_ERRORS] == ["This actor already has this role in the programme."]


def test_an_actor_may_hold_two_roles():
    programme = factories.programme()
    implementer = programme.participations.get().actor

    ProgrammeParticipant(programme=programme, actor=implementer, role=OrganisationRole.FUNDING).full_clean()


def test_it_rejects_a_programme_linked_to_itself():
    programme = factories.programme()

    link = ProgrammeLink(from_programme=programme, to_programme=programme, link_type=LinkType.JOINT)

    assert validation_errors(link)[NON_FIELD_ERRORS] == ["A programme cannot be linked to itself."]


def test_it_rejects_a_second_link_of_the_same_type():
    a, b = factories.programme(), factories.programme()
    factories.link(a, b, LinkType.JOINT)

    link = ProgrammeLink(from_programme=a, to_programme=b, link_type=LinkType.JOINT)

    assert validation_errors(link)[NON_FIELD_ERRORS] == ["These programmes already have a link of this type."]
