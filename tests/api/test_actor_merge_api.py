"""Possible duplicates, merging and the merge history over the API: the same rules as the pages."""

import pytest
from rest_framework.test import APIClient

from actors.choices import MembershipRole
from actors.models import Actor, ActorMerge
from nexus_portal.api.tokens import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db


def api(user=None, *, read_only_token: bool | None = None) -> APIClient:
    client = APIClient()
    if read_only_token is not None:
        _, key = ApiToken.issue(user=user, name="test", read_only=read_only_token)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    elif user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def nrc():
    return factories.actor("Norwegian Refugee Council", acronym="NRC")


@pytest.fixture
def copy():
    return factories.actor("Norwegian Refugee Council (import)")


@pytest.fixture
def manager(nrc):
    user = factories.user()
    factories.member(user, nrc, MembershipRole.MANAGER)
    return user


def test_reviewers_list_the_candidate_pairs_with_reasons(nrc, copy):
    response = api(factories.user(reviewer=True)).get("/api/actor-duplicates/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [pair] = body["results"]
    assert (pair["a"]["id"], pair["b"]["id"]) == (nrc.pk, copy.pk)
    assert [reason["code"] for reason in pair["reasons"]] == ["name", "initials"]
    assert pair["reasons"][1]["text"] == "NRC is made of the initials of “Norwegian Refugee Council (import)”"
    assert pair["score"] == 90


def test_the_candidate_list_is_paginated(superuser):
    for number in range(3):
        factories.actor(f"Relief Network {number}")
        factories.actor(f"RELIEF NETWORK {number}")

    response = api(superuser).get("/api/actor-duplicates/?page_size=2&page=2")

    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 1


def test_users_without_a_manager_role_may_not_list_duplicates(owner):
    response = api(owner).get("/api/actor-duplicates/")

    assert response.status_code == 403
    assert (
        response.json()["error"]["message"] == "Only reviewers and managers of an organisation see possible duplicates."
    )


def test_a_manager_merges_an_imported_copy_and_gets_the_history_record(nrc, copy, manager):
    factories.programme(reporting_actor=copy)

    response = api(manager).post(f"/api/actors/{nrc.pk}/merge/", {"duplicate": copy.pk}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kept"], body["merged_pk"], body["merged_name"]) == (nrc.pk, copy.pk, copy.name)
    assert body["moved"] == {"programmes.Programme.reporting_actor": 1, "programmes.ProgrammeParticipant.actor": 1}
    assert "memberships" not in body["merged_snapshot"]  # a manager is not a reviewer: no member list
    assert body["merged_snapshot"]["name"] == copy.name
    assert not Actor.objects.filter(pk=copy.pk).exists()


def test_a_refused_merge_answers_400_in_the_error_shape(nrc, copy, manager):
    recipient = factories.actor()
    factories.agreement(donor=nrc, recipient=recipient, reference="QZA-9")
    factories.agreement(donor=copy, recipient=recipient, reference="QZA-9")

    response = api(manager).post(f"/api/actors/{nrc.pk}/merge/", {"duplicate": copy.pk}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "QZA-9" in error["fields"]["duplicate"][0]
    assert Actor.objects.filter(pk=copy.pk).exists()


def test_merging_an_actor_into_itself_is_a_400(nrc, manager):
    response = api(manager).post(f"/api/actors/{nrc.pk}/merge/", {"duplicate": nrc.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["duplicate"] == ["An actor cannot be merged into itself."]


def test_a_manager_may_not_merge_an_actor_with_members_of_its_own(nrc, manager, actor_b, colleague):
    response = api(manager).post(f"/api/actors/{nrc.pk}/merge/", {"duplicate": actor_b.pk}, format="json")

    assert response.status_code == 403
    assert "Ask a site administrator" in response.json()["error"]["message"]
    assert Actor.objects.filter(pk=actor_b.pk).exists()


def test_a_pair_the_user_has_nothing_to_do_with_is_404(nrc, copy, colleague):
    response = api(colleague).post(f"/api/actors/{nrc.pk}/merge/", {"duplicate": copy.pk}, format="json")

    assert response.status_code == 404
    assert set(response.json()["error"]) == {"status", "code", "message", "fields"}
    assert Actor.objects.filter(pk=copy.pk).exists()


def test_an_unknown_field_or_missing_duplicate_is_a_400(nrc, copy, manager):
    client = api(manager)

    unknown = client.post(f"/api/actors/{nrc.pk}/merge/", {"duplicate": copy.pk, "keep": 1}, format="json")
    missing = client.post(f"/api/actors/{nrc.pk}/merge/", {"duplicate": 999999}, format="json")

    assert unknown.json()["error"]["fields"] == {"keep": ["Unknown field."]}
    assert missing.status_code == 400
    assert "duplicate" in missing.json()["error"]["fields"]


def test_a_read_only_token_cannot_merge(nrc, copy, manager):
    response = api(manager, read_only_token=True).post(
        f"/api/actors/{nrc.pk}/merge/", {"duplicate": copy.pk}, format="json"
    )

    assert response.status_code == 403
    assert Actor.objects.filter(pk=copy.pk).exists()


def test_every_signed_in_user_reads_the_merge_history_and_reviewers_see_the_whole_snapshot(nrc, copy, superuser):
    member = factories.user()
    factories.member(member, copy, MembershipRole.VIEWER)
    api(superuser).post(f"/api/actors/{nrc.pk}/merge/", {"duplicate": copy.pk}, format="json")

    plain = api(factories.user()).get("/api/actor-merges/").json()
    reviewed = api(factories.user(reviewer=True)).get(f"/api/actor-merges/?kept={nrc.pk}").json()

    assert [row["merged_name"] for row in plain["results"]] == [copy.name]
    assert "memberships" not in plain["results"][0]["merged_snapshot"]
    assert reviewed["results"][0]["merged_snapshot"]["memberships"] == [{"user": member.pk, "role": "viewer"}]
    assert api().get("/api/actor-merges/").status_code == 401
    assert ActorMerge.objects.count() == 1


def test_the_history_cannot_be_written_through_the_api(superuser, nrc):
    record = ActorMerge.objects.create(kept=nrc, merged_pk=5, merged_name="Old")

    assert api(superuser).post("/api/actor-merges/", {}, format="json").status_code == 405
    assert api(superuser).delete(f"/api/actor-merges/{record.pk}/").status_code == 405
