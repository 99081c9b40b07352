"""Programme rules hold in the database too, even for writes that skip `full_clean()`."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from programmes.choices import LinkType, OrganisationRole
from programmes.models import Programme, ProgrammeLink, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from tests import factories

pytestmark = pytest.mark.django_db


def assert_database_refuses(model, write) -> None:
    """The write fails and leaves the table as it was."""
    before = list(model.objects.order_by("pk").values())
    with pytest.raises(IntegrityError), transaction.atomic():
        write()
    assert list(model.objects.order_by("pk").values()) == before


def create_programme(**values) -> Programme:
    values.setdefault("reporting_actor", factories.actor())
    return Programme.objects.create(title="Water for Juba", **values)


@pytest.mark.parametrize(
    "dates",
    [
        {"planned_start": date(2024, 6, 1), "planned_end": date(2024, 5, 31)},
        {"actual_start": date(2024, 6, 1), "actual_end": date(2024, 5, 31)},
    ],
)
def test_the_database_refuses_an_end_before_the_start(dates):
    actor = factories.actor()

    assert_database_refuses(Programme, lambda: create_programme(reporting_actor=actor, **dates))


def test_the_database_refuses_a_negative_budget():
    actor = factories.actor()

    assert_database_refuses(
        Programme, lambda: create_programme(reporting_actor=actor, total_budget=Decimal("-1"), currency="NOK")
    )


def test_the_database_refuses_a_repeated_iati_identifier():
    existing = factories.programme(iati_identifier="NO-BRC-971277882-QZA-16/0209")

    assert_database_refuses(
        Programme,
        lambda: create_programme(reporting_actor=existing.reporting_actor, iati_identifier=existing.iati_identifier),
    )


def test_the_database_accepts_many_programmes_without_an_iati_identifier():
    actor = factories.actor()
    for _ in range(3):
        create_programme(reporting_actor=actor, iati_identifier="")

    assert Programme.objects.filter(iati_identifier="").count() == 3


@pytest.mark.parametrize("percentage", [Decimal("101"), Decimal("-1")])
def test_the_database_refuses_a_percentage_outside_0_to_100(percentage):
    programme, sector = factories.programme(), factories.sector()

    assert_database_refuses(
        ProgrammeSector,
        lambda: ProgrammeSector.objects.create(programme=programme, sector=sector, percentage=percentage),
    )


def test_the_database_refuses_a_sector_listed_twice():
    sector = factories.sector()
    programme = factories.programme(sectors=[sector])

    assert_database_refuses(
        ProgrammeSector, lambda: ProgrammeSector.objects.create(programme=programme, sector=sector, percentage=50)
    )


def test_the_database_refuses_a_location_listed_twice():
    juba = factories.area_tree()["SS0101"]
    programme = factories.programme(locations=[juba])

    assert_database_refuses(ProgrammeLocation, lambda: ProgrammeLocation.objects.create(programme=programme, area=juba))


def test_the_database_refuses_the_same_role_twice_for_one_actor():
    programme = factories.programme()
    actor = programme.participations.get().actor

    assert_database_refuses(
        ProgrammeParticipant,
        lambda: ProgrammeParticipant.objects.create(
            programme=programme, actor=actor, role=OrganisationRole.IMPLEMENTING
        ),
    )


def test_the_database_refuses_a_programme_linked_to_itself():
    programme = factories.programme()

    assert_database_refuses(ProgrammeLink, lambda: factories.link(programme, programme))


def test_the_database_refuses_a_second_link_of_the_same_type():
    a, b = factories.programme(), factories.programme()
    factories.link(a, b, LinkType.JOINT)

    assert_database_refuses(ProgrammeLink, lambda: factories.link(a, b, LinkType.JOINT))


def test_a_refused_write_leaves_nothing_half_saved():
    sector = factories.sector()
    programmes_before, shares_before = Programme.objects.count(), ProgrammeSector.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        programme = create_programme()
        ProgrammeSector.objects.create(programme=programme, sector=sector, percentage=60)
        ProgrammeSector.objects.create(programme=programme, sector=sector, percentage=40)  # the same sector again

    assert (Programme.objects.count(), ProgrammeSector.objects.count()) == (programmes_before, shares_before)
