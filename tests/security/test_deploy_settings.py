"""Production settings (DEBUG off, a real SECRET_KEY and ALLOWED_HOSTS from the environment) pass
`manage.py check --deploy`; HTTPS, HSTS, secure cookies and the redirect follow the environment."""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(django_settings.BASE_DIR)
SETTINGS_FILE = ROOT / "nexus_portal" / "settings.py"
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "portal.example.org"}
KNOBS = ("DEBUG", "HTTPS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "BEHIND_TLS_PROXY", "SECURE_HSTS_PRELOAD")


def settings_with(monkeypatch, **env) -> dict:
    """The settings module evaluated afresh under `env` (in this process, without touching Django's)."""
    for name in KNOBS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def check_deploy(tmp_path, **env) -> subprocess.CompletedProcess:
    # Not the test run's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, never set in production).
    skip = {*KNOBS, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {key: value for key, value in os.environ.items() if key not in skip}
    # The checks need no data; a throwaway SQLite file keeps them off the test run's own database.
    environment.update(PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}", **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_production_settings_pass_check_deploy(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_when_https_is_turned_off(tmp_path):
    """The check has teeth: plain HTTP in production is reported."""
    result = check_deploy(tmp_path, HTTPS="false")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


def test_without_debug_https_hardening_is_on_by_default(monkeypatch):
    values = settings_with(monkeypatch, **PRODUCTION)
    assert values["HTTPS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert "SECURE_PROXY_SSL_HEADER" not in values  # no proxy is trusted unless configured
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SESSION_COOKIE_HTTPONLY"] is True and values["CSRF_COOKIE_HTTPONLY"] is True


def test_hsts_and_the_redirect_are_configurable(monkeypatch):
    values = settings_with(monkeypatch, **PRODUCTION, SECURE_HSTS_SECONDS="3600", BEHIND_TLS_PROXY="true",
                           SECURE_SSL_REDIRECT="false")  # fmt: skip
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert "security.W008" in values["SILENCED_SYSTEM_CHECKS"]


def test_debug_and_plain_http_setups_turn_the_https_settings_off(monkeypatch):
    for env in ({"DEBUG": "true"}, {**PRODUCTION, "HTTPS": "false"}):
        values = settings_with(monkeypatch, **env)
        assert values["SECURE_SSL_REDIRECT"] is False
        assert values["SESSION_COOKIE_SECURE"] is False
        assert values["SECURE_HSTS_SECONDS"] == 0


def test_passwords_need_twelve_characters_and_are_checked_against_common_ones():
    names = {validator["NAME"].rsplit(".", 1)[1]: validator for validator in django_settings.AUTH_PASSWORD_VALIDATORS}
    assert names["MinimumLengthValidator"]["OPTIONS"]["min_length"] == 12
    assert {"UserAttributeSimilarityValidator", "CommonPasswordValidator", "NumericPasswordValidator"} <= set(names)


def test_the_demo_password_meets_the_policy():
    from django.contrib.auth.password_validation import validate_password

    from nexus_portal.demo.users import DEMO_PASSWORD

    validate_password(DEMO_PASSWORD)  # raises ValidationError if it does not


@pytest.mark.django_db
def test_the_password_change_form_refuses_eleven_characters_and_accepts_twelve(client):
    from tests import factories

    person = factories.user("pat")
    client.force_login(person)
    old = "a-long-test-password-1"
    short = client.post("/accounts/password/", {"old_password": old, "new_password1": "kX9#mQ2vL8p",
                                                "new_password2": "kX9#mQ2vL8p"})  # fmt: skip
    assert "at least 12 characters" in short.content.decode()
    ok = client.post("/accounts/password/", {"old_password": old, "new_password1": "kX9#mQ2vL8pz",
                                             "new_password2": "kX9#mQ2vL8pz"})  # fmt: skip
    assert ok.status_code == 302
