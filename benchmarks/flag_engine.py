"""Benchmark of the rule engine: full run, steady-state re-run and incremental re-check.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nexus_bench \\
        .venv/bin/python benchmarks/flag_engine.py --programmes 100000

Builds (or reuses) synthetic data with `generate_synthetic`, then prints the time of each rule summed
over countries, the total, the time of a second full run (nothing changes), the time of the
incremental re-check after editing one programme, and the process's peak memory. Run it on
PostgreSQL: that is what the targets are for (full ≤ 30 s, incremental ≤ 1 s at 100,000 programmes).
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus_portal.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programmes", type=int, default=100_000)
    parser.add_argument("--countries", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--allow-sqlite", action="store_true", help="for a quick smoke run only")
    parser.add_argument("--incremental-only", action="store_true", help="keep existing flags; time one re-check")
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
    full = timed_full_run("full run (flags written)")
    timed_full_run("full run again (nothing changes)")
    incremental()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process: {peak_mb:.0f} MB")
    print(f"flags written by the first run: {sum(c.get('created', 0) for c in full.counts.values())}")
    return 0


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
        started = time.perf_counter()
        call_command(
            "generate_synthetic", programmes=args.programmes, countries=args.countries, seed=args.seed,
            stdout=StringIO(),
        )  # fmt: skip
        print(f"generated {args.programmes} programmes in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    from coordination.models import DirtyCountry, Flag, FlagEvent

    # Start from no flags. TRUNCATE on PostgreSQL: deleting millions of rows through the ORM takes minutes.
    if connection.vendor == "postgresql":
        tables = [Flag._meta.db_table, FlagEvent._meta.db_table, Flag.responsible_actors.through._meta.db_table]
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
    else:
        Flag.objects.all().delete()
    DirtyCountry.objects.all().delete()
    print(f"programmes: {Programme.objects.count()}")


def timed_full_run(label: str):
    from coordination.engine import runner
    from coordination.models import FlagRun

    started = time.perf_counter()
    run = runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True))
    elapsed = time.perf_counter() - started
    print(f"\n{label}: {elapsed:.2f} s over {len(runner.countries_to_check(run))} countries ({run.status})")
    for code, counts in sorted(run.counts.items(), key=lambda item: -item[1].get("seconds", 0)):
        flags = sum(counts.get(name, 0) for name in ("created", "updated", "unchanged"))
        print(f"  {code:<30} {counts.get('seconds', 0):7.2f} s  flags: {flags}")
    return run


def incremental() -> None:
    """Edit one programme as a user would. Without Redis the save runs the re-check in-process after
    commit; with Redis it is enqueued, so run it here. Either way, report that incremental run."""
    from django.conf import settings

    from coordination.models import FlagRun
    from coordination.tasks import run_recheck
    from programmes.models import Programme

    programme = Programme.objects.filter(status=2, location_links__area__level__gte=1).order_by("pk").first()
    last_run = FlagRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.perf_counter()
    programme.title = f"{programme.title} (edited)"
    programme.save()  # marks its countries dirty, as any save does
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        run_recheck()
    elapsed = time.perf_counter() - started
    run = FlagRun.objects.filter(pk__gt=last_run, trigger=FlagRun.Trigger.INCREMENTAL).latest("pk")
    sizes = {code: runner_country_size(code) for code in run.countries}
    print(
        f"\nincremental re-check after editing one programme: {elapsed:.2f} s from save to flags written "
        f"(run #{run.pk}: {run.duration_ms / 1000:.2f} s; countries re-checked: {sizes}; {run.status})"
    )


def runner_country_size(code: str) -> int:
    from django.utils import timezone

    from coordination.engine.facts import CountryFacts

    return len(CountryFacts(code, timezone.localdate()).programmes)


if __name__ == "__main__":
    raise SystemExit(main())
