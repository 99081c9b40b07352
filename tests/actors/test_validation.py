"""Actor and membership rules as `full_clean()` (and so every model form) reports them."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from actors.choices import ActorKind, Localness
from actors.models import Actor, Membership
from tests import factories

pytestmark = pytest.mark.django_db


def validation_errors(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def new_actor(**values) -> Actor:
    return Actor(name="New", kind=ActorKind.NATIONAL_NGO, localness=Localness.NATIONAL, **values)


def test_it_rejects_an_iati_identifier_another_actor_has():
    factories.actor(iati_identifier="NO-BRC-971277882")

    errors = validation_errors(new_actor(iati_identifier="NO-BRC-971277882"))

    assert errors[NON_FIELD_ERRORS] == ["Another actor already has this IATI organisation identifier."]


def test_two_actors_without_an_iati_identifier_are_fine():
    factories.actor(iati_identifier="")

    new_actor(iati_identifier="").full_clean()


def test_an_actor_keeps_its_own_iati_identifier_when_edited():
    existing = factories.actor(iati_identifier="NO-BRC-971277882")
    existing.name = "Renamed"

    existing.full_clean()


def test_it_rejects_a_parent_chain_that_loops_back():
    a = factories.actor()
    b = factories.actor(parent=a)
    a.parent = b

    assert validation_errors(a)["parent"] == ["The parent chain would loop back to this actor."]


def test_it_rejects_a_longer_loop():
    a = factories.actor()
    c = factories.actor(parent=factories.actor(parent=a))
    a.parent = c

    assert validation_errors(a)["parent"] == ["The parent chain would loop back to this actor."]


def test_it_rejects_an_actor_as_its_own_parent():
    a = factories.actor()
    a.parent = a

    assert validation_errors(a)["parent"] == ["The parent chain would loop back to this actor."]


def test_the_own_parent_constraint_has_its_own_message():
    # full_clean() skips constraints on a field that already failed, so ask the constraints directly.
    a = factories.actor()
    a.parent = a

    with pytest.raises(ValidationError) as caught:
        a.validate_constraints()

    assert caught.value.message_dict[NON_FIELD_ERRORS] == ["An actor cannot be its own parent."]


def test_a_chain_without_a_loop_is_fine():
    headquarters = factories.actor()
    country_office = factories.actor(parent=headquarters)
    field_office = factories.actor()
    field_office.parent = country_office

    field_office.full_clean()


def test_it_rejects_a_second_membership_of_the_same_user_and_actor():
    user, actor = factories.user(), factories.actor()
    factories.member(user, actor)

    errors = validation_errors(Membership(user=user, actor=actor, role="manager"))

    assert errors[NON_FIELD_ERRORS] == ["This user is already a member of this actor."]
