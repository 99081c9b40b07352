"""A merge moves every reference to the duplicate onto the kept actor, counts it, and deletes the duplicate."""

import pytest

from actors.merge import actor_merge, merge_plan, relations
from actors.models import Actor, ActorMerge, Membership, NotDuplicate
from analyses.models import ContextEvent
from coordination.models import DirtyCountry, Flag
from funding.models import FundingRequest, FundingRequestEvent
from tests import factories
from tests.actors.builders import every_reference_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep():
    return factories.actor("Norwegian Refugee Council", acronym="NRC")


@pytest.fixture
def duplicate():
    return factories.actor("NRC Norway")


@pytest.fixture
def admin():
    return factories.user(superuser=True)


def test_the_fixture_builds_a_reference_for_every_relation_to_actor(duplicate):
    references = every_reference_to(duplicate)
    labels = {relation.label for relation in relations()} - {"actors.NotDuplicate.actor_high"}
    missing = labels - set(references)
    assert not missing, f"add a reference of these kinds to tests/actors/builders.py: {sorted(missing)}"


def test_the_dry_run_counts_are_exactly_what_the_merge_moves(keep, duplicate, admin):
    every_reference_to(duplicate)
    plan = merge_plan(keep=keep, duplicate=duplicate)

    record = actor_merge(user=admin, keep=keep, duplicate=duplicate)

    assert plan.refusals == []
    assert record.moved == plan.moved
    assert record.merged_snapshot["combined_counts"] == plan.combined


def test_every_kind_of_reference_ends_on_the_kept_actor(keep, duplicate, admin):
    refs = every_reference_to(duplicate)
    duplicate_pk = duplicate.pk

    record = actor_merge(user=admin, keep=keep, duplicate=duplicate)

    assert not Actor.objects.filter(pk=duplicate_pk).exists()
    expected = {label: 1 for label in refs if label not in ("other",)}
    expected["actors.NotDuplicate.actor_low"] = 1
    assert record.moved == expected
    refs["actors.Actor.parent"].refresh_from_db()
    assert refs["actors.Actor.parent"].parent == keep
    assert Membership.objects.get(pk=refs["actors.Membership.actor"].pk).actor == keep
    assert set(keep.aliases.values_list("name", flat=True)) == {"Old Name", "NRC Norway"}
    assert ActorMerge.objects.get(pk=refs["actors.ActorMerge.kept"].pk).kept == keep
    decision = NotDuplicate.objects.get()
    assert {decision.actor_low_id, decision.actor_high_id} == {keep.pk, refs["other"].pk}
    for label in ("programmes.Programme.reporting_actor", "programmes.Programme.handover_actor"):
        refs[label].refresh_from_db()
    assert refs["programmes.Programme.reporting_actor"].reporting_actor == keep
    assert refs["programmes.Programme.handover_actor"].handover_actor == keep
    refs["programmes.ProgrammeParticipant.actor"].refresh_from_db()
    assert refs["programmes.ProgrammeParticipant.actor"].actor == keep
    refs["coordination.SharedGoal.convening_actor"].refresh_from_db()
    assert refs["coordination.SharedGoal.convening_actor"].convening_actor == keep
    refs["coordination.GoalCommitment.actor"].refresh_from_db()
    assert refs["coordination.GoalCommitment.actor"].actor == keep
    flag = Flag.objects.get(pk=refs["coordination.Flag.subject"].pk)
    assert (flag.assigned_to, flag.subject, list(flag.responsible_actors.all())) == (keep, keep, [keep])
    analysis = refs["analyses.Analysis.author_actors"]
    assert list(analysis.author_actors.all()) == [keep]
    assert list(analysis.shared_with_actors.all()) == [keep]
    assert ContextEvent.objects.get(pk=refs["analyses.ContextEvent.recorded_by"].pk).recorded_by == keep
    refs["funding.FundingAgreement.donor"].refresh_from_db()
    refs["funding.FundingAgreement.recipient"].refresh_from_db()
    assert refs["funding.FundingAgreement.donor"].donor == keep
    assert refs["funding.FundingAgreement.recipient"].recipient == keep
    request = FundingRequest.objects.get(pk=refs["funding.FundingRequest.applicant"].pk)
    assert (request.applicant, request.submitted_to, request.redirected_to) == (keep, keep, keep)
    event = FundingRequestEvent.objects.get(pk=refs["funding.FundingRequestEvent.unit"].pk)
    assert (event.unit, event.redirected_to) == (keep, keep)
    assert [area.pcode for area in keep.countries.all()] == ["SS"]


def test_the_history_keeps_a_snapshot_of_the_deleted_actor(keep, duplicate, admin):
    refs = every_reference_to(duplicate)
    duplicate_pk = duplicate.pk

    record = actor_merge(user=admin, keep=keep, duplicate=duplicate)

    assert (record.kept, record.merged_pk, record.merged_name, record.merged_by) == (
        keep,
        duplicate_pk,
        "NRC Norway",
        admin,
    )
    snapshot = record.merged_snapshot
    assert snapshot["name"] == "NRC Norway"
    assert snapshot["countries"] == [refs["actors.Actor.countries"].pk]
    assert snapshot["memberships"] == [{"user": refs["actors.Membership.actor"].user_id, "role": "viewer"}]
    assert snapshot["references"]["programmes.Programme.reporting_actor"] == [
        refs["programmes.Programme.reporting_actor"].pk
    ]
    assert snapshot["aliases_added"] == ["NRC Norway"]


def test_the_countries_both_actors_touch_are_marked_for_a_flag_recheck(keep, duplicate, admin):
    every_reference_to(duplicate)
    DirtyCountry.objects.all().delete()

    actor_merge(user=admin, keep=keep, duplicate=duplicate)

    assert {"SS", ""} <= set(DirtyCountry.objects.values_list("country_code", flat=True))


def test_countries_and_mandates_are_combined_and_empty_fields_filled(admin):
    areas = factories.area_tree()
    keep = factories.actor("Hope Sudan", mandate_humanitarian=True)
    keep.countries.add(areas["SS"])
    parent = factories.actor("Hope International")
    duplicate = factories.actor(
        "Hope Sudan Org",
        acronym="HS",
        iati_identifier="SS-REG-12",
        iati_org_type="22",
        mandate_peace=True,
        parent=parent,
    )
    duplicate.countries.add(areas["SS"], areas["KE"])

    record = actor_merge(user=admin, keep=keep, duplicate=duplicate)

    keep.refresh_from_db()
    assert (keep.acronym, keep.iati_identifier, keep.iati_org_type, keep.parent) == ("HS", "SS-REG-12", "22", parent)
    assert (keep.mandate_humanitarian, keep.mandate_development, keep.mandate_peace) == (True, False, True)
    assert sorted(keep.countries.values_list("pcode", flat=True)) == ["KE", "SS"]
    assert record.moved["actors.Actor.countries"] == 1
    assert record.merged_snapshot["combined_counts"]["actors.Actor.countries"] == 1
    assert set(record.merged_snapshot["filled"]) == {
        "acronym",
        "iati_identifier",
        "iati_org_type",
        "parent",
        "mandate_peace",
    }


def test_the_kept_actors_own_values_win_over_the_duplicates(admin):
    keep = factories.actor("Plan Norway", acronym="PN", iati_identifier="NO-BRC-1", kind="norwegian_ngo")
    duplicate = factories.actor("Plan Norge", acronym="PLAN", iati_identifier="NO-BRC-2", kind="international_ngo")

    actor_merge(user=admin, keep=keep, duplicate=duplicate)

    keep.refresh_from_db()
    assert (keep.name, keep.acronym, keep.iati_identifier, keep.kind) == (
        "Plan Norway",
        "PN",
        "NO-BRC-1",
        "norwegian_ngo",
    )
    assert set(keep.aliases.values_list("name", flat=True)) == {"Plan Norge", "PLAN", "NO-BRC-2"}


def test_a_reference_left_behind_stops_the_delete_instead_of_losing_it(duplicate):
    from actors.merge import _check_nothing_left

    factories.member(factories.user(), duplicate)  # memberships would be deleted with the actor (CASCADE)

    with pytest.raises(RuntimeError, match=r"actors\.Membership\.actor"):
        _check_nothing_left(duplicate)
