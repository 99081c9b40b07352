"""/health/ reports each dependency: 200 while the database answers (even with Redis or the worker down,
"degraded"), 503 when it does not; quick, and never a secret or an error message in the body."""

import time
from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone

from coordination.models import FlagRun
from nexus_portal import worker_heartbeat

DEAD_REDIS = "redis://:hunter2-secret@127.0.0.1:1/0"


@pytest.fixture
def heartbeat_key(monkeypatch):
    """A key of this test's own: real workers of other tests beat into the shared one."""
    key = f"nexus:test-heartbeats:{time.monotonic_ns()}"
    monkeypatch.setattr(worker_heartbeat, "KEY", key)
    return key


@pytest.mark.django_db
def test_with_the_embedded_defaults_everything_is_ok(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("not configured")
    assert body["checks"]["flag_runs"] == "no run yet"
    assert body["details"]["last_flag_run_age_seconds"] is None
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_it_reports_the_age_of_the_last_finished_flag_run(client, settings):
    settings.REDIS_URL = ""
    FlagRun.objects.create(
        trigger=FlagRun.Trigger.COMMAND, as_of=timezone.localdate(), status=FlagRun.Status.SUCCEEDED, lock=None,
        finished_at=timezone.now() - timezone.timedelta(minutes=10),
    )  # fmt: skip
    body = client.get("/health/").json()
    assert body["checks"]["flag_runs"] == "ok"
    assert 595 <= body["details"]["last_flag_run_age_seconds"] <= 660
    assert body["details"]["flag_run_running"] is False


@pytest.mark.django_db
def test_redis_down_is_degraded_but_still_200_and_quick_and_keeps_the_password_out(client, settings):
    settings.REDIS_URL = DEAD_REDIS
    started = time.monotonic()
    response = client.get("/health/")
    assert time.monotonic() - started < 2
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["redis"] == "down: ConnectionError"
    text = response.content.decode()
    assert "hunter2" not in text and "127.0.0.1" not in text


@pytest.mark.redis
@pytest.mark.django_db
def test_a_worker_heartbeat_makes_the_worker_ok(client, settings, heartbeat_key):
    import redis

    settings.REDIS_URL = __import__("os").environ["REDIS_URL"]
    redis_client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        assert client.get("/health/").json()["checks"]["worker"] == "down: no worker has reported"
        worker_heartbeat.beat(redis_client, "celery@test")
        body = client.get("/health/").json()
        assert body["checks"] == {**body["checks"], "redis": "ok", "worker": "ok"}
        assert body["details"]["workers_alive"] == 1
        redis_client.hset(heartbeat_key, "celery@test", f"{time.time() - 120:.3f}")
        assert client.get("/health/").json()["checks"]["worker"].startswith("down: silent for")
    finally:
        redis_client.delete(heartbeat_key)
        redis_client.close()


@contextmanager
def database_unreachable():
    """Point the connection at a port where nothing listens, as when PostgreSQL is down; then restore it."""
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1", PASSWORD="hunter2-secret")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_down_answers_503_without_details(client, settings):
    settings.REDIS_URL = ""
    with database_unreachable():
        response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"] == "down: OperationalError"
    assert body["checks"]["flag_runs"] == "unknown (database is down)"
    assert "hunter2" not in response.content.decode()
    assert client.get("/health/").status_code == 200  # and it recovers by itself
