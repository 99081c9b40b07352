"""/api/flag-runs/: reviewers read the engine's runs and start a full run; a busy lock is a 409."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from coordination.models import FlagRun
from nexus_portal.api.tokens import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status and set(error) == {"status", "code", "message", "fields"}
    return error


def finished_run(**fields) -> FlagRun:
    fields.setdefault("status", FlagRun.Status.SUCCEEDED)
    return FlagRun.objects.create(trigger=FlagRun.Trigger.SCHEDULE, as_of=date.today(), lock=None, **fields)


def test_reviewers_read_the_runs_and_others_see_none():
    run = finished_run()
    editor = factories.user()
    factories.member(editor, factories.actor())

    assert [r["id"] for r in client_for(factories.user(reviewer=True)).get("/api/flag-runs/").json()["results"]] == [
        run.pk
    ]
    assert client_for(editor).get("/api/flag-runs/").json()["count"] == 0
    assert_error(client_for(editor).get(f"/api/flag-runs/{run.pk}/"), 404)


def test_anonymous_visitors_are_refused():
    response = APIClient().get("/api/flag-runs/")

    assert response.status_code in (401, 403)
    assert_error(response, response.status_code)


def test_a_reviewer_starts_a_full_run_that_runs_in_process():
    reviewer = factories.user(reviewer=True)

    response = client_for(reviewer).post("/api/flag-runs/", {}, format="json")

    assert response.status_code == 202, response.content
    run = FlagRun.objects.get(pk=response.json()["id"])
    assert run.trigger == FlagRun.Trigger.MANUAL and run.full and run.requested_by == reviewer
    assert run.status in (FlagRun.Status.SUCCEEDED, FlagRun.Status.PARTIAL)


def test_a_busy_lock_is_a_409_naming_the_run_that_writes():
    busy = FlagRun.objects.create(trigger=FlagRun.Trigger.SCHEDULE, as_of=date.today(), status=FlagRun.Status.RUNNING)

    error = assert_error(client_for(factories.user(reviewer=True)).post("/api/flag-runs/"), 409)

    assert f"#{busy.pk}" in error["message"]
    assert FlagRun.objects.filter(status=FlagRun.Status.RUNNING).count() == 1


def test_only_reviewers_start_runs():
    assert_error(client_for(factories.user()).post("/api/flag-runs/"), 403)
    assert not FlagRun.objects.exists()


def test_a_read_only_token_cannot_start_a_run():
    _token, key = ApiToken.issue(user=factories.user(reviewer=True), name="Monitor", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    assert client.get("/api/flag-runs/").status_code == 200
    assert_error(client.post("/api/flag-runs/"), 403)
    assert not FlagRun.objects.exists()


def test_unknown_fields_are_refused():
    response = client_for(factories.user(reviewer=True)).post("/api/flag-runs/", {"country": "SS"}, format="json")

    assert "country" in assert_error(response, 400)["fields"]
    assert not FlagRun.objects.exists()


@pytest.mark.parametrize("size", [5, 50])
def test_listing_runs_takes_the_same_queries_at_any_size(size, django_assert_num_queries):
    for _ in range(size):
        finished_run()
    client = client_for(factories.user(reviewer=True))

    with django_assert_num_queries(2):  # count, page
        assert client.get("/api/flag-runs/?page_size=100").json()["count"] == size
