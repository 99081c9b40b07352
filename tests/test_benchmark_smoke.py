"""benchmarks/load.py --smoke: the load benchmark runs end to end (a throw-away SQLite database, gunicorn,
every scenario) and reports each scenario without errors. The real run is in docs/performance.md."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {
    "trivial",
    "dashboard-all-countries",
    "dashboard-one-country",
    "programme-list",
    "programme-detail",
    "flag-inbox",
    "home",
    "api-programme-list",
    "api-programme-detail",
    "api-flag-list",
    "trivial-again",
}


def test_the_smoke_run_reports_every_scenario_without_errors(tmp_path):
    report = tmp_path / "load.json"

    finished = subprocess.run(
        [sys.executable, "benchmarks/load.py", "--smoke", "--json", str(report)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip

    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    results = json.loads(report.read_text())
    rows = {row["scenario"]: row for row in results["scenarios"]}
    assert set(rows) == SCENARIOS
    assert all(row["errors"] == 0 and row["requests"] > 0 for row in rows.values()), rows
    assert all(row["p95_ms"] > 0 and row["p95_ratio_to_trivial"] is not None for row in rows.values())
    assert results["smoke"] is True and results["machine"]["nproc"] >= 1
    assert "p95" in finished.stdout and "dashboard-one-country" in finished.stdout
