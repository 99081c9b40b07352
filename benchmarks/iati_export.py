"""Benchmark of the IATI 2.03 export: every programme of the configured database, written to a file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nexus_synth \\
        .venv/bin/python benchmarks/iati_export.py --repeat 3 --validate

Exports as a superuser (every programme, every agreement) through the same streaming writer as the
download and the API, and prints for each run the seconds, activities per second, bytes written, the
number of SQL queries and the process's peak resident memory. A baseline measured in the same run
reads the same rows without writing XML, so the share of the database and of the XML writing shows
despite a noisy machine. With --validate, the file is then checked against the official schema
(streamed too) and the time and any errors are printed.
The database is only read. Peak memory is the maximum over the process's life (ru_maxrss), so the
figure after the export includes Django's start-up; the one printed before the first run is the base.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus_portal.settings")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, help="file to write (default: a temporary file, removed after)")
    parser.add_argument("--repeat", type=int, default=1, help="runs (the median is printed when more than one)")
    parser.add_argument("--chunk-size", type=int, default=None, help="programmes per chunk (default: the export's)")
    parser.add_argument("--validate", action="store_true", help="check the file against the IATI 2.03 schema")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from actors.models import User
    from programmes.interop import iati_export
    from programmes.interop.iati_schema import activities_schema, validate
    from programmes.models import Programme

    # A superuser that is never saved: sees every programme and every agreement, writes nothing.
    user = User(username="benchmark", is_superuser=True, is_active=True)
    activities = Programme.objects.count()
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}, {activities} programmes")
    print(f"peak memory before the export: {peak_mb():.0f} MB")
    activities_schema()  # loaded once, outside the timings

    output = args.output or Path(tempfile.mkstemp(prefix="nexus-iati-", suffix=".xml")[1])
    options = {"chunk_size": args.chunk_size} if args.chunk_size else {}
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    read = sum(1 for _ in iati_export.read(Programme.objects.order_by("pk"), user=user, **options))
    baseline = time.perf_counter() - started
    print(f"baseline, reading the rows only: {baseline:.1f} s for {read} programmes")

    timings = []
    try:
        for run in range(1, args.repeat + 1):
            queries = 0
            started = time.perf_counter()
            with connection.execute_wrapper(count), output.open("wb") as out:
                size = iati_export.write_iati_xml(Programme.objects.order_by("pk"), out, user=user, **options)
            seconds = time.perf_counter() - started
            timings.append(seconds)
            print(
                f"run {run}: {seconds:.1f} s ({seconds / baseline:.1f}× the baseline), "
                f"{activities / seconds:,.0f} activities/s, {size:,} bytes ({size / 1024 / 1024:.1f} MiB), "
                f"{queries} queries, peak memory {peak_mb():.0f} MB"
            )
        if len(timings) > 1:
            median = statistics.median(timings)
            print(f"median of {len(timings)}: {median:.1f} s, {activities / median:,.0f} activities/s")
        if args.validate:
            started = time.perf_counter()
            errors = validate(output)
            seconds = time.perf_counter() - started
            verdict = "valid" if not errors else f"{len(errors)} error(s)"
            print(f"schema validation: {verdict} in {seconds:.1f} s, peak memory {peak_mb():.0f} MB")
            for error in errors[:20]:
                print(f"  {error}")
            if errors:
                return 1
    finally:
        if args.output is None:
            output.unlink(missing_ok=True)
        else:
            print(f"written to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
