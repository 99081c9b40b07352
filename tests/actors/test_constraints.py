"""Actor and membership rules hold in the database too, even for writes that skip `full_clean()`."""

import pytest
from django.db import IntegrityError, transaction

from actors.choices import ActorKind, Localness
from actors.models import Actor, Membership
from tests import factories

pytestmark = pytest.mark.django_db


def assert_database_refuses(model, write) -> None:
    """The write fails and leaves the table as it was."""
    before = list(model.objects.order_by("pk").values())
    with pytest.raises(IntegrityError), transaction.atomic():
        write()
    assert list(model.objects.order_by("pk").values()) == before


def create_actor(**values) -> Actor:
    return Actor.objects.create(name="New", kind=ActorKind.NATIONAL_NGO, localness=Localness.NATIONAL, **values)


def test_the_database_refuses_a_repeated_iati_identifier():
    factories.actor(iati_identifier="NO-BRC-971277882")

    assert_database_refuses(Actor, lambda: create_actor(iati_identifier="NO-BRC-971277882"))


def test_the_database_accepts_many_actors_without_an_iati_identifier():
    factories.actor(iati_identifier="")
    create_actor(iati_identifier="")
    create_actor(iati_identifier="")

    assert Actor.objects.filter(iati_identifier="").count() == 3


def test_the_database_refuses_an_actor_as_its_own_parent():
    actor = factories.actor()

    # An update: a new row cannot name its own, not yet known, id as parent.
    assert_database_refuses(Actor, lambda: Actor.objects.filter(pk=actor.pk).update(parent=actor))


def test_the_database_refuses_a_second_membership_of_the_same_user_and_actor():
    user, actor = factories.user(), factories.actor()
    factories.member(user, actor)

    assert_database_refuses(Membership, lambda: Membership.objects.create(user=user, actor=actor, role="manager"))
