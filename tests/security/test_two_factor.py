"""Optional two-factor sign-in (TOTP, django-otp): enrol with a QR code drawn on the server, then every
sign-in needs a code after the password; REQUIRE_REVIEWER_2FA makes reviewers enrol. Real codes, computed
from the device's secret exactly as an authenticator app does."""

import base64
import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

PASSWORD = "a-long-test-password-1"
pytestmark = pytest.mark.django_db


def code(device, *, steps_ahead=0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def sign_in(client, username, next_url=""):
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": PASSWORD})


@pytest.fixture
def alice():
    return factories.user("alice")


def test_without_an_authenticator_the_password_alone_signs_in(client, alice):
    response = sign_in(client, "alice")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_a_user_sets_up_an_authenticator_from_a_server_drawn_qr_code(client, alice):
    client.force_login(alice)
    assert "Two-factor sign-in is off" in client.get("/accounts/two-factor/").content.decode()

    page = client.post("/accounts/two-factor/", {"action": "start"}).content.decode()
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    qr = re.search(r'<img class="qr-code" src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert qr and b"<svg" in base64.b64decode(qr.group(1))
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    otpauth = re.search(r"otpauth://totp/[^<\"]+", page).group(0).replace("&amp;", "&")
    assert parse_qs(urlparse(otpauth).query)["issuer"] == ["Nexus portal"]
    assert "http" not in page.split('class="qr-code"')[1].split(">")[0]  # nothing fetched from elsewhere

    wrong = client.post("/accounts/two-factor/", {"action": "confirm", "code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1  # django-otp slows down the next try (1 s, then 2, 4, ...)
    device.throttle_reset()  # as if that second had passed

    confirmed = client.post("/accounts/two-factor/", {"action": "confirm", "code": code(device)})
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_once_enrolled_the_password_only_opens_the_second_step(client, alice):
    enrolled(alice)
    response = sign_in(client, "alice", next_url="/programmes/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
    assert SESSION_KEY not in client.session  # not signed in yet: pages, admin and API see a visitor
    assert client.get("/").status_code == 302
    assert client.get("/api/programmes/").status_code in (401, 403)
    page = client.get("/accounts/login/code/").content.decode()
    assert "Enter your code" in page and 'autocomplete="one-time-code"' in page


def test_the_right_code_signs_in_and_goes_to_the_page_asked_for(client, alice):
    device = enrolled(alice)
    sign_in(client, "alice", next_url="/programmes/")
    response = client.post("/accounts/login/code/", {"code": code(device)})
    assert response.status_code == 302 and response["Location"] == "/programmes/"
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(client, alice):
    from axes.models import AccessAttempt

    enrolled(alice)
    sign_in(client, "alice")
    response = client.post("/accounts/login/code/", {"code": "123456"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert AccessAttempt.objects.get(username="alice").failures_since_start == 1


def test_guessing_codes_locks_the_account_like_guessing_passwords(client, alice, settings):
    device = enrolled(alice)
    sign_in(client, "alice")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/accounts/login/code/", {"code": "123456"})
    last = client.post("/accounts/login/code/", {"code": "123456"})
    assert last.status_code == 429 and "Sign-in locked" in last.content.decode()
    assert sign_in(client, "alice").status_code == 429  # even the right password now waits for the cool-off
    assert client.post("/accounts/login/code/", {"code": code(device)}).status_code == 302  # back to the start
    assert SESSION_KEY not in client.session


def test_a_code_cannot_be_used_twice(client, alice):
    device = enrolled(alice)
    used = code(device)
    sign_in(client, "alice")
    assert client.post("/accounts/login/code/", {"code": used}).status_code == 302
    client.post("/accounts/logout/")

    sign_in(client, "alice")
    replay = client.post("/accounts/login/code/", {"code": used})
    assert replay.status_code == 200 and SESSION_KEY not in client.session


def test_the_second_step_expires(client, alice, settings):
    device = enrolled(alice)
    sign_in(client, "alice")
    session = client.session
    session["nexus_two_factor_pending"]["started"] -= settings.TWO_FACTOR_PENDING_SECONDS + 1
    session.save()
    response = client.post("/accounts/login/code/", {"code": code(device)}, follow=True)
    assert "Please sign in again" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_the_second_step_without_a_password_first_goes_back_to_sign_in(client):
    response = client.get("/accounts/login/code/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_the_second_step_never_redirects_off_site(client, alice, target):
    device = enrolled(alice)
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD, "next": target})
    response = client.post("/accounts/login/code/", {"code": code(device)})
    assert response.status_code == 302 and response["Location"] == "/"


def test_reviewers_must_enrol_when_the_setting_requires_it(client, settings):
    settings.REQUIRE_REVIEWER_2FA = True
    reviewer = factories.user("norad", reviewer=True)
    response = sign_in(client, "norad")
    assert response["Location"] == "/accounts/login/code/"
    page = client.get("/accounts/login/code/").content.decode()
    assert "Set up two-factor sign-in" in page and "data:image/svg+xml;base64," in page
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert client.get("/accounts/login/code/").status_code == 200
    assert TOTPDevice.objects.get(user=reviewer, confirmed=False) == device  # the same secret on reload

    response = client.post("/accounts/login/code/", {"code": code(device)})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(reviewer.pk)
    device.refresh_from_db()
    assert device.confirmed


def test_the_requirement_leaves_other_users_alone(client, alice, settings):
    settings.REQUIRE_REVIEWER_2FA = True
    assert sign_in(client, "alice")["Location"] == "/"


def test_a_user_turns_two_factor_off_with_a_current_code(client, alice):
    device = enrolled(alice)
    client.force_login(alice)
    assert client.post("/accounts/two-factor/", {"action": "disable", "code": "000000"}).status_code == 200
    assert TOTPDevice.objects.filter(user=alice).exists()
    device.refresh_from_db()
    device.throttle_reset()  # the wrong code's delay has passed
    assert client.post("/accounts/two-factor/", {"action": "disable", "code": code(device)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()


def test_a_reviewer_cannot_turn_off_a_required_second_factor(client, settings):
    settings.REQUIRE_REVIEWER_2FA = True
    reviewer = factories.user("norad", reviewer=True)
    device = enrolled(reviewer)
    client.force_login(reviewer)
    assert "cannot be turned off" in client.get("/accounts/two-factor/").content.decode()
    client.post("/accounts/two-factor/", {"action": "disable", "code": code(device)})
    assert TOTPDevice.objects.filter(user=reviewer, confirmed=True).exists()
