"""Changes to a record's child rows and many-to-many sets appear on the record's own history: the
participants, sectors and locations a programme service replaces in bulk, an agreement's tranches,
a goal's commitments, an analysis's scope."""

from datetime import date
from decimal import Decimal

import pytest

from coordination.services_goals import goal_create
from funding.choices import TrancheKind
from funding.services import TrancheData, agreement_save
from nexus_portal.audit.models import AuditEntry
from programmes.choices import OrganisationRole
from programmes.models import ProgrammeLocation
from programmes.services import programme_update
from tests import factories
from tests.audit.helpers import history_of

pytestmark = pytest.mark.django_db
IMPLEMENTING, FUNDING = OrganisationRole.IMPLEMENTING, OrganisationRole.FUNDING


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def water():
    return factories.sector("14030", name="Basic drinking water supply")


@pytest.fixture
def programme(actor_a, areas, water):
    return factories.programme(reporting_actor=actor_a, title="Water", locations=[areas["SS0101"]], sectors=[water])


def update(programme, user, *, participants, sectors, locations, **fields):
    return programme_update(
        user=user, programme=programme, fields=fields, participants=participants, sectors=sectors, locations=locations
    )


def test_replacing_participants_sectors_and_locations_records_one_summary_each_on_the_programme(
    owner, actor_a, actor_b, programme, areas, water
):
    sanitation = factories.sector("14031", name="Basic sanitation")
    before = AuditEntry.objects.count()

    update(
        programme,
        owner,
        participants=[(actor_a, IMPLEMENTING), (actor_b, FUNDING)],
        sectors=[(water, Decimal(60)), (sanitation, Decimal(40))],
        locations=[areas["SS0102"]],
    )

    new = list(AuditEntry.objects.order_by("pk")[before:])
    assert {(e.content_type.model, e.record_id) for e in new} == {("programme", programme.pk)}
    changes = {key: value for entry in new for key, value in entry.changes.items()}
    assert changes["participations"] == {"added": ["Actor B (Funding)"]}
    assert changes["location_links"] == {"added": ["Kajo-Keji (SS0102)"], "removed": ["Juba (SS0101)"]}
    assert changes["sector_shares"] == {
        "added": ["14030 Basic drinking water supply 60.00%", "14031 Basic sanitation 40.00%"],
        "removed": ["14030 Basic drinking water supply 100.00%"],
    }


def test_saving_the_same_children_again_records_nothing(owner, actor_a, programme, areas, water):
    before = AuditEntry.objects.count()

    update(
        programme,
        owner,
        participants=[(actor_a, IMPLEMENTING)],
        sectors=[(water, Decimal(100))],
        locations=[areas["SS0101"]],
    )

    assert AuditEntry.objects.count() == before


def test_a_programme_edit_shows_as_one_change_of_its_fields_and_children(
    owner, actor_a, actor_b, programme, areas, water
):
    update(
        programme,
        owner,
        participants=[(actor_b, IMPLEMENTING)],
        sectors=[(water, Decimal(100))],
        locations=[areas["SS0101"]],
        title="Water and sanitation",
    )

    latest = history_of(programme)[-2:]
    assert [set(entry.changes) for entry in latest] == [{"title"}, {"participations"}]
    assert latest[1].changes["participations"] == {
        "added": ["Actor B (Implementing)"],
        "removed": ["Actor A (Implementing)"],
    }


def test_adding_locations_through_the_many_to_many_records_them_on_the_programme(areas):
    programme = factories.programme()

    programme.locations.add(areas["SS02"], areas["KE"])

    entry = history_of(programme)[-1]
    assert entry.changes == {"location_links": {"added": ["Eastern Equatoria (SS02)", "Kenya (KE)"]}}


def test_removing_a_location_through_the_many_to_many_records_the_row_on_the_programme(programme, areas):
    programme.locations.remove(areas["SS0101"])

    entry = history_of(programme)[-1]
    assert (entry.action, entry.content_type.model, entry.object_repr) == (
        "delete",
        "programmelocation",
        "Juba (SS0101)",
    )
    assert not ProgrammeLocation.objects.filter(programme=programme).exists()


def test_replacing_an_agreements_tranches_records_one_summary_on_the_agreement(owner, actor_a, actor_b):
    agreement = agreement_save(
        user=owner,
        tranches=[TrancheData(year=2024, amount=Decimal(100), kind=TrancheKind.PLANNED)],
        reference="NOR-1",
        donor=actor_a,
        recipient=actor_b,
        stream="humanitarian",
        start_date=date(2024, 1, 1),
        end_date=date(2025, 12, 31),
        amount=Decimal(200),
    )

    agreement_save(
        user=owner,
        agreement=agreement,
        tranches=[
            TrancheData(year=2024, amount=Decimal(100), kind=TrancheKind.PLANNED),
            TrancheData(year=2025, amount=Decimal(100), kind=TrancheKind.PLANNED),
        ],
    )

    tranche_changes = [e.changes["tranches"] for e in history_of(agreement) if "tranches" in e.changes]
    assert tranche_changes == [{"added": ["2024: 100.00 (Planned)"]}, {"added": ["2025: 100.00 (Planned)"]}]
    assert not AuditEntry.objects.filter(content_type__model="tranche").exists()  # no per-row entries


def test_a_commitment_answered_on_its_own_shows_on_the_goals_history(actor_a, actor_b):
    goal = factories.goal(convening_actor=actor_a)
    commitment = factories.commitment(goal, actor_b, status="invited")

    commitment.status = "accepted"
    commitment.save()

    entry = history_of(goal)[-1]
    assert (entry.content_type.model, entry.object_id) == ("goalcommitment", commitment.pk)
    assert entry.changes == {"status": ["invited", "accepted"]}


def test_many_to_many_changes_record_what_was_added_and_removed(owner, actor_a, areas):
    goal = goal_create(
        user=owner,
        title="Safe water",
        convening_actor=actor_a,
        horizon_start=date(2025, 1, 1),
        horizon_end=date(2028, 1, 1),
        areas=[areas["SS01"]],
    )

    goal.areas.set([areas["SS02"]])

    m2m = [e.changes["areas"] for e in history_of(goal) if "areas" in e.changes]
    assert m2m[0] == {"added": [{"id": areas["SS01"].pk, "repr": "Central Equatoria (SS01)"}]}
    assert {"removed": [{"id": areas["SS01"].pk, "repr": "Central Equatoria (SS01)"}]} in m2m[1:]
    assert {"added": [{"id": areas["SS02"].pk, "repr": "Eastern Equatoria (SS02)"}]} in m2m[1:]


def test_clearing_a_many_to_many_records_every_removed_row(areas):
    analysis = factories.analysis(authors=[factories.actor()], scope=[areas["SS01"], areas["KE"]])

    analysis.scope_areas.clear()

    entry = history_of(analysis)[-1]
    assert [item["repr"] for item in entry.changes["scope_areas"]["removed"]] == [
        "Central Equatoria (SS01)",
        "Kenya (KE)",
    ]


def test_a_change_from_the_other_side_of_a_many_to_many_shows_on_the_owner(areas):
    goal = factories.goal()

    areas["KE"].shared_goals.add(goal)

    entry = history_of(goal)[-1]
    assert entry.changes == {"areas": {"added": [{"id": areas["KE"].pk, "repr": "Kenya (KE)"}]}}
