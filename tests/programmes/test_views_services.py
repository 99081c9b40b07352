"""programme_create / programme_update, the services behind the form: all or nothing, checked again."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programmes.choices import OrganisationRole
from programmes.models import Programme, ProgrammeLocation, ProgrammeParticipant
from programmes.services import programme_create, programme_update
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas():
    return factories.area_tree()


def create(user, actor, areas, **overrides):
    arguments = {
        "user": user,
        "fields": {"title": "Water", "reporting_actor": actor},
        "participants": [(actor, OrganisationRole.FUNDING)],
        "sectors": [(factories.sector("14030"), Decimal("100"))],
        "locations": [areas["SS0101"]],
    }
    arguments.update(overrides)
    return programme_create(**arguments)


def test_create_saves_the_programme_and_everything_around_it(owner, actor_a, areas):
    programme = create(owner, actor_a, areas)

    assert programme.pk and programme.pillar_label == "D"
    assert list(programme.locations.values_list("pcode", flat=True)) == ["SS0101"]
    assert ProgrammeParticipant.objects.filter(programme=programme, role=OrganisationRole.FUNDING).exists()


def test_create_saves_nothing_when_the_sectors_do_not_add_up(owner, actor_a, areas):
    with pytest.raises(ValidationError):
        create(owner, actor_a, areas, sectors=[(factories.sector("14030"), Decimal("90"))])

    assert not Programme.objects.exists()
    assert not ProgrammeLocation.objects.exists()


def test_create_refuses_an_actor_the_user_does_not_edit(owner, actor_b, areas):
    with pytest.raises(PermissionDenied):
        create(owner, actor_b, areas)


def test_update_refuses_users_who_may_not_change_the_programme(colleague, actor_a, areas):
    programme = factories.programme(reporting_actor=actor_a)
    with pytest.raises(PermissionDenied):
        programme_update(
            user=colleague, programme=programme, fields={"title": "x"}, participants=[], sectors=[], locations=[]
        )


def test_update_refuses_an_older_version_inside_its_transaction(owner, actor_a, areas):
    programme = create(owner, actor_a, areas)
    opened_at = programme.updated_at.isoformat()
    programme_update(
        user=owner, programme=programme, fields={"title": "First"}, participants=[], sectors=[], locations=[]
    )

    with pytest.raises(ValidationError, match="Someone else changed this programme"):
        programme_update(
            user=owner,
            programme=programme,
            fields={"title": "Second"},
            participants=[],
            sectors=[],
            locations=[],
            version=opened_at,
        )
    programme.refresh_from_db()
    assert programme.title == "First"


def test_update_may_not_hand_the_programme_to_an_actor_the_user_does_not_edit(owner, actor_a, actor_b, areas):
    programme = create(owner, actor_a, areas)
    with pytest.raises(PermissionDenied):
        programme_update(
            user=owner,
            programme=programme,
            fields={"reporting_actor": actor_b},
            participants=[],
            sectors=[],
            locations=[],
        )


def test_update_keeps_unchanged_locations(owner, actor_a, areas):
    programme = create(owner, actor_a, areas, locations=[areas["SS0101"], areas["KE"]])
    kept = ProgrammeLocation.objects.get(programme=programme, area=areas["SS0101"])

    programme_update(
        user=owner, programme=programme, fields={}, participants=[], sectors=[], locations=[areas["SS0101"]]
    )

    assert list(ProgrammeLocation.objects.filter(programme=programme).values_list("pk", flat=True)) == [kept.pk]
