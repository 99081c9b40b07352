"""GET /api/history/?model=...&object_id=...: the same history, to the same readers, as the page."""

import pytest
from rest_framework.test import APIClient

from analyses.choices import Sensitivity
from nexus_portal.api.tokens import ApiToken
from nexus_portal.audit import audit_context
from tests import factories

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    api = APIClient()
    _, key = ApiToken.issue(user=user, name="partner system")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


def history(api, model: str, object_id):
    return api.get("/api/history/", {"model": model, "object_id": object_id})


def test_it_lists_a_records_changes_newest_first_with_old_and_new_values(owner, actor_a):
    programme = factories.programme(reporting_actor=actor_a, title="Water")
    with audit_context(user=owner, interface="ui"):
        programme.title = "Water and sanitation"
        programme.save()

    response = history(api_for(owner), "programmes.programme", programme.pk)

    assert response.status_code == 200, response.content
    newest = response.json()["results"][0]
    assert newest["action"] == "update" and newest["model"] == "programmes.programme"
    assert (newest["user"], newest["interface"]) == ("owner", "ui")
    assert newest["changes"] == {"title": ["Water", "Water and sanitation"]}
    assert response.json()["count"] == len(response.json()["results"]) >= 3  # + creation and its participant


def test_it_answers_404_for_a_record_the_user_may_not_see_like_for_a_missing_one(owner, colleague, actor_a):
    agreement = factories.agreement(donor=actor_a, recipient=factories.actor(), reference="SECRET-REF")

    hidden = history(api_for(colleague), "funding.fundingagreement", agreement.pk)
    missing = history(api_for(colleague), "funding.fundingagreement", agreement.pk + 1000)

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert history(api_for(owner), "funding.fundingagreement", agreement.pk).status_code == 200


def test_a_named_analysis_history_is_hidden_from_everyone_not_named(owner, colleague, superuser, actor_a):
    analysis = factories.analysis(authors=[actor_a], sensitivity=Sensitivity.NAMED, shared_with_users=[colleague])

    assert history(api_for(owner), "analyses.analysis", analysis.pk).status_code == 404
    assert history(api_for(superuser), "analyses.analysis", analysis.pk).status_code == 404
    named = history(api_for(colleague), "analyses.analysis", analysis.pk)
    assert named.status_code == 200
    assert "Confidential summary" not in named.content.decode()
    assert named.json()["results"][-1]["changes"]["summary"] == {"changed": True}


def test_a_reference_to_a_hidden_record_reads_hidden(colleague, actor_a, actor_b):
    parent = factories.agreement(donor=factories.actor(), recipient=actor_a, reference="HIDDEN-PARENT")
    sub_grant = factories.agreement(donor=actor_a, recipient=actor_b, parent=parent)

    response = history(api_for(colleague), "funding.fundingagreement", sub_grant.pk)

    assert "HIDDEN-PARENT" not in response.content.decode()
    assert response.json()["results"][-1]["changes"]["parent"] == [None, {"id": None, "repr": "—hidden—"}]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({}, 400),
        ({"model": "programmes.programme"}, 400),
        ({"model": "programmes.programme", "object_id": "abc"}, 400),
        ({"model": "programmes.programme", "object_id": "99999999999999999999999"}, 400),
        ({"model": "programmes.programmeparticipant", "object_id": 1}, 404),  # shown on its programme
        ({"model": "no.such", "object_id": 1}, 404),
    ],
)
def test_it_refuses_bad_queries_with_the_error_shape(owner, query, status):
    response = api_for(owner).get("/api/history/", query)

    assert response.status_code == status
    assert set(response.json()["error"]) == {"status", "code", "message", "fields"}


def test_it_needs_a_signed_in_user():
    programme = factories.programme()

    assert APIClient().get(
        "/api/history/", {"model": "programmes.programme", "object_id": programme.pk}
    ).status_code in (
        401,
        403,
    )


def test_it_costs_the_same_queries_for_a_short_and_a_long_history(owner, actor_a, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    programme = factories.programme(reporting_actor=actor_a)
    api = api_for(owner)
    history(api, "programmes.programme", programme.pk)
    with CaptureQueriesContext(connection) as few:
        history(api, "programmes.programme", programme.pk)
    for number in range(60):
        with audit_context(user=owner, interface="api"):
            programme.title = f"Title {number}"
            programme.save()

    with django_assert_num_queries(len(few)):
        response = history(api, "programmes.programme", programme.pk)

    assert len(response.json()["results"]) == 50
