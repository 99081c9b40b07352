"""Every URL of the portal refuses a POST without a CSRF token: forms, htmx endpoints, the admin, the
language switch, sign-in and its second step, and the API when it is used with the browser's session.
The URLs are read from the URL configuration, so a new view is covered the day it is added."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from tests import factories

pytestmark = pytest.mark.django_db

# Sample values for path parameters; a view need not find the object: the CSRF check comes first.
SAMPLES = {"pk": "1", "pcode": "SS", "object_id": "1", "url": "x", "format": "json", "app_label": "auth"}
# Views that may take POSTs without a token, and why (none today).
CSRF_EXEMPT: dict[str, str] = {}


def route_sample(pattern: str) -> str:
    pattern = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLES.get(m.group(1), "1"), pattern)
    return pattern


def regex_sample(pattern: str) -> str | None:
    if "format" in pattern:
        return None  # ".json" variants of the same API views

    def group(match):
        name, body = match.group(1), match.group(2)
        if name == "app_label":
            return body.split("|")[0]
        return SAMPLES.get(name, "1")

    text = re.sub(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)", group, pattern)
    text = text.replace("^", "").replace("$", "").replace("\\.", ".")
    return None if re.search(r"[\\()\[\]*+?]", text) else text


def every_url() -> list[str]:
    urls = set()

    def walk(patterns, prefix):
        for entry in patterns:
            raw = str(entry.pattern)
            part = route_sample(raw) if "(?P" not in raw and "^" not in raw else regex_sample(raw)
            if part is None:
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + part)
            elif isinstance(entry, URLPattern):
                urls.add("/" + prefix + part)

    walk(get_resolver().url_patterns, "")
    resolvable = []
    for url in sorted(urls):
        try:
            resolve(url)
        except Resolver404:
            continue
        resolvable.append(url)
    return resolvable


URLS = every_url()


def test_the_walk_finds_the_portals_forms_and_endpoints():
    for expected in ("/accounts/login/", "/accounts/login/code/", "/programmes/new/", "/programmes/1/edit/",
                     "/analyses/new/", "/coordination/flags/1/dismiss/", "/funding/requests/1/decide/",
                     "/i18n/setlang/", "/accounts/tokens/", "/accounts/two-factor/", "/api/programmes/",
                     "/admin/auth/group/add/"):  # fmt: skip
        assert expected in URLS, expected
    assert len(URLS) > 80


@pytest.fixture
def signed_in():
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.user(superuser=True))
    return client


def test_a_post_without_a_csrf_token_is_refused_everywhere(signed_in):
    """One client for all URLs (one sign-in, not hundreds); every offender is listed at once."""
    accepted = []
    for url in URLS:
        if url in CSRF_EXEMPT:
            continue
        response = signed_in.post(url, {"title": "x", "action": "start", "code": "123456"})
        # /api/docs/ renders DRF's refusal with the portal's HTML 403 page, which does not name the reason.
        named = b"CSRF" in response.content or url == "/api/docs/"
        if response.status_code != 403 or not named:
            accepted.append(f"{url} answered {response.status_code}")
    assert not accepted, "POSTs without a CSRF token that were not refused:\n" + "\n".join(accepted)


def test_sign_in_itself_needs_the_token():
    factories.user("alice")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "alice", "password": "a-long-test-password-1"})
    assert response.status_code == 403


def test_with_the_token_the_same_post_goes_through():
    """The refusals above are the CSRF check, not something else answering 403."""
    factories.user("alice")
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "a-long-test-password-1", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_api_tokens_need_no_csrf_token(signed_in):
    """Bearer tokens are not sent by browsers on their own, so cross-site requests cannot use them."""
    from nexus_portal.api.tokens import ApiToken

    _, key = ApiToken.issue(user=factories.user(), name="system", read_only=False)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/context-events/", {}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 400  # validated, not refused as a forgery
