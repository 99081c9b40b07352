"""Actors and memberships over the API: directory for the signed-in, changes by managers only."""

import pytest
from rest_framework.test import APIClient

from actors.choices import MembershipRole
from actors.models import Actor, Membership
from nexus_portal.api.tokens import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user=None, *, token_read_only: bool | None = None) -> APIClient:
    api = APIClient()
    if token_read_only is not None:
        _, key = ApiToken.issue(user=user, name="test", read_only=token_read_only)
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    elif user is not None:
        api.force_authenticate(user)
    return api


@pytest.fixture
def nrc():
    return factories.actor("Norwegian Refugee Council", acronym="NRC")


@pytest.fixture
def manager(nrc):
    user = factories.user("manager")
    factories.member(user, nrc, MembershipRole.MANAGER)
    return user


def test_anonymous_users_get_401_with_the_error_shape(nrc):
    response = APIClient().get("/api/actors/")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"status", "code", "message", "fields"}


def test_every_signed_in_user_reads_the_directory(nrc):
    response = client_for(factories.user()).get("/api/actors/?q=refugee")
    assert [row["acronym"] for row in response.json()["results"]] == ["NRC"]


def test_a_manager_changes_their_actor(nrc, manager):
    factories.area("SS")
    response = client_for(manager).patch(f"/api/actors/{nrc.pk}/", {"acronym": "NRC-N", "countries": ["SS"]}, "json")
    assert response.status_code == 200, response.json()
    nrc.refresh_from_db()
    assert nrc.acronym == "NRC-N"
    assert [area.pcode for area in nrc.countries.all()] == ["SS"]


@pytest.mark.parametrize("role", [MembershipRole.VIEWER, MembershipRole.EDITOR])
def test_members_below_manager_cannot_change_the_actor(nrc, role):
    user = factories.user()
    factories.member(user, nrc, role)
    response = client_for(user).patch(f"/api/actors/{nrc.pk}/", {"acronym": "X"}, format="json")
    assert response.status_code == 404
    nrc.refresh_from_db()
    assert nrc.acronym == "NRC"


def test_a_read_only_token_cannot_change_even_the_managers_actor(nrc, manager):
    response = client_for(manager, token_read_only=True).patch(f"/api/actors/{nrc.pk}/", {"acronym": "X"}, "json")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "This token is read-only."


def test_only_superusers_create_actors():
    payload = {"name": "Hope Sudan", "kind": "national_ngo", "localness": "national"}
    assert client_for(factories.user()).post("/api/actors/", payload, format="json").status_code == 403
    response = client_for(factories.user(superuser=True)).post("/api/actors/", payload, format="json")
    assert response.status_code == 201
    assert Actor.objects.filter(name="Hope Sudan").count() == 1


def test_actors_cannot_be_deleted_through_the_api(nrc, manager):
    assert client_for(manager).delete(f"/api/actors/{nrc.pk}/").status_code == 405
    assert Actor.objects.filter(pk=nrc.pk).exists()


def test_a_duplicate_iati_identifier_is_refused_with_the_models_message(nrc, manager):
    factories.actor("Other", iati_identifier="NO-1")
    response = client_for(manager).patch(f"/api/actors/{nrc.pk}/", {"iati_identifier": "NO-1"}, format="json")
    assert response.status_code == 400
    assert "IATI organisation identifier" in str(response.json()["error"]["fields"])


def test_users_see_their_own_and_their_managed_memberships(nrc, manager):
    colleague = factories.user("colleague")
    factories.member(colleague, nrc, MembershipRole.VIEWER)
    elsewhere = factories.user("elsewhere")
    factories.member(elsewhere, factories.actor(), MembershipRole.EDITOR)
    seen_by_manager = client_for(manager).get("/api/memberships/").json()["results"]
    seen_by_colleague = client_for(colleague).get("/api/memberships/").json()["results"]
    assert sorted(row["username"] for row in seen_by_manager) == ["colleague", "manager"]
    assert [row["username"] for row in seen_by_colleague] == ["colleague"]


def test_a_manager_adds_and_removes_members_of_their_actor(nrc, manager):
    newcomer = factories.user("newcomer")
    api = client_for(manager)
    response = api.post("/api/memberships/", {"user": newcomer.pk, "actor": nrc.pk, "role": "editor"}, format="json")
    assert response.status_code == 201, response.json()
    assert api.delete(f"/api/memberships/{response.json()['id']}/").status_code == 204
    assert not Membership.objects.filter(user=newcomer).exists()


def test_a_manager_cannot_add_members_to_another_actor(manager):
    other = factories.actor()
    payload = {"user": manager.pk, "actor": other.pk, "role": "manager"}
    assert client_for(manager).post("/api/memberships/", payload, format="json").status_code == 403
    assert not Membership.objects.filter(actor=other).exists()


def test_an_editor_cannot_add_members(nrc):
    editor = factories.user()
    factories.member(editor, nrc, MembershipRole.EDITOR)
    payload = {"user": factories.user().pk, "actor": nrc.pk, "role": "viewer"}
    assert client_for(editor).post("/api/memberships/", payload, format="json").status_code == 403
    assert Membership.objects.filter(actor=nrc).count() == 1


def test_a_membership_cannot_move_to_another_actor(nrc, manager):
    colleague = factories.user()
    membership = factories.member(colleague, nrc, MembershipRole.VIEWER)
    other = factories.actor()
    response = client_for(manager).patch(f"/api/memberships/{membership.pk}/", {"actor": other.pk}, format="json")
    assert response.status_code == 400
    membership.refresh_from_db()
    assert membership.actor == nrc


def test_reviewers_read_all_memberships_but_change_none(nrc, manager):
    reviewer = factories.user(reviewer=True)
    membership = Membership.objects.get(user=manager)
    api = client_for(reviewer)
    assert api.get("/api/memberships/").json()["count"] == 1
    assert api.patch(f"/api/memberships/{membership.pk}/", {"role": "viewer"}, format="json").status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_the_actor_list_takes_the_same_queries_at_any_size(django_assert_num_queries, rows):
    country = factories.area("SS")
    for _ in range(rows):
        factories.actor().countries.add(country)
    api = client_for(factories.user())
    with django_assert_num_queries(3):  # count, page, countries
        response = api.get("/api/actors/?page_size=100")
    assert response.json()["count"] == rows
