"""Benchmark of the rule engine: first full run, steady full run, incremental re-checks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nexus_bench \\
        .venv/bin/python benchmarks/flag_engine.py --programmes 100000

Builds (or reuses) synthetic data with `generate_synthetic`, then prints, for each step, the wall
time, the CPU time of this process and of its PostgreSQL backend (when the database runs on this
host; their sum is what the step costs on an idle machine, so it stays comparable when other work
shares the cores) and the load average; per rule, the seconds summed over countries. Steps: a first
full run (from no flags), the same again (nothing changes: the steady state), optionally the next
day's run (`--next-day`), and two incremental re-checks after editing one programme: a typical one,
and one in the most crowded region of the largest country (the worst case). Then the process's peak
memory. Run it on PostgreSQL: that is what the targets are for (full ≤ 30 s and incremental ≤ 1 s at
100,000 programmes, full ≤ 5 min at 1,000,000).

    --celery   time the nightly run fanned out by Celery instead (needs REDIS_URL and a worker:
               celery -A nexus_portal worker -c 2), against the steady run in one process.
"""

import argparse
import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus_portal.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programmes", type=int, default=100_000)
    parser.add_argument("--countries", type=int, help="default: generate_synthetic's (12 up to 100,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--allow-sqlite", action="store_true", help="for a quick smoke run only")
    parser.add_argument("--incremental-only", action="store_true", help="keep existing flags; time the re-checks")
    parser.add_argument("--keep-flags", action="store_true", help="skip the first run: start from existing flags")
    parser.add_argument("--next-day", action="store_true", help="also time a full run as of tomorrow")
    parser.add_argument("--celery", action="store_true", help="time the nightly run fanned out by Celery")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql" and not args.allow_sqlite:
        print("Set DATABASE_URL to a PostgreSQL database (or pass --allow-sqlite for a smoke run).")
        return 2
    if args.incremental_only:
        incremental()
        return 0
    prepare(call_command, args)
    if args.celery:
        celery_fan_out()
        return 0
    if not args.keep_flags:
        full = timed_full_run("first full run (flags written)")
        print(f"flags written by the first run: {sum(c.get('created', 0) for c in full.counts.values())}")
        vacuum()
    timed_full_run("full run again (nothing changes: the steady state)")
    vacuum()
    if args.next_day:
        from django.utils import timezone

        timed_full_run("full run as of tomorrow (the nightly case)", as_of=timezone.localdate() + timedelta(days=1))
        vacuum()
    incremental()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process: {peak_mb:.0f} MB")
    return 0


# -- measuring ---------------------------------------------------------------------------------------
class Meter:
    """Wall time, this process's CPU time and its PostgreSQL backend's CPU time over a step."""

    def __init__(self):
        self.backend = _backend_stat_path()

    def __enter__(self):
        self.wall, self.cpu, self.db = time.perf_counter(), _own_cpu(), self._db_cpu()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, _own_cpu() - self.cpu
        self.db = (self._db_cpu() - self.db) if self.db is not None else None

    def _db_cpu(self) -> float | None:
        if self.backend is None:
            return None
        try:
            fields = Path(self.backend).read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __str__(self) -> str:
        db = f" + database {self.db:.1f} s" if self.db is not None else ""
        return f"{self.wall:.2f} s wall; CPU: this process {self.cpu:.1f} s{db}; load average {_load()}"


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _backend_stat_path() -> str | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT NULL")
        pid = cursor.fetchone()[0]
    path = f"/proc/{pid}/stat"
    return path if pid and os.access(path, os.R_OK) else None


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def vacuum() -> None:
    """What autovacuum does between two nightly runs (reclaim the old row versions of the flags each run
    refreshes), done here because a benchmark server may run with autovacuum off; not timed."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from coordination.models import Flag, FlagEvent

    tables = [Flag._meta.db_table, FlagEvent._meta.db_table, Flag.responsible_actors.through._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


# -- steps ---------------------------------------------------------------------------------------------
def prepare(call_command, args) -> None:
    from io import StringIO

    from programmes.models import Programme

    call_command("migrate", verbosity=0)
    call_command("load_reference", stdout=StringIO())
    have = Programme.objects.count()
    if have != args.programmes:
        if have:
            print(f"The database holds {have} programmes, not {args.programmes}: use an empty database.")
            raise SystemExit(2)
        options = {"programmes": args.programmes, "seed": args.seed, "no_recheck": True}
        if args.countries:
            options["countries"] = args.countries
        with Meter() as meter:
            call_command("generate_synthetic", stdout=StringIO(), **options)
        print(f"generated {args.programmes} programmes: {meter}")
    from django.db import connection

    from coordination.models import DirtyCountry, Flag, FlagEvent, FlagRun

    if not args.keep_flags and not args.celery:
        # Start from no flags. TRUNCATE on PostgreSQL: deleting millions of rows through the ORM takes minutes.
        if connection.vendor == "postgresql":
            tables = [Flag._meta.db_table, FlagEvent._meta.db_table, Flag.responsible_actors.through._meta.db_table]
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            Flag.objects.all().delete()
    DirtyCountry.objects.all().delete()
    FlagRun.objects.filter(status=FlagRun.Status.RUNNING).update(status=FlagRun.Status.FAILED)
    print(f"programmes: {Programme.objects.count()}, flags: {Flag.objects.count()}")


def timed_full_run(label: str, **options):
    from coordination.engine import runner
    from coordination.models import FlagRun

    with Meter() as meter:
        run = runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, **options))
    print(f"\n{label}: {meter} ({len(runner.countries_to_check(run))} countries, {run.status})")
    for code, counts in sorted(run.counts.items(), key=lambda item: -item[1].get("seconds", 0)):
        flags = sum(counts.get(name, 0) for name in ("created", "updated", "unchanged"))
        changed = ", ".join(f"{counts[name]} {name}" for name in ("created", "updated", "resolved") if counts.get(name))
        print(f"  {code:<30} {counts.get('seconds', 0):7.2f} s  flags: {flags}{f' ({changed})' if changed else ''}")
    return run


def incremental() -> None:
    """Edit one programme as a user would and time the re-check: a typical programme, then one in the
    most crowded region of the largest country. Without Redis the save runs the re-check in-process
    after commit; with Redis it is enqueued, so run it here. Either way, report that incremental run."""
    from django.db.models import Count

    from programmes.models import Programme, ProgrammeLocation

    typical = Programme.objects.filter(status=2, location_links__area__level__gte=1).order_by("pk").first()
    # The region (admin-1) with the most locations of programmes in implementation.
    by_area = ProgrammeLocation.objects.filter(area__level__gte=1, programme__status=2).values("area__path")
    counts: dict[str, int] = {}
    for row in by_area.annotate(n=Count("pk")).order_by():
        region = "/".join(row["area__path"].split("/")[:3]) + "/"
        counts[region] = counts.get(region, 0) + row["n"]
    region = max(counts, key=counts.get)
    worst = Programme.objects.filter(status=2, location_links__area__path__startswith=region).order_by("pk").first()
    for label, programme in (("a typical programme", typical), (f"a programme in {region.strip('/')}", worst)):
        timed_edit(label, programme)


def timed_edit(label: str, programme) -> None:
    from django.conf import settings

    from coordination.engine.facts import CountryFacts
    from coordination.models import FlagRun
    from coordination.tasks import run_recheck

    last_run = FlagRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with Meter() as meter:
        programme.title = f"{programme.title} (edited)"
        programme.save()  # marks its areas dirty, as any save does
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            run_recheck()
    run = FlagRun.objects.filter(pk__gt=last_run, trigger=FlagRun.Trigger.INCREMENTAL).latest("pk")
    sizes = []
    for code in run.countries:
        changed = (run.regions or {}).get(code)
        facts = CountryFacts(code, run.as_of, changed)
        if changed:
            pairs = len(facts.pair_area_ids)
            where = f"{code} around {', '.join(changed)} ({len(facts.programmes)} active programmes in its region"
            sizes.append(f"{where}, pairs in {pairs} area(s))")
        else:
            sizes.append(f"{code} whole ({len(facts.programmes)} active programmes)")
    slowest = sorted(run.counts.items(), key=lambda item: -item[1].get("seconds", 0))[:4]
    print(
        f"\nincremental re-check after editing {label} (#{programme.pk}): {meter}\n"
        f"  run #{run.pk} {run.duration_ms / 1000:.2f} s, {run.status}; re-checked {'; '.join(sizes)}\n"
        f"  slowest rules: {', '.join(f'{code} {counts.get("seconds", 0):.2f} s' for code, counts in slowest)}"
    )


def celery_fan_out() -> None:
    """The nightly task as beat starts it: one task per country on the workers, global rules in the callback."""
    from django.conf import settings

    from coordination.models import FlagRun
    from coordination.tasks import nightly_full_run

    if settings.CELERY_TASK_ALWAYS_EAGER:
        print("Set REDIS_URL (and start a worker) to time the Celery fan-out.")
        raise SystemExit(2)
    vacuum()
    last_run = FlagRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.perf_counter()
    nightly_full_run.delay()
    run = None
    while run is None or run.status == FlagRun.Status.RUNNING:
        time.sleep(0.2)
        run = FlagRun.objects.filter(pk__gt=last_run, trigger=FlagRun.Trigger.SCHEDULE).order_by("-pk").first()
    elapsed = time.perf_counter() - started
    print(f"\nnightly run through Celery: {elapsed:.2f} s from enqueue to finished (run #{run.pk}, {run.status}; "
          f"{run.duration_ms / 1000:.2f} s recorded); load average {_load()}")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
