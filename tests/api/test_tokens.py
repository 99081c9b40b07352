"""API tokens: issued on /accounts/tokens/, shown once, read-only by default, revocable."""

import re
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from actors.choices import MembershipRole
from nexus_portal.api.tokens import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/accounts/tokens/"


@pytest.fixture
def signed_in(client):
    user = factories.user("owner")
    client.force_login(user)
    return client, user


def bearer(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


def test_the_page_needs_a_login(client):
    assert client.get(URL).status_code == 302


def test_the_form_defaults_to_read_only(signed_in):
    client, _ = signed_in
    html = client.get(URL).content.decode()
    checkbox = re.search(r'<input type="checkbox" name="read_only"[^>]*>', html).group(0)
    assert "checked" in checkbox


def test_a_new_key_is_shown_once_and_never_again(signed_in):
    client, user = signed_in
    response = client.post(URL, {"action": "create", "name": "NGO database", "read_only": "on"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert "shown only this once" in response.content.decode()
    assert token.read_only and token.name == "NGO database"
    assert key not in client.get(URL).content.decode()
    assert key not in client.get(f"{URL}?revoke={token.pk}").content.decode()
    assert token.key_hash != key


def test_the_list_shows_name_read_only_created_last_used_and_revoked(signed_in):
    client, user = signed_in
    ApiToken.issue(user=user, name="Partner sync", read_only=False)
    ApiToken.issue(user=factories.user(), name="Somebody else's")
    html = client.get(URL).content.decode()
    assert "Partner sync" in html
    assert "Somebody else" not in html
    for heading in ("Read-only", "Created", "Last used", "Revoked"):
        assert heading in html


def test_revoking_asks_first_then_revokes_on_post(signed_in):
    client, user = signed_in
    token, _ = ApiToken.issue(user=user, name="Old")
    assert "Yes, revoke it" in client.get(f"{URL}?revoke={token.pk}").content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    client.post(URL, {"action": "revoke", "token": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_another_users_token(signed_in):
    client, _ = signed_in
    token, _ = ApiToken.issue(user=factories.user(), name="Theirs")
    assert client.post(URL, {"action": "revoke", "token": token.pk}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_revoked_token_gets_401_with_the_error_shape():
    token, key = ApiToken.issue(user=factories.user(), name="Old")
    assert bearer(key).get("/api/actors/").status_code == 200
    token.revoked_at = token.created_at
    token.save()
    response = bearer(key).get("/api/actors/")
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "status": 401,
            "code": "authentication_failed",
            "message": "Invalid or revoked token.",
            "fields": {},
        }
    }


def test_using_a_token_records_when_it_was_last_used():
    token, key = ApiToken.issue(user=factories.user(), name="Sync")
    bearer(key).get("/api/areas/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_used_again_within_the_minute_is_not_written_again(django_assert_num_queries):
    token, key = ApiToken.issue(user=factories.user(), name="Sync")
    api = bearer(key)
    api.get("/api/areas/?page_size=1")
    token.refresh_from_db()
    first_use = token.last_used_at

    with django_assert_num_queries(2):  # the token with its user, the list's ids (none here): no UPDATE
        api.get("/api/areas/?page_size=1")

    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    api.get("/api/areas/?page_size=1")
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_a_writable_token_writes_where_its_user_may():
    manager = factories.user()
    actor = factories.actor(acronym="OLD")
    factories.member(manager, actor, MembershipRole.MANAGER)
    _, key = ApiToken.issue(user=manager, name="Sync", read_only=False)
    response = bearer(key).patch(f"/api/actors/{actor.pk}/", {"acronym": "NEW"}, format="json")
    assert response.status_code == 200
    actor.refresh_from_db()
    assert actor.acronym == "NEW"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/actors/"),
        ("patch", "/api/actors/{pk}/"),
        ("put", "/api/actors/{pk}/"),
        ("post", "/api/memberships/"),
    ],
)
def test_a_read_only_token_gets_403_on_every_write(method, url):
    manager = factories.user()
    actor = factories.actor(acronym="OLD")
    factories.member(manager, actor, MembershipRole.MANAGER)
    _, key = ApiToken.issue(user=manager, name="Sync", read_only=True)
    api = bearer(key)
    assert api.get(f"/api/actors/{actor.pk}/").status_code == 200
    response = getattr(api, method)(url.format(pk=actor.pk), {"acronym": "NEW"}, format="json")
    assert response.status_code == 403
    actor.refresh_from_db()
    assert actor.acronym == "OLD"
