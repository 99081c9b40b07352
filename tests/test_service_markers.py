"""The postgres/redis markers skip locally without the service and fail under CI=true (tests/conftest.py)."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_REASON, REDIS_REASON, missing_service, redis_answers, running_under_ci

REPO_ROOT = Path(__file__).resolve().parent.parent


def _never_called(url):
    raise AssertionError(f"Redis must not be pinged here (url={url!r})")


def test_unmarked_or_satisfied_tests_run():
    assert missing_service(set(), db_vendor="sqlite", redis_url="", ping=_never_called) is None
    assert missing_service({"postgres"}, db_vendor="postgresql", redis_url="", ping=_never_called) is None
    assert missing_service({"redis"}, db_vendor="sqlite", redis_url="redis://x:6379/15", ping=lambda u: True) is None


def test_postgres_marker_needs_postgresql():
    reason = missing_service({"postgres"}, db_vendor="sqlite", redis_url="", ping=_never_called)
    assert reason is not None
    assert reason.startswith(POSTGRES_REASON)


def test_redis_marker_needs_redis_url():
    reason = missing_service({"redis"}, db_vendor="postgresql", redis_url="", ping=_never_called)
    assert reason is not None
    assert reason.startswith(REDIS_REASON)
    assert "not set" in reason


def test_redis_marker_needs_an_answering_server():
    pinged = []

    def ping(url):
        pinged.append(url)
        return False

    reason = missing_service({"redis"}, db_vendor="postgresql", redis_url="redis://x:6379/15", ping=ping)
    assert reason is not None
    assert reason.startswith(REDIS_REASON)
    assert pinged == ["redis://x:6379/15"]


def test_redis_ping_is_false_for_a_closed_port():
    # Port 1 on loopback refuses connections, so this exercises the real client quickly.
    assert redis_answers("redis://127.0.0.1:1/15") is False


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("1", True), ("TRUE", True), ("", False), ("false", False)]
)
def test_ci_detection(monkeypatch, value, expected):
    monkeypatch.setenv("CI", value)
    assert running_under_ci() is expected


def _run_inner_suite(tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess:
    """Run a tiny suite with our hook in a fresh pytest process on SQLite without Redis."""
    (tmp_path / "pytest.ini").write_text(
        textwrap.dedent(
            """\
            [pytest]
            addopts = --strict-markers -p no:cacheprovider -p no:xdist
            markers =
                postgres: needs PostgreSQL
                redis: needs Redis
            """
        )
    )
    # Import only the hook: the rest of tests/conftest.py (fixtures added later) stays out of this run.
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_runtest_setup  # noqa: F401\n")
    (tmp_path / "test_inner.py").write_text(
        textwrap.dedent(
            """\
            import pytest

            def test_plain():
                pass

            @pytest.mark.postgres
            def test_needs_postgres():
                pass

            @pytest.mark.redis
            def test_needs_redis():
                pass
            """
        )
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYTEST_") and k not in {"CI", "DATABASE_URL", "REDIS_URL", "PYTHONPATH"}
    }
    env.update(
        PYTHONPATH=str(REPO_ROOT),
        DJANGO_SETTINGS_MODULE="nexus_portal.settings",
        NEXUS_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'inner.sqlite3'}",
    )
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-rsE", "-q", "test_inner.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_hook_skips_without_services_locally(tmp_path):
    result = _run_inner_suite(tmp_path, ci=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "1 passed, 2 skipped" in output, output
    assert POSTGRES_REASON in output, output
    assert REDIS_REASON in output, output


def test_hook_fails_without_services_under_ci(tmp_path):
    result = _run_inner_suite(tmp_path, ci=True)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "1 passed, 2 errors" in output, output
    assert "skipped" not in output, output
    assert POSTGRES_REASON in output, output
    assert REDIS_REASON in output, output
