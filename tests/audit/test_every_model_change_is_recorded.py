"""Creating, changing and deleting a row of any audited model writes an entry with the old and new values,
shown on the right record's history (the row itself, or its parent for child rows)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from actors.models import ActorAlias, NotDuplicate, User
from analyses.choices import AnalysisStatus
from coordination.models import Flag
from funding.choices import RequestStatus
from nexus_portal.api.tokens import ApiToken
from nexus_portal.audit.models import AuditEntry
from nexus_portal.audit.registry import AUDITED
from programmes.choices import OrganisationRole
from programmes.models import (
    ProgrammeHumanitarianScope,
    ProgrammeLocation,
    ProgrammeParticipant,
    ProgrammeSector,
)
from reference.models import CodeListItem
from tests import factories
from tests.audit.helpers import last_entry_of

pytestmark = pytest.mark.django_db


def quick_user(**extra) -> User:
    return User.objects.create(username=factories.unique("user"), **extra)


def flag() -> Flag:
    areas = factories.area_tree()
    return Flag.objects.create(
        rule="overlap",
        subject_key=factories.unique("pair"),
        severity="high",
        message="Two programmes may duplicate each other.",
        country=areas["SS"],
        area=areas["SS01"],
    )


def not_duplicate() -> NotDuplicate:
    low, high = sorted([factories.actor(), factories.actor()], key=lambda actor: actor.pk)
    return NotDuplicate.objects.create(actor_low=low, actor_high=high)


@dataclass
class Case:
    build: object  # () -> a saved row
    field: str  # the field the update changes
    new: object  # its new value, or () -> value for foreign keys
    parent: str | None = None  # the field whose target shows the row's history


CASES = {
    "reference.Area": Case(lambda: factories.area(factories.unique("QA")), "name", "Renamed area"),
    "reference.Sector": Case(lambda: factories.sector(factories.unique("9")), "name", "Renamed sector"),
    "reference.CodeListItem": Case(
        lambda: CodeListItem.objects.create(codelist="Currency", code=factories.unique("C"), name="c"), "name", "Krone"
    ),
    "actors.User": Case(quick_user, "is_reviewer", True),
    "actors.Actor": Case(factories.actor, "name", "Renamed actor"),
    "actors.Membership": Case(lambda: factories.member(quick_user(), factories.actor(), "viewer"), "role", "editor"),
    "actors.ActorAlias": Case(
        lambda: ActorAlias.objects.create(actor=factories.actor(), name="NRC", normalised="nrc"),
        "name",
        "N.R.C.",
        parent="actor",
    ),
    "actors.NotDuplicate": Case(not_duplicate, "decided_by", quick_user, parent="actor_low"),
    "nexus_portal.ApiToken": Case(lambda: ApiToken.issue(user=quick_user(), name="NGO db")[0], "read_only", False),
    "programmes.Programme": Case(factories.programme, "title", "Renamed programme"),
    "programmes.ProgrammeParticipant": Case(
        lambda: ProgrammeParticipant.objects.create(
            programme=factories.programme(), actor=factories.actor(), role=OrganisationRole.FUNDING
        ),
        "role",
        OrganisationRole.EXTENDING,
        parent="programme",
    ),
    "programmes.ProgrammeSector": Case(
        lambda: ProgrammeSector.objects.create(programme=factories.programme(), sector=factories.sector()),
        "percentage",
        Decimal("40.5"),
        parent="programme",
    ),
    "programmes.ProgrammeLocation": Case(
        lambda: ProgrammeLocation.objects.create(programme=factories.programme(), area=factories.area_tree()["SS01"]),
        "area",
        lambda: factories.area_tree()["SS02"],
        parent="programme",
    ),
    "programmes.ProgrammeHumanitarianScope": Case(
        lambda: ProgrammeHumanitarianScope.objects.create(
            programme=factories.programme(), scope_type=1, vocabulary="1-2", code="EQ-2015-000048-NPL"
        ),
        "narrative",
        "Nepal earthquake",
        parent="programme",
    ),
    "programmes.ProgrammeLink": Case(
        lambda: factories.link(factories.programme(), factories.programme()), "note", "Same camp", "from_programme"
    ),
    "coordination.SharedGoal": Case(factories.goal, "title", "Renamed goal"),
    "coordination.GoalCommitment": Case(
        lambda: factories.commitment(factories.goal(), factories.actor()), "commitment_text", "We fund wells", "goal"
    ),
    "coordination.Contribution": Case(
        lambda: factories.contribution(factories.programme(), factories.goal()), "description", "Wells", "goal"
    ),
    "coordination.GoalProgress": Case(lambda: factories.progress(factories.goal()), "value", Decimal("175"), "goal"),
    "coordination.Flag": Case(flag, "status", "acknowledged"),
    "analyses.Analysis": Case(lambda: factories.analysis(authors=[factories.actor()]), "status", AnalysisStatus.DRAFT),
    "analyses.ContextEvent": Case(lambda: factories.event(factories.area_tree()["SS01"]), "description", "Clashes"),
    "funding.FundingAgreement": Case(
        lambda: factories.agreement(donor=factories.actor(), recipient=factories.actor()), "amount", Decimal("2000")
    ),
    "funding.Tranche": Case(
        lambda: factories.tranche(
            factories.agreement(donor=factories.actor(), recipient=factories.actor()), 2024, Decimal("10")
        ),
        "amount",
        Decimal("12.5"),
        parent="agreement",
    ),
    "funding.FundingRequest": Case(
        lambda: factories.funding_request(applicant=factories.actor(), submitted_to=factories.actor()),
        "status",
        RequestStatus.DECLINED,
    ),
}


def test_every_audited_model_has_a_case():
    assert set(CASES) == set(AUDITED)


def record_of(obj, case: Case) -> tuple[int, int]:
    target = getattr(obj, case.parent) if case.parent else obj
    return ContentType.objects.get_for_model(type(target)).pk, target.pk


def as_recorded(value):
    if hasattr(value, "pk"):
        return {"id": value.pk, "repr": str(value)}
    if isinstance(value, Decimal):
        return Decimal(value)
    return value


def normalised(change):
    """Decimals come back as text ("40.50" or "40.5"): compare them as numbers."""
    return [Decimal(v) if isinstance(v, str) and v.replace(".", "", 1).isdigit() else v for v in change]


@pytest.mark.parametrize("label", sorted(CASES))
def test_creating_a_row_records_its_values_on_its_record(label):
    case = CASES[label]

    obj = case.build()

    entry = last_entry_of(obj, action="create")
    assert entry.interface == "system" and entry.user is None
    assert (entry.record_type_id, entry.record_id) == record_of(obj, case)
    assert entry.object_repr
    assert all(isinstance(change, list | dict) for change in entry.changes.values())
    assert entry.changes, "a new row's values are recorded"


@pytest.mark.parametrize("label", sorted(CASES))
def test_changing_a_row_records_the_old_and_the_new_value(label):
    case = CASES[label]
    obj = case.build()
    model_field = type(obj)._meta.get_field(case.field)
    old = getattr(obj, case.field)
    new = case.new() if callable(case.new) else case.new
    before = AuditEntry.objects.count()

    setattr(obj, case.field, new)
    obj.save()

    assert AuditEntry.objects.count() == before + 1
    entry = last_entry_of(obj, action="update")
    assert set(entry.changes) == {case.field}
    expected = [as_recorded(old), as_recorded(new)]
    if model_field.is_relation and old is None:
        expected = [None, as_recorded(new)]
    assert normalised(entry.changes[case.field]) == normalised(expected)
    assert (entry.record_type_id, entry.record_id) == record_of(obj, case)


@pytest.mark.parametrize("label", sorted(label for label, config in AUDITED.items() if config.deletes))
def test_deleting_a_row_records_what_it_was(label):
    case = CASES[label]
    obj = case.build()
    pk, record = obj.pk, record_of(obj, case)
    model = type(obj)

    obj.delete()

    content_type = ContentType.objects.get_for_model(model)
    entry = AuditEntry.objects.get(content_type=content_type, object_id=pk, action="delete")
    assert (entry.record_type_id, entry.record_id) == record
    assert all(new is None for _, new in (c for c in entry.changes.values() if isinstance(c, list)))


def test_saving_without_a_recorded_change_writes_nothing():
    programme = factories.programme()
    before = AuditEntry.objects.count()

    programme.save()  # only "updated at" moves

    assert AuditEntry.objects.count() == before


def test_a_foreign_key_change_records_both_records_by_id_and_name():
    first, second = factories.actor("First donor"), factories.actor("Second donor")
    programme = factories.programme(reporting_actor=first)

    programme.reporting_actor = second
    programme.save()

    change = last_entry_of(programme, action="update").changes["reporting_actor"]
    assert change == [{"id": first.pk, "repr": "First donor"}, {"id": second.pk, "repr": "Second donor"}]


def test_dates_are_recorded_as_iso_text():
    goal = factories.goal()
    old = goal.horizon_end

    goal.horizon_end = old + timedelta(days=31)
    goal.save(update_fields=["horizon_end"])

    assert last_entry_of(goal, action="update").changes == {
        "horizon_end": [old.isoformat(), (old + timedelta(days=31)).isoformat()]
    }


def test_update_fields_limit_what_is_read_and_recorded():
    goal = factories.goal(title="Water")
    goal.title, goal.indicator = "Water and sanitation", "not saved"

    goal.save(update_fields=["title"])

    assert last_entry_of(goal, action="update").changes == {"title": ["Water", "Water and sanitation"]}


def test_a_child_moved_to_another_parent_shows_on_both_histories():
    old_goal, new_goal = factories.goal(), factories.goal()
    progress = factories.progress(old_goal, on=date.today() - timedelta(days=3))

    progress.goal = new_goal
    progress.save()

    update = AuditEntry.objects.filter(action="update", object_id=progress.pk)
    assert {entry.record_id for entry in update} == {old_goal.pk, new_goal.pk}


def test_flags_keep_djangos_fast_bulk_delete():
    from django.db.models.signals import post_delete, pre_delete

    assert not post_delete.has_listeners(Flag) and not pre_delete.has_listeners(Flag)


def test_a_foreign_key_set_to_a_lazy_request_user_is_recorded_by_name(owner):
    from django.utils.functional import SimpleLazyObject

    goal = factories.goal()
    progress = factories.progress(goal)

    progress.reported_by = SimpleLazyObject(lambda: owner)  # what a view assigns from request.user
    progress.save()

    assert last_entry_of(progress, action="update").changes == {
        "reported_by": [None, {"id": owner.pk, "repr": "owner"}]
    }


def test_deleting_rows_that_point_at_each_other_in_one_go_records_each(actor_a):
    from analyses.models import Analysis

    old = factories.analysis(authors=[actor_a])
    new = factories.analysis(authors=[actor_a], supersedes=old)

    Analysis.objects.filter(pk__in=[old.pk, new.pk]).delete()

    deleted = AuditEntry.objects.filter(content_type__model="analysis", action="delete")
    assert {entry.object_id for entry in deleted} == {old.pk, new.pk}
