"""/api/context-events/: every signed-in user reads; editors of the recording actor write."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from analyses.models import ContextEvent
from nexus_portal.api.tokens import ApiToken
from tests import factories as f

pytestmark = pytest.mark.django_db


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def world():
    areas = f.area_tree()
    org, other = f.actor(), f.actor()
    editor, viewer, outsider = f.user(), f.user(), f.user()
    f.member(editor, org)
    f.member(viewer, org, "viewer")
    f.member(outsider, other)
    recorded = f.event(areas["SS0101"], recorded_by=org, description="Clashes in Juba")
    return {"areas": areas, "org": org, "editor": editor, "viewer": viewer, "outsider": outsider, "event": recorded}


def new_event(world, **extra):
    return {"area": "SS01", "date": str(date.today()), "event_type": "election", "recorded_by": world["org"].pk} | extra


@pytest.mark.parametrize("persona", ["editor", "viewer", "outsider"])
def test_every_signed_in_user_reads_events(world, persona):
    response = client_for(world[persona]).get("/api/context-events/")
    assert response.status_code == 200
    assert [row["area"] for row in response.json()["results"]] == ["SS0101"]
    assert client_for(world[persona]).get(f"/api/context-events/{world['event'].pk}/").status_code == 200


def test_anonymous_visitors_are_refused(world):
    assert client_for().get("/api/context-events/").status_code in (401, 403)


def test_an_editor_records_an_event_for_their_actor(world):
    response = client_for(world["editor"]).post("/api/context-events/", new_event(world), format="json")
    assert response.status_code == 201, response.content
    assert ContextEvent.objects.get(pk=response.json()["id"]).created_by == world["editor"]


@pytest.mark.parametrize("persona", ["viewer", "outsider"])
def test_someone_who_does_not_edit_for_the_actor_cannot_record_for_it(world, persona):
    response = client_for(world[persona]).post("/api/context-events/", new_event(world), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert ContextEvent.objects.count() == 1


def test_an_outsider_updating_an_event_gets_404_and_nothing_changes(world):
    url = f"/api/context-events/{world['event'].pk}/"
    assert client_for(world["outsider"]).patch(url, {"description": "x"}, format="json").status_code == 404
    assert client_for(world["editor"]).patch(url, {"description": "Fighting"}, format="json").status_code == 200
    world["event"].refresh_from_db()
    assert world["event"].description == "Fighting"


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"area": "XX99"}, "area"), ({"event_type": "party"}, "event_type"), ({"mood": "grim"}, "mood")],
)
def test_a_bad_payload_is_a_400_naming_the_field(world, extra, field):
    response = client_for(world["editor"]).post("/api/context-events/", new_event(world, **extra), format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert ContextEvent.objects.count() == 1


def test_a_read_only_token_cannot_write(world):
    _, key = ApiToken.issue(user=world["editor"], name="feed", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/context-events/").status_code == 200
    assert client.post("/api/context-events/", new_event(world), format="json").status_code == 403
    assert ContextEvent.objects.count() == 1


def test_the_list_filters_by_type_and_keeps_its_query_count(world, django_assert_num_queries):
    client = client_for(world["viewer"])
    for _ in range(4):
        f.event(world["areas"]["SS02"], event_type="disaster")
    with django_assert_num_queries(2) as at_5:  # count + page
        client.get("/api/context-events/")
    for _ in range(45):
        f.event(world["areas"]["SS02"], event_type="disaster")
    with django_assert_num_queries(len(at_5)):
        client.get("/api/context-events/")
    assert client.get("/api/context-events/?event_type=disaster").json()["count"] == 49
