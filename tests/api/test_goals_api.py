"""/api/goals/, /api/commitments/, /api/contributions/ and /api/progress/: reads, writes through the services."""

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from coordination.choices import CommitmentRole, CommitmentStatus
from coordination.models import Contribution, GoalCommitment, GoalProgress, SharedGoal
from nexus_portal.api.tokens import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def areas(db):
    return factories.area_tree()


@pytest.fixture
def world(areas):
    """An owner editing the convener, another actor's editor, and a reviewer."""
    convener, other = factories.actor("Convener"), factories.actor("Other")
    owner, outsider = factories.user(), factories.user()
    factories.member(owner, convener)
    factories.member(outsider, other)
    goal = factories.goal(convening_actor=convener, areas=[areas["SS0101"]])
    return {"convener": convener, "other": other, "owner": owner, "outsider": outsider, "goal": goal}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def payload(world, **changes) -> dict:
    data = {
        "title": "Safe water in Juba",
        "areas": ["SS0101"],
        "pillars": ["H", "D"],
        "convening_actor": world["convener"].pk,
        "horizon_start": TODAY.isoformat(),
        "horizon_end": (TODAY + timedelta(days=4 * 365)).isoformat(),
    }
    data.update(changes)
    return data


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status and set(error) == {"status", "code", "message", "fields"}
    return error


# -- reading --------------------------------------------------------------------------------------


def test_every_signed_in_user_reads_goals(world):
    for user in (world["owner"], world["outsider"], factories.user(reviewer=True)):
        response = client_for(user).get("/api/goals/")
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [world["goal"].pk]


def test_a_goal_reads_with_p_codes_and_pillars(world):
    row = client_for(world["outsider"]).get(f"/api/goals/{world['goal'].pk}/").json()

    assert row["areas"] == ["SS0101"] and row["pillars"] == ["H", "D"]
    assert row["convening_actor"] == world["convener"].pk


def test_anonymous_visitors_are_refused(world):
    response = APIClient().get("/api/goals/")

    assert response.status_code in (401, 403)
    assert_error(response, response.status_code)


def test_the_area_filter_finds_goals_in_areas_inside_it(world, areas):
    factories.goal(areas=[areas["SS02"]])
    client = client_for(world["outsider"])

    assert [r["id"] for r in client.get("/api/goals/?area=SS01").json()["results"]] == [world["goal"].pk]
    assert client.get("/api/goals/?country=SS").json()["count"] == 2


def test_an_unknown_p_code_filter_is_a_400(world):
    error = assert_error(client_for(world["outsider"]).get("/api/goals/?area=XX99"), 400)

    assert "area" in error["fields"]


def test_goals_are_paginated(world, areas):
    for _ in range(3):
        factories.goal(areas=[areas["SS"]])

    body = client_for(world["owner"]).get("/api/goals/?page_size=2&ordering=pk").json()

    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]


@pytest.mark.parametrize("size", [5, 50])
def test_listing_goals_takes_the_same_queries_at_any_size(world, areas, size, django_assert_num_queries):
    for _ in range(size - 1):
        factories.goal(areas=[areas["SS"], areas["SS02"]])
    client = client_for(world["outsider"])

    with django_assert_num_queries(3):  # count, page, areas
        response = client.get("/api/goals/?page_size=100")
    assert response.json()["count"] == size


# -- writing goals --------------------------------------------------------------------------------


def test_an_editor_of_the_convener_creates_a_goal(world, areas):
    response = client_for(world["owner"]).post("/api/goals/", payload(world), format="json")

    assert response.status_code == 201, response.content
    goal = SharedGoal.objects.get(pk=response.json()["id"])
    assert goal.pillar_h and goal.pillar_d and not goal.pillar_p
    assert list(goal.areas.values_list("pcode", flat=True)) == ["SS0101"]


def test_it_refuses_a_goal_convened_by_an_actor_the_user_does_not_edit(world, areas):
    response = client_for(world["outsider"]).post("/api/goals/", payload(world), format="json")

    assert_error(response, 403)
    assert SharedGoal.objects.count() == 1


def test_it_rejects_unknown_fields(world, areas):
    response = client_for(world["owner"]).post("/api/goals/", payload(world, colour="red"), format="json")

    assert "colour" in assert_error(response, 400)["fields"]
    assert SharedGoal.objects.count() == 1


def test_it_rejects_an_unknown_p_code(world, areas):
    response = client_for(world["owner"]).post("/api/goals/", payload(world, areas=["XX99"]), format="json")

    assert "areas" in assert_error(response, 400)["fields"]


def test_it_answers_malformed_json_with_the_error_shape(world):
    response = client_for(world["owner"]).post("/api/goals/", "{not json", content_type="application/json")

    assert_error(response, 400)


def test_it_reports_the_models_validation_as_field_errors(world, areas):
    late_start = payload(world, horizon_start=(TODAY + timedelta(days=5000)).isoformat())
    response = client_for(world["owner"]).post("/api/goals/", late_start, format="json")

    assert assert_error(response, 400)["fields"]
    assert SharedGoal.objects.count() == 1


def test_an_editor_updates_a_goal_and_an_outsider_cannot(world):
    url = f"/api/goals/{world['goal'].pk}/"

    assert client_for(world["owner"]).patch(url, {"title": "Renamed"}, format="json").status_code == 200
    assert_error(client_for(world["outsider"]).patch(url, {"title": "Hijacked"}, format="json"), 404)
    assert SharedGoal.objects.get().title == "Renamed"


def test_a_read_only_token_cannot_write(world, areas):
    _token, key = ApiToken.issue(user=world["owner"], name="NGO database", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    assert client.get("/api/goals/").status_code == 200
    assert_error(client.post("/api/goals/", payload(world), format="json"), 403)
    assert SharedGoal.objects.count() == 1


def test_a_writable_token_writes(world, areas):
    _token, key = ApiToken.issue(user=world["owner"], name="NGO database", read_only=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    assert client.post("/api/goals/", payload(world), format="json").status_code == 201


# -- commitments ----------------------------------------------------------------------------------


def test_the_owner_invites_and_the_invited_actor_accepts(world):
    goal, other = world["goal"], world["other"]
    invite = {"goal": goal.pk, "actor": other.pk, "role": CommitmentRole.CONTRIBUTOR}

    response = client_for(world["owner"]).post("/api/commitments/invite/", invite, format="json")
    assert response.status_code == 201, response.content
    commitment_id = response.json()["id"]

    assert_error(client_for(world["owner"]).post(f"/api/commitments/{commitment_id}/accept/"), 403)
    accepted = client_for(world["outsider"]).post(f"/api/commitments/{commitment_id}/accept/", {"text": "Wells"})
    assert accepted.status_code == 200 and accepted.json()["status"] == CommitmentStatus.ACCEPTED


def test_an_outsider_cannot_invite(world):
    invite = {"goal": world["goal"].pk, "actor": world["other"].pk}

    assert_error(client_for(world["outsider"]).post("/api/commitments/invite/", invite, format="json"), 403)
    assert not GoalCommitment.objects.exists()


def test_an_actors_editor_joins_and_a_second_join_is_a_400(world):
    join = {"goal": world["goal"].pk, "actor": world["other"].pk}
    client = client_for(world["outsider"])

    assert client.post("/api/commitments/join/", join, format="json").status_code == 201
    assert "actor" in assert_error(client.post("/api/commitments/join/", join, format="json"), 400)["fields"]


def test_an_invitation_is_declined(world):
    commitment = factories.commitment(world["goal"], world["other"], status=CommitmentStatus.INVITED)

    response = client_for(world["outsider"]).post(f"/api/commitments/{commitment.pk}/decline/", {"text": "No time"})

    assert response.json()["status"] == CommitmentStatus.DECLINED


def test_commitments_list_per_goal(world, areas):
    factories.commitment(world["goal"], world["other"])
    elsewhere = factories.goal(areas=[areas["SS"]])
    factories.commitment(elsewhere, world["other"])

    body = client_for(world["owner"]).get(f"/api/commitments/?goal={world['goal'].pk}").json()

    assert [row["goal"] for row in body["results"]] == [world["goal"].pk]


def test_a_plain_post_to_commitments_is_not_allowed(world):
    join = {"goal": world["goal"].pk, "actor": world["other"].pk}

    assert_error(client_for(world["outsider"]).post("/api/commitments/", join, format="json"), 405)


# -- contributions and progress -------------------------------------------------------------------


def test_a_programmes_editor_adds_and_removes_a_contribution(world, areas):
    programme = factories.programme(reporting_actor=world["other"], locations=[areas["SS0101"]])
    client = client_for(world["outsider"])

    response = client.post("/api/contributions/", {"goal": world["goal"].pk, "programme": programme.pk}, format="json")
    assert response.status_code == 201, response.content
    assert client.delete(f"/api/contributions/{response.json()['id']}/").status_code == 204
    assert not Contribution.objects.exists()


def test_it_refuses_a_contribution_for_someone_elses_programme(world, areas):
    programme = factories.programme(locations=[areas["SS0101"]])
    data = {"goal": world["goal"].pk, "programme": programme.pk}

    assert_error(client_for(world["outsider"]).post("/api/contributions/", data, format="json"), 403)
    assert not Contribution.objects.exists()


def test_only_permitted_users_remove_a_contribution(world, areas):
    contribution = factories.contribution(factories.programme(locations=[areas["SS0101"]]), world["goal"])

    assert_error(client_for(world["outsider"]).delete(f"/api/contributions/{contribution.pk}/"), 404)
    assert client_for(world["owner"]).delete(f"/api/contributions/{contribution.pk}/").status_code == 204


def test_the_owner_reports_progress(world):
    data = {"goal": world["goal"].pk, "date": TODAY.isoformat(), "value": "250.00"}

    response = client_for(world["owner"]).post("/api/progress/", data, format="json")

    assert response.status_code == 201, response.content
    assert GoalProgress.objects.get().reported_by == world["owner"]


def test_progress_in_the_future_is_a_400_and_an_outsider_gets_a_403(world):
    future = {"goal": world["goal"].pk, "date": (TODAY + timedelta(days=3)).isoformat(), "value": "1"}
    today = {**future, "date": TODAY.isoformat()}

    assert (
        "date" in assert_error(client_for(world["owner"]).post("/api/progress/", future, format="json"), 400)["fields"]
    )
    assert_error(client_for(world["outsider"]).post("/api/progress/", today, format="json"), 403)
    assert not GoalProgress.objects.exists()


@pytest.mark.parametrize("size", [5, 50])
def test_listing_commitments_contributions_and_progress_takes_constant_queries(
    world, areas, size, django_assert_num_queries
):
    for index in range(size):
        factories.commitment(world["goal"], factories.actor())
        factories.contribution(factories.programme(), world["goal"])
        factories.progress(world["goal"], on=TODAY - timedelta(days=index))
    client = client_for(world["owner"])

    for url in ("/api/commitments/", "/api/contributions/", "/api/progress/"):
        with django_assert_num_queries(2):  # count, page
            assert client.get(f"{url}?page_size=100").json()["count"] == size
