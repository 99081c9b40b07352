"""benchmarks/faults.py passes: Redis down, a worker killed mid-run, PostgreSQL restarted and concurrent edits,
each against real services it starts itself (a private PostgreSQL and Redis, gunicorn, a Celery worker).

Marked postgres + redis so CI runs it in the PostgreSQL pass (its own services do not need the machine's, but
that pass is where the server binaries are known to be installed). Its report goes to test-artifacts/faults.txt.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
ROOT = Path(settings.BASE_DIR)


def test_the_fault_script_passes_every_check():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "benchmarks/faults.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    report = result.stdout + result.stderr
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "faults.txt").write_text(report)
    print(report)
    assert result.returncode == 0, report
    for section in ("(a) Redis down", "(b) Celery worker killed", "(c) PostgreSQL stopped", "(d) Two sessions"):
        assert section in report, f"the report has no section {section!r}"
    assert "[FAIL]" not in report and "PASSED: 0 failed check(s)" in report
