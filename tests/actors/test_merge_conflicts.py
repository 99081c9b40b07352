"""Unique constraints and loops are resolved or refused as designed, never left to crash the merge."""

import pytest
from django.core.exceptions import ValidationError

from actors.choices import MembershipRole
from actors.matching import find_actor
from actors.merge import actor_merge, merge_plan
from actors.models import Actor, ActorMerge, Membership, NotDuplicate
from coordination.models import GoalCommitment
from funding.models import FundingAgreement
from programmes.choices import OrganisationRole
from programmes.models import ProgrammeParticipant
from tests import factories
from tests.actors.builders import alias, not_duplicate

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return factories.user(superuser=True)


@pytest.fixture
def keep():
    return factories.actor("Norwegian Refugee Council", acronym="NRC")


@pytest.fixture
def duplicate():
    return factories.actor("Norwegian Refugee Council Oslo")


def test_a_user_in_both_actors_keeps_one_membership_with_the_higher_role(admin, keep, duplicate):
    both, only_duplicate, lower_there = factories.user(), factories.user(), factories.user()
    factories.member(both, keep, MembershipRole.VIEWER)
    factories.member(both, duplicate, MembershipRole.MANAGER)
    factories.member(lower_there, keep, MembershipRole.EDITOR)
    factories.member(lower_there, duplicate, MembershipRole.VIEWER)
    factories.member(only_duplicate, duplicate, MembershipRole.EDITOR)

    record = actor_merge(user=admin, keep=keep, duplicate=duplicate)

    roles = dict(Membership.objects.filter(actor=keep).values_list("user__username", "role"))
    assert roles == {both.username: "manager", lower_there.username: "editor", only_duplicate.username: "editor"}
    assert record.moved["actors.Membership.actor"] == 1
    assert record.merged_snapshot["combined_counts"]["actors.Membership.actor"] == 2


def test_a_participant_role_already_held_by_the_kept_actor_is_dropped(admin, keep, duplicate):
    programme = factories.programme(reporting_actor=keep, implementers=[keep, duplicate])
    ProgrammeParticipant.objects.create(programme=programme, actor=duplicate, role=OrganisationRole.FUNDING)

    record = actor_merge(user=admin, keep=keep, duplicate=duplicate)

    roles = sorted(programme.participations.values_list("actor_id", "role"))
    assert roles == [(keep.pk, OrganisationRole.FUNDING), (keep.pk, OrganisationRole.IMPLEMENTING)]
    assert record.moved["programmes.ProgrammeParticipant.actor"] == 1
    assert record.merged_snapshot["combined_counts"]["programmes.ProgrammeParticipant.actor"] == 1
    dropped = record.merged_snapshot["combined"]["programmes.ProgrammeParticipant.actor"]
    assert [(row["programme"], row["role"]) for row in dropped] == [(programme.pk, OrganisationRole.IMPLEMENTING)]


def test_two_commitments_to_one_goal_become_the_stronger_one(admin, keep, duplicate):
    goal = factories.goal()
    factories.commitment(goal, keep, status="invited", role="contributor")
    factories.commitment(goal, duplicate, status="accepted", role="lead", commitment_text="We lead water.")
    other_goal = factories.goal()
    factories.commitment(other_goal, keep, status="accepted", role="contributor")
    factories.commitment(other_goal, duplicate, status="invited", commitment_text="Text from the copy.")

    actor_merge(user=admin, keep=keep, duplicate=duplicate)

    first = GoalCommitment.objects.get(goal=goal)
    second = GoalCommitment.objects.get(goal=other_goal)
    assert (first.actor, first.status, first.role, first.commitment_text) == (
        keep,
        "accepted",
        "lead",
        "We lead water.",
    )
    assert (second.actor, second.status, second.commitment_text) == (keep, "accepted", "Text from the copy.")


def test_agreements_with_the_same_reference_refuse_the_merge_naming_them(admin, keep, duplicate):
    recipient = factories.actor()
    factories.agreement(donor=keep, recipient=recipient, reference="QZA-21/0001")
    factories.agreement(donor=duplicate, recipient=recipient, reference="QZA-21/0001")
    factories.agreement(donor=duplicate, recipient=recipient, reference="QZA-21/0002")

    with pytest.raises(ValidationError) as refused:
        actor_merge(user=admin, keep=keep, duplicate=duplicate)

    assert "QZA-21/0001" in refused.value.messages[0]
    assert "QZA-21/0002" not in refused.value.messages[0]
    assert Actor.objects.filter(pk=duplicate.pk).exists()
    assert FundingAgreement.objects.filter(donor=duplicate).count() == 2
    assert not ActorMerge.objects.exists()


def test_an_agreement_between_the_two_actors_refuses_the_merge(admin, keep, duplicate):
    factories.agreement(donor=duplicate, recipient=keep, reference="SELF-1")

    plan = merge_plan(keep=keep, duplicate=duplicate)

    assert len(plan.refusals) == 1
    assert "SELF-1" in plan.refusals[0]
    with pytest.raises(ValidationError):
        actor_merge(user=admin, keep=keep, duplicate=duplicate)
    assert Actor.objects.filter(pk=duplicate.pk).exists()


def test_a_programme_handed_over_from_one_to_the_other_refuses_the_merge(admin, keep, duplicate):
    factories.programme(reporting_actor=duplicate, handover_actor=keep, title="Water in Juba")

    plan = merge_plan(keep=keep, duplicate=duplicate)

    assert any("Water in Juba" in refusal for refusal in plan.refusals)


def test_an_actor_cannot_be_merged_into_itself(admin, keep):
    with pytest.raises(ValidationError, match="into itself"):
        actor_merge(user=admin, keep=keep, duplicate=keep)
    assert Actor.objects.filter(pk=keep.pk).exists()


def test_a_parent_cannot_be_merged_into_its_own_descendant(admin):
    headquarters = factories.actor("Headquarters")
    region = factories.actor("Region", parent=headquarters)
    office = factories.actor("Office", parent=region)

    with pytest.raises(ValidationError, match="loop"):
        actor_merge(user=admin, keep=office, duplicate=headquarters)

    actor_merge(user=admin, keep=headquarters, duplicate=office)  # the other way round is fine
    assert not Actor.objects.filter(pk=office.pk).exists()


def test_a_child_merged_into_its_parent_hands_over_its_own_children(admin):
    headquarters = factories.actor("Headquarters")
    office = factories.actor("Office", parent=headquarters)
    sub_office = factories.actor("Sub-office", parent=office)

    actor_merge(user=admin, keep=headquarters, duplicate=office)

    sub_office.refresh_from_db()
    headquarters.refresh_from_db()
    assert sub_office.parent == headquarters
    assert headquarters.parent is None


def test_the_duplicates_identifier_moves_to_a_kept_actor_without_one(admin, keep):
    duplicate = factories.actor("NRC import", iati_identifier="NO-BRC-977538319")

    actor_merge(user=admin, keep=keep, duplicate=duplicate)

    keep.refresh_from_db()
    assert keep.iati_identifier == "NO-BRC-977538319"
    assert find_actor(identifier="no-brc-977538319") == keep


def test_a_differing_identifier_stays_findable_through_an_alias(admin):
    keep = factories.actor("CARE Norway", iati_identifier="NO-BRC-1")
    duplicate = factories.actor("CARE Norge", iati_identifier="NO-BRC-2")

    actor_merge(user=admin, keep=keep, duplicate=duplicate)

    assert find_actor(identifier="NO-BRC-2") == keep
    assert find_actor(identifier="NO-BRC-1") == keep


def test_imports_find_the_kept_actor_by_the_old_name_and_acronym(admin, keep):
    duplicate = factories.actor("Flyktninghjelpen", acronym="FH")
    assert find_actor(name="Flyktninghjelpen") == duplicate

    actor_merge(user=admin, keep=keep, duplicate=duplicate)

    assert find_actor(name="Flyktninghjelpen") == keep
    assert find_actor(name="FLYKTNINGHJELPEN") == keep
    assert find_actor(name="FH") == keep
    assert set(keep.aliases.values_list("source", flat=True)) == {"merge"}


def test_an_alias_both_actors_have_is_kept_once(admin, keep, duplicate):
    alias(keep, "Flyktninghjelpen")
    alias(duplicate, "FLYKTNINGHJELPEN")

    record = actor_merge(user=admin, keep=keep, duplicate=duplicate)

    assert list(keep.aliases.values_list("normalised", flat=True).order_by("normalised")) == [
        "flyktninghjelpen",
        "norwegian refugee council oslo",
    ]
    assert record.merged_snapshot["combined_counts"]["actors.ActorAlias.actor"] == 1


def test_not_duplicate_decisions_follow_the_kept_actor(admin, keep, duplicate):
    third, fourth = factories.actor("Third"), factories.actor("Fourth")
    not_duplicate(keep, duplicate)
    not_duplicate(duplicate, third)
    not_duplicate(duplicate, fourth)
    not_duplicate(keep, fourth)

    actor_merge(user=admin, keep=keep, duplicate=duplicate)

    pairs = set(NotDuplicate.objects.values_list("actor_low", "actor_high"))
    assert pairs == {NotDuplicate.ordered(keep.pk, third.pk), NotDuplicate.ordered(keep.pk, fourth.pk)}


def test_a_merge_of_an_actor_deleted_meanwhile_is_refused(admin, keep, duplicate):
    stale = Actor.objects.get(pk=duplicate.pk)
    actor_merge(user=admin, keep=keep, duplicate=duplicate)

    with pytest.raises(ValidationError, match="no longer exists"):
        actor_merge(user=admin, keep=keep, duplicate=stale)
