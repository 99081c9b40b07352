"""Fault test: the portal on real PostgreSQL, Redis, gunicorn and a Celery worker, while things break.

    .venv/bin/python benchmarks/faults.py                  # about a minute; exit code 0 when every check passes
    .venv/bin/python benchmarks/faults.py --programmes 6000 --keep   # more data; keep the temporary folder

Everything it breaks is its own: a private PostgreSQL (initdb in a temporary folder, on a free port, as the
`postgres` user when run as root) holding the database `nexus_faults`, a private redis-server on a free port,
its own gunicorn and its own Celery worker. The machine's PostgreSQL and Redis are never touched.

It checks, and prints what it checked:
  (b) worker killed mid-run: SIGKILL the worker during a full flag run; the run is marked failed by its stale
      heartbeat, and the next run leaves exactly the flags a clean run gave (none lost, none duplicated);
  (a) Redis down: pages and /health/ answer, a programme edit is saved with its dirty mark in the database;
      when Redis is back, the next re-check sweeps that mark;
  (d) concurrent edits: two sessions edit one programme from the same version: one is saved, the other is
      refused with the lost-update message and keeps what its user typed;
  (c) PostgreSQL restart: while it is down pages answer a 503 page (no traceback), the API a 503 in its error
      shape and /health/ a 503 naming the database; after the restart the same portal process recovers.

tests/test_fault_script.py runs it in CI's PostgreSQL pass (docs/security.md, "Reliability under faults").
"""

import argparse
import html
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
sys.path.insert(0, str(ROOT))
STALE_SECONDS = 3  # this script's own reading of "no sign of life" (the portal's default is 15 minutes)


# -- reporting -------------------------------------------------------------------------------------------
class Report:
    def __init__(self):
        self.failures: list[str] = []
        self.started = time.monotonic()

    def section(self, title: str) -> None:
        print(f"\n== {title}", flush=True)

    def info(self, text: str) -> None:
        print(f"   {text}", flush=True)

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        mark = "PASS" if ok else "FAIL"
        print(f"   [{mark}] {what}" + (f" ({detail})" if detail else ""), flush=True)
        if not ok:
            self.failures.append(what + (f": {detail}" if detail else ""))
        return ok

    def elapsed(self) -> float:
        return time.monotonic() - self.started


def wait_until(condition, *, seconds: float, interval: float = 0.2):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# -- a private PostgreSQL ----------------------------------------------------------------------------------
def postgres_bindir() -> Path:
    candidates = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True).stdout.strip()
        candidates.append(Path(out))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise SystemExit("faults: PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql")


class PrivatePostgres:
    """initdb into a temporary folder and run it on a free port. initdb refuses root, so as root the server runs
    as the `postgres` user (runuser); otherwise as the current user."""

    def __init__(self, base: Path):
        self.bindir = postgres_bindir()
        self.folder = base / "postgres"
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = free_port()
        self.folder.mkdir()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, *args], capture_output=True, text=True, cwd="/")

    def init(self) -> None:
        result = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                           "-E", "UTF8", "--no-sync", "--locale=C")  # fmt: skip
        if result.returncode:
            raise SystemExit(f"faults: initdb failed:\n{result.stdout}{result.stderr}")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")  # fmt: skip
        result = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                           "-o", options, "start")  # fmt: skip
        if result.returncode:
            raise SystemExit(f"faults: PostgreSQL did not start:\n{result.stderr}\n{tail(self.log)}")

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()


# -- a private Redis ---------------------------------------------------------------------------------------
class PrivateRedis:
    def __init__(self, base: Path):
        self.port = free_port()
        self.folder = base / "redis"
        self.folder.mkdir()
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise SystemExit("faults: redis-server not found; install redis-server")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        if not wait_until(self.answers, seconds=15):
            raise SystemExit("faults: the private redis-server did not answer PING")

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


# -- the portal's own processes ------------------------------------------------------------------------------
class Service:
    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self.log.open("a"),
                                        stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.alive():
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def manage(env: dict, *args: str) -> None:
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"faults: manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")


# -- a small browser: cookies, CSRF, forms ------------------------------------------------------------------
class Response:
    def __init__(self, status: int, headers, body: bytes, seconds: float):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds
        self.text = body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.text)


class Browser:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data=None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            reply = connection.getresponse()
            payload = reply.read()
        finally:
            connection.close()
        for cookie in reply.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "Max-Age=0" in cookie:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return Response(reply.status, reply.headers, payload, time.monotonic() - started)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data) -> Response:
        return self.request("POST", path, data)

    def sign_in(self, username: str, password: str) -> bool:
        self.get("/accounts/login/")
        token = self.cookies.get("csrftoken", "")
        response = self.post(
            "/accounts/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )
        return response.status == 302 and "sessionid" in self.cookies

    def form(self, path: str) -> list[tuple[str, str]]:
        response = self.get(path)
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
        parser = FormFields()
        parser.feed(response.text)
        return parser.fields


class FormFields(HTMLParser):
    """The fields a browser would send from the page's POST form (outside <template> rows)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.in_form = False
        self.template_depth = 0
        self.select: str | None = None
        self.select_chosen: list[str] = []
        self.first_option: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self.template_depth += 1
        if tag == "form" and (a.get("method") or "").lower() == "post" and "programme-form" in (a.get("class") or ""):
            self.in_form = True
        if not self.in_form or self.template_depth or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file"):
                return
            self.fields.append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select, self.select_chosen, self.first_option = a["name"], [], None
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.first_option = value if self.first_option is None else self.first_option
            if "selected" in a:
                self.select_chosen.append(value)
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_endtag(self, tag):
        if tag == "template":
            self.template_depth -= 1
        elif tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "select" and self.select is not None:
            for value in self.select_chosen:
                self.fields.append((self.select, value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea, self.text))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.text += data


def with_value(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(key, value if key == name else old) for key, old in fields]


def value_of(fields, name: str) -> str:
    return next((value for key, value in fields if key == name), "")


# -- the checks -----------------------------------------------------------------------------------------------
class FaultTest:
    def __init__(self, args, base: Path, report: Report):
        self.args, self.base, self.report = args, base, report
        self.pg = PrivatePostgres(base)
        self.redis = PrivateRedis(base)
        self.web_port = free_port()
        self.worker_count = 0
        self.worker: Service | None = None
        self.web: Service | None = None
        self.password = secrets.token_urlsafe(16)

    # setup
    def environment(self) -> dict:
        env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
        env.update(
            DATABASE_URL=self.pg.url("nexus_faults"), REDIS_URL=self.redis.url, DEBUG="false", HTTPS="false",
            SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1,localhost", STATIC_MANIFEST="false",
            NEXUS_VAR_DIR=str(self.base / "var"), CELERY_QUEUE="faults", FLAG_RECHECK_DELAY_SECONDS="0",
            LOG_LEVEL="WARNING", DB_CONN_MAX_AGE="60", DB_CONNECT_TIMEOUT="3", PYTHONUNBUFFERED="1",
            DJANGO_SETTINGS_MODULE="nexus_portal.settings",
        )  # fmt: skip
        return env

    def set_up(self) -> None:
        r = self.report
        r.section("Setting up: private PostgreSQL and Redis, database nexus_faults, gunicorn and a Celery worker")
        started = time.monotonic()
        self.pg.init()
        self.pg.start()
        self.pg.create_database("nexus_faults")
        r.info(f"PostgreSQL {self.pg.bindir.parent.name} on port {self.pg.port} ({self.pg.folder})")
        self.redis.start()
        r.info(f"redis-server on port {self.redis.port}")
        self.env = self.environment()
        os.environ.update(self.env)
        manage(self.env, "migrate", "--noinput", "-v", "0")
        manage(self.env, "load_reference")
        manage(self.env, "generate_synthetic", "--programmes", str(self.args.programmes), "--countries",
               str(self.args.countries))  # fmt: skip
        r.info(f"migrated, reference data and {self.args.programmes} synthetic programmes loaded "
               f"({time.monotonic() - started:.1f} s)")  # fmt: skip

        import django

        django.setup()
        from django.conf import settings

        settings.FLAG_RUN_STALE_SECONDS = STALE_SECONDS  # this process decides when a run is stale (see (b))
        from coordination.models import DirtyCountry

        # The data load queued a re-check of everything; (b) measures full runs instead, so let it find nothing.
        DirtyCountry.objects.all().delete()
        self.make_people()
        self.web = Service("gunicorn", [PY, "-m", "gunicorn", "nexus_portal.wsgi:application", "-b",
                                        f"127.0.0.1:{self.web_port}", "--workers", "2", "--timeout", "60",
                                        "--graceful-timeout", "5"], self.env, self.base / "gunicorn.log")  # fmt: skip
        self.web.start()
        self.start_worker()
        up = wait_until(lambda: self.health_status() == 200, seconds=60)
        if not up:
            raise SystemExit(f"faults: gunicorn did not answer /health/:\n{tail(self.web.log)}")
        r.info(f"gunicorn on port {self.web_port}; ready after {time.monotonic() - started:.1f} s")

    def make_people(self) -> None:
        from actors.choices import MembershipRole
        from actors.models import Membership, User
        from programmes.models import Programme

        candidates = Programme.objects.filter(locations__isnull=False).order_by("pk").distinct()
        self.programme = candidates.first()
        self.other = candidates.exclude(reporting_actor=self.programme.reporting_actor).first()
        self.editors = []
        for name in ("fault-editor-1", "fault-editor-2"):
            user = User.objects.create_user(username=name, password=self.password)
            for programme in (self.programme, self.other):
                Membership.objects.get_or_create(user=user, actor=programme.reporting_actor,
                                                 defaults={"role": MembershipRole.EDITOR})  # fmt: skip
            self.editors.append(user)

    def start_worker(self) -> None:
        self.worker_count += 1
        log = self.base / f"worker-{self.worker_count}.log"
        self.worker = Service("worker", [PY, "-m", "celery", "-A", "nexus_portal", "worker", "--pool", "solo", "-Q",
                                         "faults", "-l", "info", "--without-mingle", "--without-gossip", "-n",
                                         f"faults{self.worker_count}@%h"], self.env, log)  # fmt: skip
        self.worker.start()
        if not wait_until(lambda: "ready" in log.read_text(errors="replace"), seconds=60):
            raise SystemExit(f"faults: the Celery worker did not start:\n{tail(log)}")

    def health(self) -> Response:
        return Browser(self.web_port).get("/health/")

    def health_status(self) -> int:
        try:
            return self.health().status
        except OSError:
            return 0

    def browser(self, index: int = 0) -> Browser:
        browser = Browser(self.web_port)
        if not browser.sign_in(self.editors[index].username, self.password):
            raise RuntimeError("could not sign in through the login form")
        return browser

    # flag runs
    def full_run(self, *, wait: bool = True):
        from coordination.engine import runner
        from coordination.models import FlagRun
        from coordination.tasks import dispatch_run

        run = runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True)
        dispatch_run(run)
        if wait:
            finished = wait_until(lambda: FlagRun.objects.get(pk=run.pk).status != FlagRun.Status.RUNNING, seconds=300)
            if not finished:
                self.report.info(f"worker log:\n{tail(self.worker.log)}")
        return FlagRun.objects.get(pk=run.pk)

    @staticmethod
    def flag_snapshot() -> set[tuple]:
        from coordination.models import Flag

        return set(Flag.objects.values_list("rule", "subject_key", "partition", "severity", "status", "fingerprint"))

    def check_worker_killed_mid_run(self) -> None:
        from django.db.models import Count

        from coordination.engine import runner
        from coordination.models import Flag, FlagRun

        r = self.report
        r.section("(b) Celery worker killed (SIGKILL) in the middle of a full flag run")
        clean = self.full_run()
        clean_flags = self.flag_snapshot()
        r.check(clean.status == FlagRun.Status.SUCCEEDED, "a clean full run succeeds",
                f"{len(clean_flags)} flags, {clean.duration_ms or 0} ms, {len(runner.countries_to_check(clean))} "
                "countries")  # fmt: skip
        Flag.objects.all().delete()
        r.info("flags wiped; starting the same full run again, to be interrupted")
        doomed = self.full_run(wait=False)
        progressed = wait_until(
            lambda: FlagRun.objects.filter(pk=doomed.pk).exclude(counts={}).exists(), seconds=120, interval=0.02
        )
        self.worker.kill(signal.SIGKILL)
        doomed.refresh_from_db()
        interrupted = bool(progressed) and doomed.status == FlagRun.Status.RUNNING
        done_countries = len({rule for rule in doomed.counts})
        r.check(interrupted, "the worker died while the run was writing",
                f"run #{doomed.pk} still 'running' with {Flag.objects.count()} of {len(clean_flags)} flags written, "
                f"counts recorded for {done_countries} rules")  # fmt: skip
        time.sleep(STALE_SECONDS + 0.5)
        runner.fail_stale_runs()
        doomed.refresh_from_db()
        r.check(doomed.status == FlagRun.Status.FAILED and "No sign of life" in doomed.error,
                "the dead run is marked failed by its stale heartbeat (which frees the lock)",
                f"status {doomed.status}")  # fmt: skip
        self.start_worker()
        recovered = self.full_run()
        recovered_flags = self.flag_snapshot()
        r.check(recovered.status == FlagRun.Status.SUCCEEDED, "the next run completes",
                f"run #{recovered.pk}, {recovered.duration_ms or 0} ms")  # fmt: skip
        lost, extra = clean_flags - recovered_flags, recovered_flags - clean_flags
        r.check(not lost and not extra, "it leaves exactly the flags of the clean run",
                f"{len(recovered_flags)} flags; {len(lost)} missing, {len(extra)} different")  # fmt: skip
        duplicates = Flag.objects.values("rule", "subject_key").annotate(n=Count("pk")).filter(n__gt=1).count()
        r.check(duplicates == 0, "no flag is duplicated", f"{duplicates} rule × subject keys with more than one row")

    def check_redis_down(self) -> None:
        from coordination.models import DirtyCountry, FlagRun
        from programmes.models import Programme

        r = self.report
        r.section("(a) Redis down: the private redis-server is killed")
        browser = self.browser()
        self.redis.kill()
        r.check(not self.redis.answers(), "Redis no longer answers")
        for path in ("/", "/programmes/", f"/programmes/{self.programme.pk}/", "/coordination/dashboard/",
                     "/analyses/", f"/api/programmes/{self.programme.pk}/"):  # fmt: skip
            response = browser.get(path)
            r.check(response.status == 200, f"GET {path} works", f"{response.status} in {response.seconds:.2f} s")
        health = self.health()
        body = health.json()
        degraded = health.status == 200 and body["status"] == "degraded"
        detail = f"{health.status} {body['status']}, redis: {body['checks']['redis']}, {health.seconds:.2f} s"
        r.check(degraded and body["checks"]["redis"].startswith("down"),
                "/health/ answers 200 'degraded' and names Redis as down", detail)  # fmt: skip

        country = self.programme.locations.values_list("country_code", flat=True).first()
        DirtyCountry.objects.all().delete()
        title = f"Saved while Redis was down {secrets.token_hex(3)}"
        fields = browser.form(f"/programmes/{self.programme.pk}/edit/")
        saved = browser.post(f"/programmes/{self.programme.pk}/edit/", with_value(fields, "title", title))
        stored = Programme.objects.get(pk=self.programme.pk).title
        r.check(saved.status == 302 and stored == title, "a programme edit is saved",
                f"{saved.status} in {saved.seconds:.2f} s; title in the database: {stored!r}")  # fmt: skip
        marks = list(DirtyCountry.objects.filter(country_code=country).values_list("country_code", flat=True))
        r.check(bool(marks), "its dirty mark is in the database", f"country {country} marked")

        back_at = time.time()
        self.redis.start()
        r.info("redis-server started again on the same port (empty: nothing queued survived)")
        reconnected = wait_until(lambda: self.worker_beat_after(back_at), seconds=60, interval=0.5)
        r.check(bool(reconnected), "the worker reconnects by itself", "its heartbeat reached the new Redis")
        from django.utils import timezone

        since = timezone.now()
        other_fields = browser.form(f"/programmes/{self.other.pk}/edit/")
        browser.post(f"/programmes/{self.other.pk}/edit/",
                     with_value(other_fields, "title", f"Next edit {secrets.token_hex(3)}"))  # fmt: skip
        r.info("another programme edited: its re-check is the next run")
        caught_up = wait_until(
            lambda: not DirtyCountry.objects.filter(country_code=country).exists()
            and FlagRun.objects.filter(started_at__gte=since, status=FlagRun.Status.SUCCEEDED).exists(),
            seconds=120, interval=0.5,
        )  # fmt: skip
        run = FlagRun.objects.filter(started_at__gte=since).order_by("-pk").first()
        r.check(
            bool(caught_up),
            "the next run catches up: the mark made while Redis was down is swept",
            f"run #{run.pk if run else '?'} {run.status if run else ''} over {run.countries if run else []}",
        )
        health = self.health().json()
        r.check(health["checks"]["redis"] == "ok" and health["checks"]["worker"] == "ok",
                "/health/ shows Redis and the worker ok again", json.dumps(health["checks"]))  # fmt: skip

    def worker_beat_after(self, moment: float) -> bool:
        import redis

        from nexus_portal.worker_heartbeat import last_beats

        try:
            beats = last_beats(redis.Redis(port=self.redis.port, socket_connect_timeout=0.5))
        except redis.RedisError:
            return False
        return any(beat >= moment for beat in beats.values())

    def check_concurrent_edits(self) -> None:
        from programmes.models import Programme

        r = self.report
        r.section("(d) Two sessions edit the same programme from the same version")
        first, second = self.browser(0), self.browser(1)
        path = f"/programmes/{self.programme.pk}/edit/"
        form_1, form_2 = first.form(path), second.form(path)
        same = value_of(form_1, "version") == value_of(form_2, "version") != ""
        r.check(same, "both opened the same version", value_of(form_1, "version"))
        title_1, title_2 = f"First save {secrets.token_hex(3)}", f"Second save {secrets.token_hex(3)}"
        saved = first.post(path, with_value(form_1, "title", title_1))
        r.check(saved.status == 302, "the first save is accepted", f"{saved.status}")
        refused = second.post(path, with_value(form_2, "title", title_2))
        stale = "Someone else changed this record after you opened it" in html.unescape(refused.text)
        r.check(refused.status == 200 and stale, "the second is refused with the lost-update message",
                f"{refused.status}")  # fmt: skip
        r.check(f'value="{title_2}"' in refused.text, "the refused form keeps what its user typed")
        stored = Programme.objects.get(pk=self.programme.pk).title
        r.check(stored == title_1, "the database holds the first save, untouched by the second", repr(stored))

    def check_postgres_restart(self) -> None:
        from django.db import connections

        r = self.report
        r.section("(c) PostgreSQL stopped and started again (the private server), portal left running")
        browser = self.browser()
        connections.close_all()
        self.pg.stop()
        r.info("PostgreSQL stopped")
        page = browser.get("/programmes/")
        r.check(page.status == 503 and "Temporarily unavailable" in page.text, "a page answers the 503 page",
                f"{page.status} in {page.seconds:.2f} s")  # fmt: skip
        r.check("Traceback" not in page.text and "OperationalError" not in page.text and "psycopg" not in page.text,
                "without a traceback or error details")  # fmt: skip
        r.check(page.headers.get("Retry-After") == "30", "with Retry-After", page.headers.get("Retry-After") or "-")
        api = browser.get("/api/programmes/")
        api_code = api.json().get("error", {}).get("code") if api.status == 503 else None
        r.check(api.status == 503 and api_code == "unavailable", "the API answers 503 in its error shape",
                f"{api.status} {api_code}")  # fmt: skip
        health = self.health()
        body = health.json()
        r.check(health.status == 503 and body["checks"]["database"].startswith("down"),
                "/health/ answers 503 and names the database", f"{body['checks']['database']}, "
                f"{health.seconds:.2f} s")  # fmt: skip
        self.pg.start()
        r.info("PostgreSQL started again")
        started = time.monotonic()
        recovered = wait_until(lambda: browser.get("/programmes/").status == 200, seconds=30, interval=0.5)
        r.check(bool(recovered), "the same portal processes serve pages again",
                f"after {time.monotonic() - started:.1f} s, no restart")  # fmt: skip
        r.check(self.health_status() == 200, "/health/ answers 200 again")
        r.check(self.web.alive(), "gunicorn never restarted", f"pid {self.web.process.pid}")

    def tear_down(self) -> None:
        for service in (self.worker, self.web):
            if service is not None:
                service.kill(signal.SIGTERM)
        self.redis.kill()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django may not be set up if setup failed early
            pass
        self.pg.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programmes", type=int, default=3000, help="synthetic programmes (default 3000)")
    parser.add_argument("--countries", type=int, default=8, help="countries (default 8)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, database files)")
    args = parser.parse_args()
    report = Report()
    base = Path(tempfile.mkdtemp(prefix="nexus-faults-"))
    base.chmod(0o755)  # the postgres user must reach its folder inside
    test = FaultTest(args, base, report)
    try:
        test.set_up()
        for check in (test.check_worker_killed_mid_run, test.check_redis_down, test.check_concurrent_edits,
                      test.check_postgres_restart):  # fmt: skip
            try:
                check()
            except Exception as error:  # one broken check must not hide the others
                report.check(False, f"{check.__name__} ran to the end", f"{type(error).__name__}: {error}")
    finally:
        test.tear_down()
        if args.keep or report.failures:
            print(f"\nlogs and data kept in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    print(f"\n{'FAILED' if report.failures else 'PASSED'}: {len(report.failures)} failed check(s), "
          f"{report.elapsed():.0f} s in all")  # fmt: skip
    for failure in report.failures:
        print(f"  - {failure}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
