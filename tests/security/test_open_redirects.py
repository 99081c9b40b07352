"""No view sends a user to another site: sign-in (`next`), its second step (tests/security/test_two_factor.py),
the admin's login, the language switch (`next` and the Referer), and the link-removal page (`next`)."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-1"
OFF_SITE = [
    "https://evil.example/",
    "http://evil.example/login",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    " //evil.example",
    "javascript:alert(document.cookie)",
    "https://testserver.evil.example/",
    "http://testserver@evil.example/",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_redirects_off_site(client, target):
    factories.user("alice")
    response = client.post(f"/accounts/login/?next={target}", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_ignores_an_off_site_next_in_the_form_too(client, target):
    factories.user("alice")
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD, "next": target})
    assert response["Location"] == "/"


def test_sign_in_keeps_a_local_next(client):
    factories.user("alice")
    response = client.post("/accounts/login/?next=/analyses/%3Fq%3Dx", {"username": "alice", "password": PASSWORD})
    assert response["Location"] == "/analyses/?q=x"


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_admin_login_passes_an_off_site_next_only_to_the_checked_portal_login(client, target):
    factories.user("alice", superuser=True)
    redirect = client.get("/admin/login/", {"next": target})
    assert redirect["Location"].startswith("/accounts/login/?next=")
    response = client.post(redirect["Location"], {"username": "alice", "password": PASSWORD})
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_language_switch_never_redirects_off_site(client, target):
    response = client.post("/i18n/setlang/", {"language": "nb", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("referer", ["https://evil.example/", "//evil.example/"])
def test_the_language_switch_ignores_an_off_site_referer(client, referer):
    response = client.post("/i18n/setlang/", {"language": "nb"}, HTTP_REFERER=referer)
    assert response["Location"] == "/"


def test_the_language_switch_returns_to_the_page_it_came_from(client):
    response = client.post("/i18n/setlang/", {"language": "nb", "next": "/programmes/?country=SS"})
    assert response["Location"] == "/programmes/?country=SS"


@pytest.mark.parametrize("target", OFF_SITE)
def test_removing_a_link_never_redirects_off_site(client, owner, actor_a, target):
    mine = factories.programme(reporting_actor=actor_a)
    link = factories.link(mine, factories.programme())
    client.force_login(owner)
    response = client.post(f"/links/{link.pk}/remove/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/links/?show=confirmed"
