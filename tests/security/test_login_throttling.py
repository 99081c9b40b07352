"""django-axes throttles sign-in: after LOGIN_FAILURE_LIMIT failures for one username from one address the
pair is locked for the cool-off, even with the right password; API tokens are not affected."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from nexus_portal.api.tokens import ApiToken
from nexus_portal.security import client_ip
from tests import factories

PASSWORD = "a-long-test-password-1"  # what factories.user sets
pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return factories.user("alice")


def sign_in(client, password, username="alice", **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def fail_until_locked(client, settings, **extra):
    responses = [sign_in(client, "wrong-password", **extra) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    return responses[-1]


def test_the_limit_and_cool_off_are_the_documented_defaults(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_repeated_failures_lock_the_account_with_a_message(client, alice, settings):
    locked = fail_until_locked(client, settings)

    assert locked.status_code == 429
    content = locked.content.decode()
    assert "Sign-in locked" in content
    assert "Signing in is locked for 15 minutes." in content
    assert locked["Retry-After"] == str(15 * 60)


def test_the_right_password_is_refused_until_the_cool_off_has_passed(client, alice, settings):
    fail_until_locked(client, settings)

    refused = sign_in(client, PASSWORD)
    assert refused.status_code == 429
    assert SESSION_KEY not in client.session

    # The cool-off passes: move the recorded failures back in time, as the clock would.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    allowed = sign_in(client, PASSWORD)
    assert allowed.status_code == 302 and allowed["Location"] == "/"
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_a_failure_during_the_lockout_restarts_the_cool_off(client, alice, settings):
    fail_until_locked(client, settings)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(seconds=30))
    assert sign_in(client, "still-guessing").status_code == 429  # 30 s before the end: the clock starts again

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=5))
    assert sign_in(client, PASSWORD).status_code == 429


def test_fewer_failures_than_the_limit_do_not_lock_and_success_resets_the_count(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong-password").status_code == 200
    assert sign_in(client, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong-password").status_code == 200  # counting starts again from zero


def test_the_lockout_is_per_username_and_address(alice, settings):
    factories.user("bob")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    fail_until_locked(attacker, settings)

    assert sign_in(attacker, PASSWORD, username="bob").status_code == 302  # another account from there: fine
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(elsewhere, PASSWORD).status_code == 302  # alice from her own address: fine


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, alice, settings):
    fail_until_locked(client, settings)
    forged = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77")
    assert forged.status_code == 429


def test_api_tokens_keep_working_while_the_sign_in_is_locked(client, alice, settings):
    _, key = ApiToken.issue(user=alice, name="partner system")
    fail_until_locked(client, settings)

    response = Client().get("/api/programmes/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


def test_the_admin_signs_in_through_the_throttled_portal_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_a_signed_in_user_without_staff_rights_is_refused_the_admin_without_a_redirect_loop(client, alice):
    client.force_login(alice)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2


class FakeRequest:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


def test_the_client_address_is_the_socket_unless_a_trusted_proxy_is_configured(settings):
    settings.BEHIND_TLS_PROXY = False
    assert client_ip(FakeRequest("10.0.0.2", "1.2.3.4")) == "10.0.0.2"


def test_behind_a_proxy_the_address_it_saw_counts_not_what_the_client_claimed(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(FakeRequest("10.0.0.2", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(FakeRequest("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.1")) == "198.51.100.7"
    assert client_ip(FakeRequest("10.0.0.2", "198.51.100.7")) == "10.0.0.2"  # not through both proxies
    assert client_ip(FakeRequest("10.0.0.2")) == "10.0.0.2"
