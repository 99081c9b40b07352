"""Load benchmark of the web pages and the API: 10 concurrent users against gunicorn, scenario by scenario.

    # the 100,000-programme data set (see docs/performance.md, "Synthetic data at scale"), Redis as the cache:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nexus_synth REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python benchmarks/load.py

    .venv/bin/python benchmarks/load.py --smoke      # seconds: a fresh SQLite file, tiny data, a few requests

What it does:
1. (--smoke only) builds a throw-away SQLite database: migrate, load_reference, generate_synthetic, compute_flags.
   Otherwise it uses the configured DATABASE_URL as it is (it must hold the synthetic data and a flag run;
   the run leaves the dashboard's figures computed in Redis, or pass --warm). Runs ANALYZE on PostgreSQL.
2. collectstatic (not with --smoke, whose settings need no manifest), then starts gunicorn on the project's WSGI
   application (DEBUG off, static files through whitenoise, gthread workers; `--workers`/`--threads`), with
   BENCHMARK_VIEWS on for the /bench/ping/ baseline.
3. Signs in benchmark users by writing their sessions directly (no password hashing during the run) and
   issues each an API token. Half are reviewers, half members of the organisations with the most records.
4. For each scenario: a warm-up, then `--users` threads, each with its own keep-alive HTTP connection,
   session and token, send requests for `--duration` seconds (or `--requests` in all).
5. Prints p50/p95/p99 (ms), requests/s, errors and p95 ÷ p95 of the trivial view (measured first and last in
   the same run), and writes everything, with the machine's load, to benchmarks/results/*.json.

The load generator shares the machine with gunicorn and PostgreSQL: on two cores its own CPU is part of
what is measured, which is why the ratio to the trivial view is the figure to compare across runs.
"""

import argparse
import http.client
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"
TARGETS_MS = {  # p95 targets from shared/docs/engineering.md and issue #7
    "dashboard-all-countries": 300,
    "dashboard-one-country": 300,
    "programme-list": 150,
    "flag-inbox": 150,
    "api-programme-list": 150,
    "api-flag-list": 150,
}
DASHBOARD_MAX_RATIO = 5  # the dashboard's p95 within 5× the trivial view's


# -- scenarios ---------------------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    describe: str
    path: object  # (rng, user) -> path
    api: bool = False  # token instead of the session cookie


@dataclass
class Fixture:
    """What the scenarios pick from, read from the database before the server starts."""

    countries: list[str]
    biggest_country: str
    programme_ids: list[int]
    list_filters: list[tuple[str, str, int]]  # (country, sector code, status)


def scenarios(fx: Fixture) -> list[Scenario]:
    def pick(rng, items):
        return items[rng.randrange(len(items))]

    def programme_list(rng, user):
        country, sector, status = pick(rng, fx.list_filters)
        return f"/programmes/?country={country}&sector={sector}&status={status}"

    return [
        Scenario("trivial", "constant text through the middleware (/bench/ping/)", lambda rng, user: "/bench/ping/"),
        Scenario(
            "dashboard-all-countries",
            "dashboard of a random country among all of them",
            lambda rng, user: f"/coordination/dashboard/?country={pick(rng, fx.countries)}",
        ),
        Scenario(
            "dashboard-one-country",
            f"dashboard of the country with the most programmes ({fx.biggest_country})",
            lambda rng, user: f"/coordination/dashboard/?country={fx.biggest_country}",
        ),
        Scenario("programme-list", "programmes filtered by country + sector + status", programme_list),
        Scenario(
            "programme-detail",
            "a random programme's page",
            lambda rng, user: f"/programmes/{pick(rng, fx.programme_ids)}/",
        ),
        Scenario(
            "flag-inbox", "the flag inbox (open and acknowledged flags)", lambda rng, user: "/coordination/flags/"
        ),
        Scenario("home", "the home page after sign-in", lambda rng, user: "/"),
        Scenario("api-programme-list", "GET /api/programmes/ (page of 50)", lambda rng, user: "/api/programmes/", True),
        Scenario(
            "api-programme-detail",
            "GET /api/programmes/<random id>/",
            lambda rng, user: f"/api/programmes/{pick(rng, fx.programme_ids)}/",
            True,
        ),
        Scenario("api-flag-list", "GET /api/flags/ (page of 50)", lambda rng, user: "/api/flags/", True),
        Scenario("trivial-again", "the trivial view again, at the end", lambda rng, user: "/bench/ping/"),
    ]


# -- the load generator ------------------------------------------------------------------------------


@dataclass
class User:
    username: str
    session: str
    token: str
    reviewer: bool


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    first_ms: float = 0.0  # the slowest warm-up request: what a cold cache costs


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


class Client:
    """One virtual user: a keep-alive connection, reopened after an error."""

    def __init__(self, port: int, user: User):
        self.port, self.user, self.connection = port, user, None

    def get(self, path: str, api: bool) -> tuple[int, bytes]:
        headers = {"Accept-Language": "en"}
        if api:
            headers["Authorization"] = f"Bearer {self.user.token}"
        else:
            headers["Cookie"] = f"sessionid={self.user.session}"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.connection.request("GET", path, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, body
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def drive(port: int, users: list[User], scenario: Scenario, *, seconds: float, total: int | None, seed: int) -> Result:
    """`len(users)` threads send requests until the time (or the request budget) is used up."""
    result, lock = Result(), threading.Lock()
    remaining = [total] if total else None
    deadline = time.perf_counter() + seconds

    def work(index: int, user: User) -> None:
        rng = random.Random(seed * 1000 + index)
        client = Client(port, user)
        try:
            while time.perf_counter() < deadline:
                if remaining is not None:
                    with lock:
                        if remaining[0] <= 0:
                            return
                        remaining[0] -= 1
                path = scenario.path(rng, user)
                started = time.perf_counter()
                try:
                    status, body = client.get(path, scenario.api)
                    problem = None if status == 200 else f"{status} {path}: {body[:200]!r}"
                except Exception as error:  # a refused or dropped connection counts as an error
                    problem = f"{type(error).__name__} {path}: {error}"
                took = (time.perf_counter() - started) * 1000
                with lock:
                    result.latencies_ms.append(took)
                    if problem:
                        result.errors += 1
                        if len(result.error_samples) < 5:
                            result.error_samples.append(problem)
        finally:
            client.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i, user), daemon=True) for i, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed_s = time.perf_counter() - started
    return result


# -- preparing the database and the server -----------------------------------------------------------


def machine() -> dict:
    memory = {}
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            key, value = line.split(":", 1)
            if key in ("MemTotal", "MemAvailable"):
                memory[key] = f"{int(value.split()[0]) // 1024} MiB"
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "memory": memory, "loadavg": list(os.getloadavg()), "uptime": uptime()}


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def build_smoke_database(programmes: int) -> None:
    from io import StringIO

    from django.core.management import call_command

    quiet = StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_reference", stdout=quiet)
    call_command("generate_synthetic", programmes=str(programmes), countries="2", stdout=quiet)
    call_command("compute_flags", full=True, stdout=quiet)


def analyze() -> None:
    """Fresh planner statistics, as autovacuum keeps them in production (this server may run without it)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def collect_static() -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0, stdout=StringIO())


def read_fixture(seed: int) -> Fixture:
    from django.db.models import Count

    from coordination.selectors.scope import dashboard_countries
    from programmes.models import Programme, ProgrammeLocation, ProgrammeSector

    rng = random.Random(seed)
    countries = [code for code, _name in dashboard_countries()]
    if not countries:
        raise SystemExit("No programme has a location: load the synthetic data first (see docs/performance.md).")
    sizes = (
        ProgrammeLocation.objects.values("area__country_code")
        .annotate(n=Count("programme_id", distinct=True))
        .order_by("-n")
    )
    biggest = sizes[0]["area__country_code"]
    top = Programme.objects.order_by("-pk").values_list("pk", flat=True).first()
    ids = sorted({rng.randint(1, top) for _ in range(2000)})
    ids = list(Programme.objects.filter(pk__in=ids).values_list("pk", flat=True)) or [top]
    # Filter combinations that exist, as a user would pick them: country × sector × status of sample programmes.
    sample = ids[:200]
    located = dict(
        ProgrammeLocation.objects.filter(programme_id__in=sample)
        .order_by("programme_id", "area__level")
        .values_list("programme_id", "area__country_code")
    )
    coded = dict(ProgrammeSector.objects.filter(programme_id__in=sample).values_list("programme_id", "sector__code"))
    status = dict(Programme.objects.filter(pk__in=sample).values_list("pk", "status"))
    combos = sorted({(located[pk], coded[pk], status[pk]) for pk in sample if pk in located and pk in coded})
    return Fixture(
        countries=countries, biggest_country=biggest, programme_ids=ids, list_filters=combos or [("", "", 2)]
    )


def benchmark_users(count: int) -> list[User]:
    """Users bench-00 … signed in by writing their session rows; tokens issued afresh (old ones revoked)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count
    from django.utils import timezone

    from actors.choices import MembershipRole
    from actors.models import Actor, Membership
    from actors.models import User as UserModel
    from nexus_portal.api.tokens import ApiToken

    store = import_module(settings.SESSION_ENGINE).SessionStore
    backend = "django.contrib.auth.backends.ModelBackend"
    if backend not in settings.AUTHENTICATION_BACKENDS:
        backend = settings.AUTHENTICATION_BACKENDS[0]
    busiest = list(
        Actor.objects.annotate(n=Count("reported_programmes")).order_by("-n", "pk").values_list("pk", flat=True)[:count]
    )
    users = []
    for index in range(count):
        reviewer = index % 2 == 0
        user, created = UserModel.objects.get_or_create(
            username=f"bench-{index:02d}", defaults={"is_reviewer": reviewer, "email": f"bench-{index:02d}@example.org"}
        )
        if created:
            user.set_unusable_password()  # nobody signs in with a password: no hashing at all
            user.save(update_fields=["password"])
        if not reviewer and busiest:
            actor_id = busiest[(index // 2) % len(busiest)]
            Membership.objects.get_or_create(user=user, actor_id=actor_id, defaults={"role": MembershipRole.EDITOR})
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        ApiToken.objects.filter(user=user, name="load benchmark", revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        _token, key = ApiToken.issue(user=user, name="load benchmark", read_only=True)
        users.append(User(user.username, session.session_key, key, reviewer))
    return users


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, env: dict, *, workers: int, threads: int, log: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "nexus_portal.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--keep-alive", "30",
        "--timeout", "120",
        "--error-logfile", str(log),
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log}:\n{log.read_text()[-3000:]}")
        answer = "no answer"
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/bench/ping/")
            response = connection.getresponse()
            answer = f"{response.status} {response.read()[:300]!r}"
            connection.close()
            if response.status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer /bench/ping/ within 60 s (last: {answer}):\n{log.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop, for its workers too
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# -- the report ---------------------------------------------------------------------------------------


def summarise(scenario: Scenario, result: Result) -> dict:
    lat = result.latencies_ms
    return {
        "scenario": scenario.name,
        "what": scenario.describe,
        "requests": len(lat),
        "errors": result.errors,
        "error_samples": result.error_samples,
        "p50_ms": round(percentile(lat, 0.50), 1),
        "p95_ms": round(percentile(lat, 0.95), 1),
        "p99_ms": round(percentile(lat, 0.99), 1),
        "max_ms": round(max(lat), 1) if lat else None,
        "requests_per_s": round(len(lat) / result.elapsed_s, 1) if result.elapsed_s else 0.0,
        "slowest_warm_up_ms": round(result.first_ms, 1),
        "target_p95_ms": TARGETS_MS.get(scenario.name),
    }


def add_ratios(rows: list[dict], trivial_latencies: list[float]) -> float:
    """p95 ÷ the trivial view's p95, over the trivial requests at the start and at the end pooled."""
    baseline = round(percentile(trivial_latencies, 0.95), 1)
    for row in rows:
        row["p95_ratio_to_trivial"] = round(row["p95_ms"] / baseline, 1) if baseline else None
        target = row.get("target_p95_ms")
        row["meets_target"] = None if target is None else row["p95_ms"] <= target
        if row["scenario"].startswith("dashboard"):
            row["meets_ratio"] = row["p95_ratio_to_trivial"] <= DASHBOARD_MAX_RATIO
    return baseline


def table(rows: list[dict]) -> str:
    head = (
        f"{'scenario':<24} {'req':>6} {'err':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} "
        f"{'×triv':>6}  target"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        target = row["target_p95_ms"]
        verdict = "" if target is None else f"p95 ≤ {target}: {'yes' if row['meets_target'] else 'NO'}"
        if "meets_ratio" in row:
            verdict += f", ≤ {DASHBOARD_MAX_RATIO}× trivial: {'yes' if row['meets_ratio'] else 'NO'}"
        lines.append(
            f"{row['scenario']:<24} {row['requests']:>6} {row['errors']:>4} {row['p50_ms']:>8.1f} "
            f"{row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['requests_per_s']:>7.1f} "
            f"{row['p95_ratio_to_trivial']:>6.1f}  {verdict}"
        )
    return "\n".join(lines)


def data_size() -> dict:
    from django.db import connection

    from coordination.models import Flag
    from programmes.models import Programme

    return {
        "database": connection.vendor + ":" + str(connection.settings_dict["NAME"]).rsplit("/", 1)[-1],
        "programmes": Programme.objects.count(),
        "flags": Flag.objects.count(),
    }


# -- main ---------------------------------------------------------------------------------------------


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="throw-away SQLite data, a few requests (CI)")
    parser.add_argument("--users", type=int, default=10, help="concurrent users (default 10)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds measured per scenario (default 20)")
    parser.add_argument("--requests", type=int, help="stop a scenario after this many requests in all")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of warm-up per scenario (default 5)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (default 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--only", action="append", default=[], metavar="SCENARIO", help="only these (repeatable)")
    parser.add_argument("--json", type=Path, help="where to write the results (default benchmarks/results/…)")
    parser.add_argument("--label", default="", help="a word for the results file name, e.g. 'before'")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE before the run (PostgreSQL)")
    parser.add_argument(
        "--warm", action="store_true", help="compute the dashboard figures first, as the end of a flag run does"
    )
    args = parser.parse_args()
    if args.smoke:
        args.users, args.workers = min(args.users, 3), 1
        args.requests = args.requests or 12
        args.duration, args.warmup = 30.0, 0.0
    return args


def main() -> int:
    args = parse()
    scratch = Path(tempfile.mkdtemp(prefix="nexus-load-")) if args.smoke else None
    if scratch:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'smoke.sqlite3'}"
        os.environ["NEXUS_VAR_DIR"] = str(scratch)
        os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.smoke_settings"  # no collectstatic needed
        os.environ.pop("REDIS_URL", None)
    os.environ["DEBUG"] = "false"
    os.environ["HTTPS"] = "false"  # plain HTTP on 127.0.0.1, as behind a TLS-terminating proxy
    os.environ["BENCHMARK_VIEWS"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus_portal.settings")
    server = None
    try:
        import django

        django.setup()
        from django.db import connections

        if scratch:
            build_smoke_database(programmes=60)
        if not args.no_analyze:
            analyze()
        if args.warm:
            from coordination.selectors.dashboard_summary import warm_after_run

            print(f"warming the dashboard as a finished flag run does: {', '.join(warm_after_run(0, None))}")
        if not scratch:
            collect_static()
        fixture = read_fixture(args.seed)
        users = benchmark_users(args.users)
        size = data_size()
        connections.close_all()

        port = free_port()
        log = (scratch or Path(tempfile.gettempdir())) / f"nexus-load-gunicorn-{port}.log"
        server = start_server(port, dict(os.environ), workers=args.workers, threads=args.threads, log=log)
        chosen = [s for s in scenarios(fixture) if not args.only or s.name in args.only or s.name.startswith("trivial")]
        started_at = datetime.now(UTC)
        print(f"{size['database']}: {size['programmes']:,} programmes, {size['flags']:,} flags; {uptime()}")
        print(f"gunicorn {args.workers} workers × {args.threads} threads (gthread); {args.users} concurrent users\n")
        rows, trivial_latencies = [], []
        for number, scenario in enumerate(chosen):
            load_before = os.getloadavg()
            warm = Result()
            if args.warmup:
                warm = drive(port, users, scenario, seconds=args.warmup, total=None, seed=args.seed + 99 + number)
            result = drive(
                port, users, scenario, seconds=args.duration, total=args.requests, seed=args.seed + number
            )  # fmt: skip
            result.first_ms = max(warm.latencies_ms, default=0.0)
            if scenario.name.startswith("trivial"):
                trivial_latencies += result.latencies_ms
            row = summarise(scenario, result)
            row["warm_up_errors"] = warm.errors
            row["loadavg_before"] = [round(x, 2) for x in load_before]
            rows.append(row)
            print(
                f"  {scenario.name:<24} p95 {row['p95_ms']:>7.1f} ms  {row['requests_per_s']:>6.1f} req/s  "
                f"errors {row['errors']}  (load {load_before[0]:.2f})",
                flush=True,
            )
        baseline = add_ratios(rows, trivial_latencies)
        print()
        print(table(rows))
        for row in rows:
            for sample in row["error_samples"]:
                print(f"  error in {row['scenario']}: {sample}")
        report = {
            "started_at": started_at.isoformat(timespec="seconds"),
            "smoke": args.smoke,
            "machine": machine(),
            "data": size,
            "server": {"workers": args.workers, "threads": args.threads, "worker_class": "gthread"},
            "load": {
                "users": args.users,
                "duration_s": args.duration,
                "requests": args.requests,
                "warmup_s": args.warmup,
            },
            "trivial_p95_ms": baseline,
            "scenarios": rows,
        }
        target = args.json
        if target is None:
            stamp = started_at.strftime("%Y%m%d-%H%M%S")
            label = f"-{args.label}" if args.label else ""
            target = RESULTS / f"load-{size['database'].split(':')[-1]}{label}-{stamp}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nresults: {target}")
        return 1 if any(row["errors"] for row in rows) else 0
    finally:
        if server is not None:
            stop_server(server)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
