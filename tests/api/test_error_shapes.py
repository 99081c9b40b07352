"""Every kind of bad request answers with the one error shape and writes nothing."""

import pytest
from rest_framework.test import APIClient

from actors.choices import MembershipRole
from programmes.models import Programme
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/programmes/"


@pytest.fixture
def setup():
    factories.area_tree()
    factories.sector("14030")
    actor = factories.actor()
    editor = factories.user()
    factories.member(editor, actor, MembershipRole.EDITOR)
    api = APIClient()
    api.force_authenticate(editor)
    return api, actor


def good(actor, **fields) -> dict:
    return {
        "title": "Water",
        "reporting_actor": actor.pk,
        "sectors": [{"sector": "14030", "percentage": 100}],
        "locations": ["SS01"],
    } | fields


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"status", "code", "message", "fields"}
    assert body["error"]["status"] == status
    assert body["error"]["message"]
    return body["error"]


def test_the_good_payload_is_accepted(setup):
    api, actor = setup
    assert api.post(URL, good(actor), format="json").status_code == 201


def test_malformed_json_is_a_400(setup):
    api, _ = setup
    response = api.post(URL, '{"title": "Water",', content_type="application/json")
    assert error_of(response, 400)["code"] == "parse_error"
    assert not Programme.objects.exists()


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"status": "running"}, "status"),
        ({"total_budget": "lots"}, "total_budget"),
        ({"planned_start": "next week"}, "planned_start"),
        ({"reporting_actor": "Hope"}, "reporting_actor"),
        ({"locations": "SS01"}, "locations"),
        ({"sectors": [{"sector": "14030", "percentage": "half"}]}, "sectors"),
        ({"participants": [{"actor": "x", "role": 4}]}, "participants"),
    ],
)
def test_wrong_types_are_a_400_naming_the_field(setup, fields, bad_field):
    api, actor = setup
    error = error_of(api.post(URL, good(actor, **fields), format="json"), 400)
    assert bad_field in error["fields"]
    assert not Programme.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(setup):
    api, _ = setup
    error_of(api.post(URL, [1, 2], format="json"), 400)
    assert not Programme.objects.exists()


def test_unknown_fields_are_named(setup):
    api, actor = setup
    error = error_of(api.post(URL, good(actor, titel="typo", budget=5), format="json"), 400)
    assert error["fields"] == {"budget": ["Unknown field."], "titel": ["Unknown field."]}
    assert not Programme.objects.exists()


def test_unknown_fields_inside_a_list_are_named(setup):
    api, actor = setup
    sectors = [{"sector": "14030", "percentage": 100, "share": 1}]
    error = error_of(api.post(URL, good(actor, sectors=sectors), format="json"), 400)
    assert error["fields"] == {"sectors": ["Item 1: unknown fields share."]}


def test_read_only_fields_are_refused_rather_than_ignored(setup):
    api, actor = setup
    error = error_of(api.post(URL, good(actor, start_date="2020-01-01"), format="json"), 400)
    assert error["fields"] == {"start_date": ["Unknown field."]}


def test_an_oversized_payload_is_refused_with_a_clear_message(setup, settings):
    api, actor = setup
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    error = error_of(api.post(URL, good(actor, description="x" * 5_000), format="json"), 413)
    assert "maximum is 2000 bytes" in error["message"]
    assert not Programme.objects.exists()


def test_a_nonexistent_pcode_is_a_400_naming_it(setup):
    api, actor = setup
    error = error_of(api.post(URL, good(actor, locations=["SS01", "ZZ0001"]), format="json"), 400)
    assert error["fields"] == {"locations": ["Unknown p-codes: ZZ0001."]}
    assert not Programme.objects.exists()


def test_a_failed_update_changes_nothing(setup):
    api, actor = setup
    programme = factories.programme(reporting_actor=actor, title="Before")
    response = api.put(f"{URL}{programme.pk}/", good(actor, title="After", locations=["NOPE"]), format="json")
    error_of(response, 400)
    programme.refresh_from_db()
    assert programme.title == "Before"
    assert not programme.locations.exists()


def test_a_model_rule_comes_back_with_the_forms_message(setup):
    api, actor = setup
    response = api.post(URL, good(actor, planned_start="2026-06-01", planned_end="2026-01-01"), format="json")
    error_of(response, 400)
    assert not Programme.objects.exists()


def test_an_unknown_actor_on_a_membership_is_a_400(setup):
    api, _ = setup
    error = error_of(api.post("/api/memberships/", {"user": 1, "actor": 999_999, "role": "viewer"}, format="json"), 400)
    assert "actor" in error["fields"]
