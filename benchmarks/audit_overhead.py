"""What the audit trail costs a write: `programme_update` timed with and without audit entries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nexus_bench .venv/bin/python benchmarks/audit_overhead.py

Builds a small data set (a programme with 3 participants, 2 sectors and 4 locations) in a fresh
database (or the configured one, with --reuse), then calls `programme_update` --rounds times, changing
the title, one participant and one location each time, so every call has something to audit. Prints
the median and p90 time per call and the queries per call with the audit signals switched off (the
baseline) and on, interleaved call by call (same run, same data, same table sizes), and the ratio.
Everything runs inside one transaction that is rolled back at the end (no flag re-check, nothing kept).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus_portal.settings")


class Rollback(Exception):
    pass


def build():
    from decimal import Decimal

    from actors.models import Actor, Membership, User
    from programmes.choices import OrganisationRole
    from programmes.services import programme_create
    from reference.models import Area, Sector

    user = User.objects.create(username="audit-bench")
    actors = [
        Actor.objects.create(name=f"Bench actor {n}", kind="international_ngo", localness="international")
        for n in range(5)
    ]
    Membership.objects.create(user=user, actor=actors[0], role="editor")
    country = Area.objects.create(pcode="QB", name="Benchland", level=0, path="/QB/", country_code="QB")
    areas = [
        Area.objects.create(
            pcode=f"QB{n:02}", name=f"Region {n}", level=1, parent=country, path=f"/QB/QB{n:02}/", country_code="QB"
        )
        for n in range(8)
    ]
    sectors = [
        Sector.objects.get_or_create(vocabulary=1, code=code, defaults={"name": code, "category": code[:3]})[0]
        for code in ("11220", "12220")
    ]
    programme = programme_create(
        user=user,
        fields={"title": "Bench programme", "reporting_actor": actors[0], "status": 2},
        participants=[(actor, OrganisationRole.IMPLEMENTING) for actor in actors[:3]],
        sectors=[(sectors[0], Decimal(50)), (sectors[1], Decimal(50))],
        locations=areas[:4],
    )
    return user, programme, actors, sectors, areas


def timed_updates(rounds, user, programme, actors, sectors, areas, *, switched_off=None):
    """Time `rounds` calls; with `switched_off` (a context manager), every other call runs without audit
    entries, so both series see the same table sizes and the same row history (interleaved, fair)."""
    from contextlib import nullcontext
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programmes.choices import OrganisationRole
    from programmes.services import programme_update

    series = {"without audit": ([], []), "with audit": ([], [])}
    for n in range(rounds):
        audited = switched_off is None or n % 2 == 1
        times, queries = series["with audit" if audited else "without audit"]
        participants = [(actors[0], OrganisationRole.IMPLEMENTING), (actors[1 + n % 4], OrganisationRole.FUNDING)]
        connection.queries_log.clear()
        with nullcontext() if audited else switched_off():
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                programme_update(
                    user=user,
                    programme=programme,
                    fields={"title": f"Bench programme {n}"},
                    participants=participants,
                    sectors=[(sectors[0], Decimal(50)), (sectors[1], Decimal(50))],
                    locations=areas[n % 4 : n % 4 + 4],
                )
            times.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
    return {label: values for label, values in series.items() if values[0]}


def describe(label, times, queries):
    ordered = sorted(times)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    median, calls = statistics.median(times), statistics.median(queries)
    print(f"{label:>14}: median {median:6.2f} ms, p90 {p90:6.2f} ms, {calls:.0f} queries per call (median)")
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="use the configured database as it is (no migrate)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    if not args.reuse:
        call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}, {args.rounds} calls of programme_update each")
    try:
        with transaction.atomic():
            data = build()
            try:
                from nexus_portal.audit import registry
            except ImportError:  # before the audit trail existed
                registry = None
            switched_off = registry.switched_off if registry is not None else None
            timed_updates(20, *data, switched_off=switched_off)  # warm up
            series = timed_updates(2 * args.rounds, *data, switched_off=switched_off)
            medians = {label: describe(label, *values) for label, values in series.items()}
            if len(medians) == 2:
                ratio = medians["with audit"] / medians["without audit"]
                print(f"{'ratio':>14}: {ratio:.2f}× the time of the same write without audit entries")
            raise Rollback
    except Rollback:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
