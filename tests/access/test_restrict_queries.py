"""restrict() stays cheap: a user's memberships are looked up once per role and user object,
and a list never repeats a row when the user matches several conditions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.choices import MembershipRole
from analyses.models import Analysis
from coordination.choices import CommitmentRole, Severity
from coordination.models import Contribution, Flag, GoalCommitment, SharedGoal
from funding.models import FundingAgreement, FundingRequest
from programmes.choices import OrganisationRole
from programmes.models import Programme, ProgrammeLink, ProgrammeParticipant
from tests import factories
from tests.access.matrix import add_member


def test_viewing_programmes_needs_no_membership_lookup(owner, actor_a, django_assert_num_queries):
    factories.programme(reporting_actor=actor_a)
    with django_assert_num_queries(1):  # the programme list itself
        assert len(Programme.objects.restrict(owner)) == 1


def test_changing_programmes_looks_up_memberships_once_per_user(owner, actor_a, django_assert_num_queries):
    for _ in range(3):
        factories.programme(reporting_actor=actor_a)
    with django_assert_num_queries(2):  # 1. owner's editor-or-better actor ids, 2. the programme list
        assert len(Programme.objects.restrict(owner, "change")) == 3
    with django_assert_num_queries(1):  # ids cached on the user object: only the list
        assert len(Programme.objects.restrict(owner, "change")) == 3


def test_the_query_count_does_not_grow_with_the_number_of_memberships(owner, django_assert_num_queries):
    for _ in range(10):
        actor = factories.actor()
        add_member(owner, actor, MembershipRole.EDITOR)
        factories.programme(reporting_actor=actor)
    with django_assert_num_queries(2):
        assert len(Programme.objects.restrict(owner, "change")) == 10


def test_one_membership_lookup_serves_every_model(owner, actor_a, django_assert_num_queries):
    with CaptureQueriesContext(connection) as first:
        list(Flag.objects.restrict(owner))
        list(FundingAgreement.objects.restrict(owner))
        list(FundingRequest.objects.restrict(owner))
        list(Analysis.objects.restrict(owner))
    membership_lookups = [q for q in first.captured_queries if "actors_membership" in q["sql"].split("WHERE")[0]]
    assert len(membership_lookups) == 1, "\n".join(q["sql"] for q in first.captured_queries)


@pytest.fixture
def owner_of_a_and_b(owner, actor_b):
    """The owner also edits actor B, so many objects match them through two conditions."""
    add_member(owner, actor_b, MembershipRole.EDITOR)
    return owner


def assert_listed_once(queryset_for, obj):
    for action in ("view", "change"):
        rows = list(queryset_for(action))
        assert rows == [obj], f"{type(obj).__name__} {action}: {rows}"


def test_a_programme_funded_and_reported_by_the_users_actors_is_listed_once(owner_of_a_and_b, actor_a, actor_b):
    programme = factories.programme(reporting_actor=actor_a, implementers=[actor_a, actor_b])
    for funder in (actor_a, actor_b):
        ProgrammeParticipant.objects.create(programme=programme, actor=funder, role=OrganisationRole.FUNDING)
    assert_listed_once(lambda action: Programme.objects.restrict(owner_of_a_and_b, action), programme)


def test_a_link_between_two_own_programmes_is_listed_once(owner_of_a_and_b, actor_a, actor_b):
    link = factories.link(factories.programme(reporting_actor=actor_a), factories.programme(reporting_actor=actor_b))
    assert_listed_once(lambda action: ProgrammeLink.objects.restrict(owner_of_a_and_b, action), link)


def test_goal_rows_matching_several_rules_are_listed_once(owner_of_a_and_b, actor_a, actor_b):
    goal = factories.goal(convening_actor=actor_a)
    commitment = factories.commitment(goal, actor_b, role=CommitmentRole.LEAD)
    contribution = factories.contribution(factories.programme(reporting_actor=actor_b), goal)
    user = owner_of_a_and_b
    assert_listed_once(lambda action: SharedGoal.objects.restrict(user, action), goal)
    assert_listed_once(lambda action: GoalCommitment.objects.restrict(user, action), commitment)
    assert_listed_once(lambda action: Contribution.objects.restrict(user, action), contribution)


def test_a_flag_for_two_of_the_users_actors_is_listed_once(owner_of_a_and_b, actor_a, actor_b):
    flag = Flag.objects.create(rule="overlap", subject_key="x", severity=Severity.HIGH, message="Overlap")
    flag.responsible_actors.set([actor_a, actor_b])
    assert_listed_once(lambda action: Flag.objects.restrict(owner_of_a_and_b, action), flag)


def test_funding_between_two_of_the_users_actors_is_listed_once(owner_of_a_and_b, actor_a, actor_b):
    agreement = factories.agreement(donor=actor_a, recipient=actor_b)
    request = factories.funding_request(applicant=actor_a, submitted_to=actor_b)
    assert_listed_once(lambda action: FundingAgreement.objects.restrict(owner_of_a_and_b, action), agreement)
    assert_listed_once(lambda action: FundingRequest.objects.restrict(owner_of_a_and_b, action), request)


def test_a_membership_seen_as_own_row_and_as_manager_is_listed_once(owner_manager, actor_a):
    from actors.models import Membership

    own = Membership.objects.get(user=owner_manager)
    assert list(Membership.objects.restrict(owner_manager).filter(user=owner_manager)) == [own]
