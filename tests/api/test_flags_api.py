"""/api/flags/: who sees which flags, the shared FilterSet, the language of the message, and triage."""

import pytest
from rest_framework.test import APIClient

from coordination.choices import FlagAction, FlagStatus, Severity
from coordination.models import Flag, FlagEvent
from nexus_portal.api.tokens import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(db):
    return factories.area_tree()


@pytest.fixture
def world(areas):
    ours, theirs = factories.actor("Ours"), factories.actor("Theirs")
    editor, viewer, outsider = factories.user(), factories.user(), factories.user()
    factories.member(editor, ours)
    factories.member(viewer, ours, role="viewer")
    factories.member(outsider, theirs)
    flag = make_flag(ours, area=areas["SS0101"])
    return {"ours": ours, "theirs": theirs, "editor": editor, "viewer": viewer, "outsider": outsider, "flag": flag}


def make_flag(actor=None, *, area, **fields) -> Flag:
    fields.setdefault("rule", "overlap")
    fields.setdefault("severity", Severity.MEDIUM)
    country = factories.area(area.country_code)
    flag = Flag.objects.create(
        subject_key=factories.unique("subject"),
        area=area,
        country=country,
        message="Two programmes work side by side",
        message_nb="To program arbeider side om side",
        evidence={"programmes": [1, 2]},
        **fields,
    )
    if actor is not None:
        flag.responsible_actors.set([actor])
    return flag


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status and set(error) == {"status", "code", "message", "fields"}
    return error


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# -- who sees what --------------------------------------------------------------------------------


def test_members_of_a_responsible_actor_and_reviewers_see_the_flag(world, areas):
    hidden = make_flag(world["theirs"], area=areas["SS02"])

    assert ids(client_for(world["viewer"]).get("/api/flags/")) == [world["flag"].pk]
    assert ids(client_for(world["outsider"]).get("/api/flags/")) == [hidden.pk]
    assert ids(client_for(factories.user(reviewer=True)).get("/api/flags/?ordering=pk")) == [
        world["flag"].pk,
        hidden.pk,
    ]


def test_a_flag_the_user_cannot_see_is_a_404(world):
    assert_error(client_for(world["outsider"]).get(f"/api/flags/{world['flag'].pk}/"), 404)


def test_anonymous_visitors_are_refused(world):
    response = APIClient().get("/api/flags/")

    assert response.status_code in (401, 403)
    assert_error(response, response.status_code)


def test_the_message_follows_the_requests_language(world):
    url = f"/api/flags/{world['flag'].pk}/"
    client = client_for(world["viewer"])

    assert client.get(url, HTTP_ACCEPT_LANGUAGE="nb").json()["message"] == "To program arbeider side om side"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["message"] == "Two programmes work side by side"
    assert english["evidence"] == {"programmes": [1, 2]} and english["area"] == "SS0101"


def test_the_area_filter_finds_flags_inside_the_area(world, areas):
    make_flag(world["ours"], area=areas["SS02"])
    client = client_for(world["viewer"])

    assert ids(client.get("/api/flags/?area=SS01")) == [world["flag"].pk]
    assert "area" in assert_error(client.get("/api/flags/?area=XX99"), 400)["fields"]


def test_the_status_filter_takes_several_values(world, areas):
    make_flag(world["ours"], area=areas["SS02"], status=FlagStatus.DISMISSED, dismissed_reason="Known")
    client = client_for(world["viewer"])

    assert ids(client.get("/api/flags/?status=open&status=acknowledged")) == [world["flag"].pk]
    assert "status" in assert_error(client.get("/api/flags/?status=nonsense"), 400)["fields"]


@pytest.mark.parametrize("size", [5, 50])
def test_listing_flags_takes_the_same_queries_at_any_size(world, areas, size, django_assert_num_queries):
    for _ in range(size - 1):
        make_flag(world["ours"], area=areas["SS0102"])
    client = client_for(factories.user(reviewer=True))

    with django_assert_num_queries(3):  # count, page with country and area, responsible actors
        assert client.get("/api/flags/?page_size=100").json()["count"] == size


# -- triage ---------------------------------------------------------------------------------------


def test_an_editor_acknowledges_and_reopens_a_flag(world):
    client = client_for(world["editor"])
    url = f"/api/flags/{world['flag'].pk}/"

    response = client.post(url + "acknowledge/")
    assert response.status_code == 200 and response.json()["status"] == FlagStatus.ACKNOWLEDGED
    assert client.post(url + "reopen/", {"note": "Not done yet"}, format="json").json()["status"] == FlagStatus.OPEN
    actions = list(FlagEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [FlagAction.ACKNOWLEDGED, FlagAction.REOPENED]


def test_dismissing_needs_a_reason(world):
    url = f"/api/flags/{world['flag'].pk}/dismiss/"
    client = client_for(world["editor"])

    assert "reason" in assert_error(client.post(url, {}, format="json"), 400)["fields"]
    assert "reason" in assert_error(client.post(url, {"reason": "  "}, format="json"), 400)["fields"]
    assert Flag.objects.get().status == FlagStatus.OPEN and not FlagEvent.objects.exists()

    response = client.post(url, {"reason": "Agreed division of labour"}, format="json")
    assert response.json()["status"] == FlagStatus.DISMISSED
    assert response.json()["dismissed_reason"] == "Agreed division of labour"


def test_a_flag_is_assigned_to_an_actor(world):
    url = f"/api/flags/{world['flag'].pk}/assign/"
    client = client_for(world["editor"])

    assert client.post(url, {"actor": world["theirs"].pk}, format="json").json()["assigned_to"] == world["theirs"].pk
    assert "actor" in assert_error(client.post(url, {"actor": 999999}, format="json"), 400)["fields"]


def test_a_note_is_added_and_an_empty_one_is_refused(world):
    url = f"/api/flags/{world['flag'].pk}/note/"
    client = client_for(world["editor"])

    assert client.post(url, {"note": "Called them"}, format="json").status_code == 200
    assert "note" in assert_error(client.post(url, {"note": ""}, format="json"), 400)["fields"]
    assert FlagEvent.objects.get().note == "Called them"


def test_a_move_the_status_does_not_allow_is_a_400(world):
    assert_error(client_for(world["editor"]).post(f"/api/flags/{world['flag'].pk}/reopen/"), 400)


def test_a_viewer_may_read_but_not_triage(world):
    assert_error(client_for(world["viewer"]).post(f"/api/flags/{world['flag'].pk}/acknowledge/"), 403)
    assert Flag.objects.get().status == FlagStatus.OPEN


def test_another_actors_member_gets_a_404_when_triaging(world):
    assert_error(client_for(world["outsider"]).post(f"/api/flags/{world['flag'].pk}/acknowledge/"), 404)
    assert Flag.objects.get().status == FlagStatus.OPEN


def test_a_reviewer_triages_any_flag(world):
    response = client_for(factories.user(reviewer=True)).post(f"/api/flags/{world['flag'].pk}/acknowledge/")

    assert response.status_code == 200


def test_a_read_only_token_cannot_triage(world):
    _token, key = ApiToken.issue(user=world["editor"], name="Dashboard", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    assert client.get(f"/api/flags/{world['flag'].pk}/").status_code == 200
    assert_error(client.post(f"/api/flags/{world['flag'].pk}/acknowledge/"), 403)
    assert Flag.objects.get().status == FlagStatus.OPEN


def test_unknown_fields_and_malformed_json_are_refused(world):
    url = f"/api/flags/{world['flag'].pk}/dismiss/"
    client = client_for(world["editor"])

    assert "colour" in assert_error(client.post(url, {"reason": "x", "colour": 1}, format="json"), 400)["fields"]
    assert_error(client.post(url, "{oops", content_type="application/json"), 400)
    assert Flag.objects.get().status == FlagStatus.OPEN


def test_flags_cannot_be_created_or_deleted_through_the_api(world):
    client = client_for(factories.user(reviewer=True))

    assert_error(client.post("/api/flags/", {}, format="json"), 405)
    assert_error(client.delete(f"/api/flags/{world['flag'].pk}/"), 405)
