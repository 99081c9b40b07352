"""Programmes and their participants, sectors and locations: every signed-in user reads them;
editors of the reporting actor or of a funding participant change them. Links: either side edits."""

import pytest

from programmes.choices import OrganisationRole
from programmes.models import ProgrammeHumanitarianScope, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from tests import factories
from tests.access.matrix import NO, YES, assert_access, matrix

PROGRAMME_OF_A = matrix(
    # persona          view  change delete
    ("owner",          YES,  YES,   YES),
    ("owner_manager",  YES,  YES,   YES),
    ("owner_viewer",   YES,  NO,    NO),
    ("colleague",      YES,  NO,    NO),
    ("reviewer",       YES,  NO,    NO),
    ("anonymous",      NO,   NO,    NO),
    ("superuser",      YES,  YES,   YES),
)  # fmt: skip


@pytest.fixture
def programme_of_a(actor_a):
    area = factories.area_tree()["SS0101"]
    return factories.programme(reporting_actor=actor_a, locations=[area], sectors=[factories.sector()])


@pytest.mark.parametrize(("persona", "action", "expected"), PROGRAMME_OF_A)
def test_a_programme_is_read_by_all_signed_in_users_and_changed_by_its_reporting_actor(
    personas, programme_of_a, persona, action, expected
):
    assert_access(programme_of_a, personas[persona], action, expected)


@pytest.mark.parametrize("child_model", [ProgrammeParticipant, ProgrammeSector, ProgrammeLocation])
@pytest.mark.parametrize(("persona", "action", "expected"), PROGRAMME_OF_A)
def test_participants_sectors_and_locations_follow_their_programme(
    personas, programme_of_a, child_model, persona, action, expected
):
    child = child_model.objects.get(programme=programme_of_a)
    assert_access(child, personas[persona], action, expected)


@pytest.mark.parametrize(("persona", "action", "expected"), PROGRAMME_OF_A)
def test_a_humanitarian_scope_follows_its_programme(personas, programme_of_a, persona, action, expected):
    scope = ProgrammeHumanitarianScope.objects.create(
        programme=programme_of_a, scope_type=1, vocabulary="1-2", code="EQ-2015-000048-NPL"
    )
    assert_access(scope, personas[persona], action, expected)


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          YES,  YES,   YES),  # A funds it
        ("owner_manager",  YES,  YES,   YES),
        ("owner_viewer",   YES,  NO,    NO),
        ("colleague",      YES,  YES,   YES),  # B reports it
        ("reviewer",       YES,  NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  YES,   YES),
    ),
)  # fmt: skip
def test_editors_of_a_funding_participant_may_change_the_programme(
    personas, actor_a, actor_b, persona, action, expected
):
    funded = factories.programme(reporting_actor=actor_b)
    ProgrammeParticipant.objects.create(programme=funded, actor=actor_a, role=OrganisationRole.FUNDING)
    assert_access(funded, personas[persona], action, expected)


def test_an_implementing_participant_does_not_get_edit_rights(owner, actor_a, actor_b):
    implemented = factories.programme(reporting_actor=actor_b, implementers=[actor_b, actor_a])
    assert_access(implemented, owner, "view", True)
    assert_access(implemented, owner, "change", False)


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          YES,  YES,   YES),  # edits the "from" programme
        ("owner_manager",  YES,  YES,   YES),
        ("owner_viewer",   YES,  NO,    NO),
        ("colleague",      YES,  YES,   YES),  # edits the "to" programme
        ("reviewer",       YES,  NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  YES,   YES),
    ),
)  # fmt: skip
def test_either_side_of_a_programme_link_may_change_it(personas, programme_of_a, actor_b, persona, action, expected):
    link = factories.link(programme_of_a, factories.programme(reporting_actor=actor_b))
    assert_access(link, personas[persona], action, expected)


def test_a_link_between_two_other_programmes_is_read_only_for_the_owner(owner, actor_b):
    link = factories.link(factories.programme(reporting_actor=actor_b), factories.programme(reporting_actor=actor_b))
    assert_access(link, owner, "view", True)
    assert_access(link, owner, "change", False)
