"""What people do to a goal: invitations and their answers, joining, contributions, progress."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination.choices import CommitmentRole, CommitmentStatus, GoalStatus
from coordination.models import Contribution, GoalCommitment, GoalProgress
from tests import factories

pytestmark = pytest.mark.django_db
INVITATIONS = reverse("coordination:goal_invitations")
CONTRIBUTE = reverse("coordination:goal_contribute")


@pytest.fixture
def goal_of_a(actor_a):
    return factories.goal(convening_actor=actor_a, areas=[factories.area_tree()["SS01"]], title="Safe water")


def url(name: str, obj) -> str:
    return reverse(f"coordination:{name}", args=[obj.pk])


def invite(goal, actor, **extra):
    return factories.commitment(goal, actor, status=CommitmentStatus.INVITED, **extra)


# -- invitations ----------------------------------------------------------------------------------


def test_the_owner_invites_another_actor(client, owner, goal_of_a, actor_b):
    client.force_login(owner)
    data = {"actor": actor_b.pk, "role": CommitmentRole.LEAD, "text": "Lead the WASH cluster work"}
    response = client.post(url("goal_invite", goal_of_a), data)
    assert response.status_code == 302
    commitment = GoalCommitment.objects.get(goal=goal_of_a)
    assert (commitment.actor, commitment.role, commitment.status) == (actor_b, "lead", CommitmentStatus.INVITED)


@pytest.mark.parametrize("persona", ["colleague", "owner_viewer", "reviewer"])
def test_only_the_goals_owners_invite(client, personas, goal_of_a, actor_b, persona):
    client.force_login(personas[persona])
    assert client.get(url("goal_invite", goal_of_a)).status_code == 404
    assert client.post(url("goal_invite", goal_of_a), {"actor": actor_b.pk, "role": "lead"}).status_code == 404
    assert not GoalCommitment.objects.exists()


def test_an_actor_already_invited_is_not_offered_again(client, owner, goal_of_a, actor_b):
    invite(goal_of_a, actor_b)
    client.force_login(owner)
    response = client.post(url("goal_invite", goal_of_a), {"actor": actor_b.pk, "role": "contributor"})
    assert "actor" in response.context["form"].errors
    assert GoalCommitment.objects.count() == 1


def test_a_declined_actor_may_be_invited_again(client, owner, goal_of_a, actor_b):
    invite(goal_of_a, actor_b).__class__.objects.update(status=CommitmentStatus.DECLINED)
    client.force_login(owner)
    client.post(url("goal_invite", goal_of_a), {"actor": actor_b.pk, "role": "endorser"})
    assert GoalCommitment.objects.get().status == CommitmentStatus.INVITED


def test_the_invited_actor_sees_the_invitation_in_its_list_and_on_the_goal(client, colleague, goal_of_a, actor_b):
    commitment = invite(goal_of_a, actor_b)
    client.force_login(colleague)
    listing = client.get(INVITATIONS)
    assert [c.pk for c in listing.context["invitations"]] == [commitment.pk]
    assert "Safe water" in listing.text
    detail = client.get(goal_of_a.get_absolute_url())
    assert "Actor B is invited to this goal as Contributor" in detail.text
    assert url("goal_commitment_respond", commitment) in detail.text


def test_others_do_not_see_the_invitation(client, owner, reviewer, goal_of_a, actor_b):
    invite(goal_of_a, actor_b)
    for user in (owner, reviewer):
        client.force_login(user)
        assert list(client.get(INVITATIONS).context["invitations"]) == []
        assert "is invited to this goal" not in client.get(goal_of_a.get_absolute_url()).text


def test_no_invitations_says_what_happens_next(client, colleague):
    client.force_login(colleague)
    assert "No open invitations" in client.get(INVITATIONS).text


def test_the_invited_actors_editor_accepts_with_a_text(client, colleague, goal_of_a, actor_b):
    commitment = invite(goal_of_a, actor_b, role=CommitmentRole.LEAD)
    client.force_login(colleague)
    response = client.post(url("goal_commitment_respond", commitment), {"answer": "accept", "text": "We lead WASH"})
    assert response.url == goal_of_a.get_absolute_url() + "#commitments"
    commitment.refresh_from_db()
    assert (commitment.status, commitment.commitment_text) == (CommitmentStatus.ACCEPTED, "We lead WASH")


def test_the_invited_actors_editor_declines(client, colleague, goal_of_a, actor_b):
    commitment = invite(goal_of_a, actor_b)
    client.force_login(colleague)
    client.post(url("goal_commitment_respond", commitment), {"answer": "decline", "text": "Outside our mandate"})
    commitment.refresh_from_db()
    assert (commitment.status, commitment.commitment_text) == (CommitmentStatus.DECLINED, "Outside our mandate")


@pytest.mark.parametrize("persona", ["owner", "owner_viewer", "reviewer"])
def test_nobody_else_answers_for_the_invited_actor(client, personas, goal_of_a, actor_b, persona):
    commitment = invite(goal_of_a, actor_b, role=CommitmentRole.LEAD)
    client.force_login(personas[persona])
    assert client.post(url("goal_commitment_respond", commitment), {"answer": "accept"}).status_code == 404
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.INVITED


def test_an_answered_invitation_cannot_be_answered_again(client, colleague, goal_of_a, actor_b):
    commitment = invite(goal_of_a, actor_b)
    client.force_login(colleague)
    client.post(url("goal_commitment_respond", commitment), {"answer": "accept"})
    again = client.post(url("goal_commitment_respond", commitment), {"answer": "decline"})
    assert "already been answered" in again.text
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.ACCEPTED


def test_the_invitation_list_costs_the_same_queries_for_3_and_30(client, colleague, actor_b):
    def queries_for(count: int) -> int:
        GoalCommitment.objects.all().delete()
        for _ in range(count):
            invite(factories.goal(), actor_b)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(INVITATIONS).status_code == 200
        return len(queries)

    client.force_login(colleague)
    assert queries_for(3) == queries_for(30)


# -- joining --------------------------------------------------------------------------------------


def test_an_editor_commits_their_own_actor(client, colleague, goal_of_a, actor_b):
    client.force_login(colleague)
    data = {"actor": actor_b.pk, "role": "contributor", "text": "Hygiene promotion"}
    response = client.post(url("goal_join", goal_of_a), data)
    assert response.status_code == 302
    commitment = GoalCommitment.objects.get()
    assert (commitment.actor, commitment.status, commitment.role) == (actor_b, CommitmentStatus.ACCEPTED, "contributor")


def test_joining_as_lead_needs_an_invitation(client, colleague, goal_of_a, actor_b):
    client.force_login(colleague)
    response = client.post(url("goal_join", goal_of_a), {"actor": actor_b.pk, "role": "lead"})
    assert "role" in response.context["form"].errors
    assert not GoalCommitment.objects.exists()


def test_the_convener_may_commit_itself_as_lead(client, owner, goal_of_a, actor_a):
    client.force_login(owner)
    client.post(url("goal_join", goal_of_a), {"actor": actor_a.pk, "role": "lead"})
    assert GoalCommitment.objects.get().role == CommitmentRole.LEAD


def test_nobody_commits_an_actor_they_do_not_edit(client, colleague, owner_viewer, goal_of_a, actor_a):
    for user in (colleague, owner_viewer):
        client.force_login(user)
        response = client.post(url("goal_join", goal_of_a), {"actor": actor_a.pk, "role": "contributor"})
        assert "actor" in response.context["form"].errors
    assert not GoalCommitment.objects.exists()


def test_a_closed_goal_takes_no_commitments(client, colleague, actor_a, actor_b):
    goal = factories.goal(convening_actor=actor_a, status=GoalStatus.ACHIEVED)
    client.force_login(colleague)
    response = client.post(url("goal_join", goal), {"actor": actor_b.pk, "role": "contributor"})
    assert "takes no new commitments" in response.text
    assert not GoalCommitment.objects.exists()


# -- contributions --------------------------------------------------------------------------------


def test_a_programme_editor_links_their_programme_to_a_goal(client, colleague, goal_of_a, actor_b):
    programme = factories.programme(reporting_actor=actor_b, title="Hygiene kits")
    client.force_login(colleague)
    page = client.get(CONTRIBUTE, {"goal": goal_of_a.pk})
    # The goal comes from the link; the programme is preselected because it is the user's only one.
    assert page.context["form"].initial == {"goal": str(goal_of_a.pk), "programme": programme.pk}
    data = {"goal": goal_of_a.pk, "programme": programme.pk, "description": "Distributes hygiene kits"}
    response = client.post(CONTRIBUTE, data)
    assert response.url == goal_of_a.get_absolute_url() + "#contributions"
    assert Contribution.objects.get().description == "Distributes hygiene kits"


def test_nobody_links_a_programme_they_do_not_edit(client, colleague, goal_of_a, actor_a):
    programme = factories.programme(reporting_actor=actor_a)
    client.force_login(colleague)
    response = client.post(CONTRIBUTE, {"goal": goal_of_a.pk, "programme": programme.pk})
    assert "programme" in response.context["form"].errors
    assert not Contribution.objects.exists()


def test_a_programme_contributes_once_to_a_goal(client, owner, goal_of_a, actor_a):
    programme = factories.programme(reporting_actor=actor_a)
    factories.contribution(programme, goal_of_a)
    client.force_login(owner)
    response = client.post(CONTRIBUTE, {"goal": goal_of_a.pk, "programme": programme.pk, "description": "Again"})
    assert "already contributes" in response.text
    assert 'value="Again"' not in response.text  # a textarea keeps its text as content
    assert "Again</textarea>" in response.text
    assert Contribution.objects.count() == 1


def test_removing_a_contribution_asks_first(client, colleague, goal_of_a, actor_b):
    contribution = factories.contribution(factories.programme(reporting_actor=actor_b, title="Hygiene"), goal_of_a)
    client.force_login(colleague)
    page = client.get(url("goal_contribution_remove", contribution))
    assert "Remove this contribution?" in page.text
    assert Contribution.objects.exists()
    response = client.post(url("goal_contribution_remove", contribution))
    assert response.url == goal_of_a.get_absolute_url() + "#contributions"
    assert not Contribution.objects.exists()


def test_the_goals_owner_may_remove_a_contribution_too(client, owner, goal_of_a, actor_b):
    contribution = factories.contribution(factories.programme(reporting_actor=actor_b), goal_of_a)
    client.force_login(owner)
    client.post(url("goal_contribution_remove", contribution))
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("persona", ["owner_viewer", "reviewer"])
def test_others_cannot_remove_a_contribution(client, personas, goal_of_a, actor_b, persona):
    contribution = factories.contribution(factories.programme(reporting_actor=actor_b), goal_of_a)
    client.force_login(personas[persona])
    assert client.get(url("goal_contribution_remove", contribution)).status_code == 404
    assert client.post(url("goal_contribution_remove", contribution)).status_code == 404
    assert Contribution.objects.exists()


# -- progress -------------------------------------------------------------------------------------


def test_the_owner_reports_progress(client, owner, goal_of_a):
    client.force_login(owner)
    data = {"date": date.today().isoformat(), "value": "420.5", "source": "WASH survey", "note": "Dry season"}
    response = client.post(url("goal_progress", goal_of_a), data)
    assert response.url == goal_of_a.get_absolute_url() + "#progress"
    report = GoalProgress.objects.get()
    assert (report.value, report.source, report.reported_by) == (Decimal("420.50"), "WASH survey", owner)
    chart = client.get(goal_of_a.get_absolute_url()).context["chart"]
    assert chart["points"] == [{"x": date.today().isoformat(), "y": 420.5}]


@pytest.mark.parametrize("persona", ["colleague", "owner_viewer", "reviewer"])
def test_only_the_goals_owners_report_progress(client, personas, goal_of_a, persona):
    client.force_login(personas[persona])
    data = {"date": date.today().isoformat(), "value": "1"}
    assert client.get(url("goal_progress", goal_of_a)).status_code == 404
    assert client.post(url("goal_progress", goal_of_a), data).status_code == 404
    assert not GoalProgress.objects.exists()


@pytest.mark.parametrize(
    ("date_value", "value", "message"),
    [
        ("2001-01-01", "10", "within the goal&#x27;s horizon"),
        ((date.today() + timedelta(days=3)).isoformat(), "10", "cannot be in the future"),
        (date.today().isoformat(), "ten", "Enter a number."),
    ],
)
def test_bad_progress_keeps_the_input_and_explains(client, owner, goal_of_a, date_value, value, message):
    client.force_login(owner)
    response = client.post(url("goal_progress", goal_of_a), {"date": date_value, "value": value, "source": "Survey"})
    assert response.status_code == 200
    assert message in response.text
    assert f'value="{value}"' in response.text
    assert 'value="Survey"' in response.text
    assert not GoalProgress.objects.exists()


def test_two_reports_on_the_same_day_are_refused(client, owner, goal_of_a):
    factories.progress(goal_of_a, on=date.today())
    client.force_login(owner)
    response = client.post(url("goal_progress", goal_of_a), {"date": date.today().isoformat(), "value": "5"})
    assert "already a progress report for this goal on this date" in response.text
    assert GoalProgress.objects.count() == 1
