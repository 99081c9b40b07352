"""The goal services check rights on the object themselves: a caller that skipped the form's narrowed
choices still cannot write what the user may not change."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coordination import services_goals as services
from coordination.choices import CommitmentRole, CommitmentStatus
from coordination.models import GoalCommitment, SharedGoal
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal_of_a(actor_a):
    return factories.goal(convening_actor=actor_a, areas=[factories.area_tree()["SS01"]])


def new_goal(user, actor, **extra):
    today = date.today()
    fields = {
        "title": "Safe water",
        "areas": [factories.area_tree()["SS0101"]],
        "horizon_start": today,
        "horizon_end": today + timedelta(days=4 * 365),
        "pillars": ["H", "D"],
    }
    fields.update(extra)
    return services.goal_create(user=user, convening_actor=actor, **fields)


def test_goal_create_stores_pillars_and_areas(owner, actor_a):
    goal = new_goal(owner, actor_a, pillars=["P"])
    assert (goal.pillar_h, goal.pillar_d, goal.pillar_p) == (False, False, True)
    assert [area.pcode for area in goal.areas.all()] == ["SS0101"]


def test_goal_create_refuses_an_actor_the_user_does_not_edit(colleague, owner_viewer, actor_a):
    for user in (colleague, owner_viewer):
        with pytest.raises(PermissionDenied):
            new_goal(user, actor_a)
    assert not SharedGoal.objects.exists()


def test_goal_create_validates_the_model(owner, actor_a):
    with pytest.raises(ValidationError) as error:
        new_goal(owner, actor_a, baseline_value=Decimal("5"))  # a value without its date
    assert "baseline_date" in error.value.message_dict
    assert not SharedGoal.objects.exists()


def test_goal_update_does_not_hand_the_goal_to_an_actor_the_user_does_not_edit(owner, goal_of_a, actor_b):
    goal_of_a.convening_actor = actor_b  # as a bound ModelForm leaves the instance
    with pytest.raises(PermissionDenied):
        services.goal_update(user=owner, goal=goal_of_a, convening_actor=actor_b)
    goal_of_a.refresh_from_db()
    assert goal_of_a.convening_actor.name == "Actor A"


def test_goal_update_needs_edit_rights(colleague, goal_of_a):
    with pytest.raises(PermissionDenied):
        services.goal_update(user=colleague, goal=goal_of_a, title="Taken over")


def test_horizon_warning_is_given_outside_3_to_5_years(goal_of_a):
    goal_of_a.horizon_start, goal_of_a.horizon_end = date(2025, 1, 1), date(2028, 1, 1)
    assert services.horizon_warning(goal_of_a) is None
    goal_of_a.horizon_end = date(2030, 1, 1)
    assert services.horizon_warning(goal_of_a) is None
    goal_of_a.horizon_end = date(2027, 12, 31)
    assert "3–5 years" in services.horizon_warning(goal_of_a)
    goal_of_a.horizon_end = date(2030, 1, 2)
    assert "3–5 years" in services.horizon_warning(goal_of_a)


def test_an_invitation_is_answered_only_for_the_invited_actor(owner, colleague, goal_of_a, actor_b):
    commitment = services.commitment_invite(user=owner, goal=goal_of_a, actor=actor_b, role=CommitmentRole.LEAD)
    with pytest.raises(PermissionDenied):
        services.commitment_accept(user=owner, commitment=commitment)  # the goal's owner, not actor B
    accepted = services.commitment_accept(user=colleague, commitment=commitment, text="We lead")
    assert (accepted.status, accepted.commitment_text) == (CommitmentStatus.ACCEPTED, "We lead")


def test_joining_as_lead_without_edit_rights_on_the_goal_is_refused(colleague, goal_of_a, actor_b):
    with pytest.raises(ValidationError):
        services.commitment_join(user=colleague, goal=goal_of_a, actor=actor_b, role=CommitmentRole.LEAD)
    assert not GoalCommitment.objects.exists()


def test_nobody_commits_an_actor_they_do_not_edit(colleague, goal_of_a, actor_a):
    with pytest.raises(PermissionDenied):
        services.commitment_join(user=colleague, goal=goal_of_a, actor=actor_a)


def test_a_contribution_needs_edit_rights_on_the_programme(colleague, goal_of_a, actor_a):
    with pytest.raises(PermissionDenied):
        services.contribution_add(
            user=colleague, goal=goal_of_a, programme=factories.programme(reporting_actor=actor_a)
        )


def test_progress_needs_edit_rights_on_the_goal(colleague, goal_of_a):
    with pytest.raises(PermissionDenied):
        services.progress_report(user=colleague, goal=goal_of_a, date=date.today(), value=Decimal("1"))


def test_progress_may_be_a_year_outside_the_horizon_but_no_more(owner, actor_a):
    goal = factories.goal(
        convening_actor=actor_a,
        horizon_start=date.today() - timedelta(days=100),
        horizon_end=date.today() + timedelta(days=1500),
        baseline_date=None,
        baseline_value=None,
    )
    services.progress_report(user=owner, goal=goal, date=goal.horizon_start - timedelta(days=365), value=Decimal("1"))
    with pytest.raises(ValidationError):
        services.progress_report(user=owner, goal=goal, date=goal.horizon_start - timedelta(days=366), value=Decimal(1))
