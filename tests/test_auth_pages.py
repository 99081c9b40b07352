"""The signed-in shell: login, logout, password change, home page, error pages and /health/."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import path

from actors.choices import MembershipRole
from nexus_portal import urls as portal_urls
from tests import factories

PASSWORD = "a-long-test-password-1"  # what factories.user sets

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per password; these tests check the flow, not the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice():
    return factories.user("alice")


def test_the_login_page_renders_a_form_with_csrf(client):
    response = client.get("/accounts/login/")
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in content
    assert 'name="username"' in content and 'name="password"' in content
    assert 'autocomplete="current-password"' in content


def test_it_signs_in_with_good_credentials_and_goes_home(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_bad_credentials_show_an_error_and_keep_the_username(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong-password"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct username and password" in content
    assert 'role="alert"' in content
    assert 'value="alice"' in content
    assert SESSION_KEY not in client.session


def test_an_inactive_user_cannot_sign_in(client, alice):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_the_home_page_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_after_login_it_returns_to_the_page_asked_for(client, alice):
    response = client.post("/accounts/login/?next=/accounts/password/", {"username": "alice", "password": PASSWORD})
    assert response["Location"] == "/accounts/password/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "http://evil.example/login"])
def test_login_never_redirects_off_site(client, alice, target):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_is_a_post(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405
    assert SESSION_KEY in client.session

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert SESSION_KEY not in client.session


def test_the_user_menu_offers_a_logout_form_and_password_change(client, alice):
    client.force_login(alice)
    content = client.get("/").content.decode()
    assert '<form action="/accounts/logout/" method="post">' in content
    assert 'href="/accounts/password/"' in content
    assert '<a class="skip-link" href="#main">' in content and '<main id="main"' in content


def test_the_password_change_form_changes_the_password(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/password/").status_code == 200

    new_password = "harmattan-season-crossing-7"
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/done/"
    assert "Password changed" in client.get(response["Location"]).content.decode()
    alice.refresh_from_db()
    assert alice.check_password(new_password)
    assert SESSION_KEY in client.session  # the session survives its own password change


def test_the_password_change_form_rejects_a_too_short_password(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "kX9#mQ2", "new_password2": "kX9#mQ2"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in content
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_the_password_change_form_rejects_a_wrong_old_password(client, alice):
    client.force_login(alice)
    new_password = "harmattan-season-crossing-7"
    response = client.post(
        "/accounts/password/",
        {"old_password": "not-my-password", "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()


def test_password_change_requires_login(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password/"


def test_home_lists_memberships_and_recent_programmes(client, owner, actor_a):
    factories.programme(reporting_actor=actor_a, title="Water for Juba")
    client.force_login(owner)
    content = client.get("/").content.decode()
    assert "Actor A" in content and "Editor" in content
    assert "Water for Juba" in content
    assert "not a member of any organisation" not in content


def test_home_tells_a_user_without_memberships_to_ask_an_administrator(client, alice):
    client.force_login(alice)
    content = client.get("/").content.decode()
    assert "You are not a member of any organisation yet — ask an administrator" in content


def test_home_explains_the_reviewer_role(client, reviewer):
    client.force_login(reviewer)
    content = client.get("/").content.decode()
    assert "You are a reviewer" in content
    assert "As a reviewer you do not need to be." in content


def test_home_does_not_list_programmes_of_other_actors(client, owner, actor_b):
    factories.programme(reporting_actor=actor_b, title="Someone else's programme")
    client.force_login(owner)
    content = client.get("/").content.decode()
    assert "Someone else&#x27;s programme" not in content
    assert "Your organisations have not logged any programmes yet." in content


def home_queries(client, user) -> list[str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200
    return [query["sql"] for query in context.captured_queries]


def test_the_home_page_query_count_does_not_grow_with_the_programmes(client, owner, actor_a, settings):
    second_actor = factories.actor()
    factories.member(owner, second_actor, MembershipRole.MANAGER)

    def add_programmes(count):
        for index in range(count):
            factories.programme(reporting_actor=actor_a if index % 2 else second_actor)

    add_programmes(5)
    with_5 = home_queries(client, owner)
    add_programmes(45)
    with_50 = home_queries(client, owner)
    assert len(with_5) == len(with_50), "\n".join(with_50)
    # 1 session (none when sessions are read from Redis), 2 user, 3-4 the user's actor ids (viewer and manager
    # roles), 5 own programme count (up to 1,000), 6 open flag count (up to 1,000), 7 the ten most severe of
    # them, 8 visible programme count (up to 1,000; on PostgreSQL first the table's row estimate, which
    # replaces the count beyond 1,000), 9 memberships with their actors, 10 the ten recent programmes with
    # their reporting actors.
    session = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    estimate = 1 if connection.vendor == "postgresql" else 0
    assert len(with_50) == session + 9 + estimate, "\n".join(with_50)


def test_error_pages_render(client, alice):
    client.force_login(alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Not allowed" in render_to_string("403.html")


def _boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


# The portal's URLs plus one view that fails, used with @pytest.mark.urls(__name__).
urlpatterns = [path("boom/", _boom), *portal_urls.urlpatterns]


@pytest.mark.urls(__name__)
def test_a_crash_answers_the_portal_500_page_without_touching_the_database(client, django_assert_num_queries):
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_the_500_page_renders_without_a_request_and_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        content = render_to_string("500.html")  # server_error() renders it with an empty Context
    assert "Something went wrong" in content
    assert "csrfmiddlewaretoken" not in content


def test_health_reports_the_database(client, settings):
    settings.REDIS_URL = ""  # no broker or worker to report on (tests/test_health.py covers those)
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_home_counts_programmes_the_users_organisation_funds(client):
    from programmes.choices import OrganisationRole
    from programmes.models import ProgrammeParticipant

    embassy = factories.actor("Embassy")
    person = factories.user()
    factories.member(person, embassy)
    funded = factories.programme(title="Funded by the embassy")
    ProgrammeParticipant.objects.create(programme=funded, actor=embassy, role=OrganisationRole.FUNDING)
    factories.programme(title="Someone else's")
    client.force_login(person)

    response = client.get("/")

    assert response.context["own_programme_count"] == 1
    assert [p.title for p in response.context["recent_programmes"]] == ["Funded by the embassy"]
