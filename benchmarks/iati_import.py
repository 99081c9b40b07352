"""Benchmark of the IATI activity import: throughput and memory on a large synthetic file.

    createdb -h 127.0.0.1 -U postgres nexus_bench_iati
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nexus_bench_iati .venv/bin/python benchmarks/iati_import.py

Migrates and loads the reference data if the database has none, writes a synthetic IATI 2.03 file
(default: about 50 MB) whose activities use the real p-codes, DAC sectors and clusters in the
database, imports it through the same job code as the upload page and the command, and prints the
file size, the activities per minute, the seconds and the peak memory of the process. A second run of
the same file (every activity unchanged, so skipped) is timed too. Target (docs/engineering.md):
≥ 1,000 activities per minute, with memory bounded whatever the file size.
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus_portal.settings")

WORDS = (  # noqa: SIM905 - a sentence is easier to read than a list of 60 words
    "water sanitation hygiene livelihoods resilience displaced households community health nutrition education "
    "protection shelter food security cash transfers local partners capacity district county monitoring recovery "
    "early warning peacebuilding dialogue youth women farmers markets clinics schools boreholes latrines training"
).split()
ORG_TYPES = ("10", "11", "15", "21", "22", "23", "24", "40", "60", "70", "80")
BYTES_PER_ACTIVITY = 5200  # what `activity` below writes on average; used to size the default file


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def organisations(rng: random.Random, count: int) -> list[dict]:
    return [
        {"ref": f"XM-BENCH-ORG{n:04d}", "type": rng.choice(ORG_TYPES), "name": f"{sentence(rng, 3)[:-1]} {n}"}
        for n in range(count)
    ]


def org_xml(tag: str, org: dict, **attrs) -> str:
    extra = "".join(f" {name.replace('_', '-')}={quoteattr(value)}" for name, value in attrs.items())
    return f'<{tag} ref="{org["ref"]}" type="{org["type"]}"{extra}><narrative>{escape(org["name"])}</narrative></{tag}>'


def shares(rng: random.Random, count: int) -> list[str]:
    cuts = sorted(rng.sample(range(1, 100), count - 1)) if count > 1 else []
    bounds = [0, *cuts, 100]
    return [str(bounds[i + 1] - bounds[i]) for i in range(count)]


def activity(rng: random.Random, number: int, count: int, orgs, areas, dac, clusters) -> str:
    reporter = rng.choice(orgs)
    partners = rng.sample(orgs, 4)
    donor, implementers = partners[0], partners[1:]
    identifier = f"{reporter['ref']}-A{number:06d}"
    humanitarian = rng.random() < 0.35
    start_year = rng.randint(2019, 2026)
    country = rng.choice(list(areas))
    places = rng.sample(areas[country], min(len(areas[country]), rng.randint(1, 3)))
    sectors = rng.sample(dac, rng.randint(1, 3))
    parts = [
        f'<iati-activity xml:lang="en" default-currency="USD" humanitarian="{int(humanitarian)}" '
        f'last-updated-datetime="2026-01-01T00:00:00Z">',
        f"<iati-identifier>{identifier}</iati-identifier>",
        org_xml("reporting-org", reporter),
        f"<title><narrative>{escape(sentence(rng, 8))}</narrative>"
        f'<narrative xml:lang="fr">{escape(sentence(rng, 8))}</narrative></title>',
        '<description type="1"><narrative>'
        f"{escape(' '.join(sentence(rng, 14) for _ in range(8)))}</narrative></description>",
        f'<description type="2"><narrative>{escape(sentence(rng, 25))}</narrative></description>',
        f'<description type="3"><narrative>{escape(sentence(rng, 10))}</narrative></description>',
        org_xml("participating-org", donor, role="1"),
        org_xml("participating-org", reporter, role="2"),
        *(org_xml("participating-org", org, role="4") for org in implementers),
        f'<activity-status code="{rng.choice("12222234")}"/>',
        f'<activity-date iso-date="{start_year}-0{rng.randint(1, 9)}-01" type="1"/>',
        f'<activity-date iso-date="{start_year}-0{rng.randint(1, 9)}-15" type="2"/>',
        f'<activity-date iso-date="{start_year + rng.randint(1, 4)}-12-31" type="3"/>',
        '<contact-info type="1"><organisation><narrative>Programme office</narrative></organisation>'
        "<email>info@example.org</email></contact-info>",
        f'<recipient-country code="{country}" percentage="100"/>',
        *(
            f"<location><name><narrative>{escape(name)}</narrative></name>"
            f'<administrative vocabulary="A1" level="{level}" code="{pcode}"/>'
            f'<point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>{rng.uniform(-10, 20):.4f} '
            f"{rng.uniform(10, 40):.4f}</pos></point></location>"
            for pcode, name, level in places
        ),
        *(
            f'<sector vocabulary="1" code="{code}" percentage="{share}"/>'
            for code, share in zip(sectors, shares(rng, len(sectors)), strict=True)
        ),
    ]
    if humanitarian and clusters:
        parts.append(f'<sector vocabulary="10" code="{rng.choice(clusters)}" percentage="100"/>')
        parts.append(
            f'<humanitarian-scope type="1" vocabulary="1-2" code="FL-{start_year}-{number:06d}-XXX">'
            f"<narrative>{escape(sentence(rng, 4))}</narrative></humanitarian-scope>"
        )
    parts.append('<sector vocabulary="99" vocabulary-uri="https://example.org/v" code="X1" percentage="100"/>')
    for year in range(start_year, start_year + 2):
        parts.append(
            f'<budget type="1" status="1"><period-start iso-date="{year}-01-01"/><period-end iso-date="{year}-12-31"/>'
            f'<value currency="USD" value-date="{year}-01-01">{rng.randint(10, 900) * 1000}</value></budget>'
        )
    commitment = rng.randint(100, 2000) * 1000
    parts.append(
        f'<transaction><transaction-type code="11"/><transaction-date iso-date="{start_year}-01-20"/>'
        f'<value value-date="{start_year}-01-20">{commitment}</value>'
        f"{org_xml('provider-org', donor, provider_activity_id=donor['ref'] + '-P1')}</transaction>"
    )
    for month, org in enumerate(implementers, start=2):
        parts.append(
            f'<transaction><transaction-type code="3"/><transaction-date iso-date="{start_year}-0{month}-10"/>'
            f'<value value-date="{start_year}-0{month}-10">{commitment // 5}</value>'
            f"{org_xml('receiver-org', org)}</transaction>"
        )
    for _ in range(rng.randint(0, 2)):
        other = rng.randrange(count)
        parts.append(f'<related-activity ref="{rng.choice(orgs)["ref"]}-A{other:06d}" type="{rng.choice("12345")}"/>')
    parts.append("</iati-activity>\n")
    return "".join(parts)


def write_file(path: Path, count: int, seed: int) -> None:
    from reference.models import Area, Sector

    rng = random.Random(seed)
    areas: dict[str, list] = {}
    for pcode, name, level, country in Area.objects.filter(level__gte=1).values_list(
        "pcode", "name", "level", "country_code"
    ):
        areas.setdefault(country, []).append((pcode, name, level))
    countries = sorted(areas, key=lambda code: -len(areas[code]))[:15]
    areas = {code: areas[code] for code in countries}
    dac = list(Sector.objects.filter(vocabulary=1).values_list("code", flat=True))
    clusters = list(Sector.objects.filter(vocabulary=10).values_list("code", flat=True))
    orgs = organisations(random.Random(0), 400)  # the same organisations in every file, as in real data
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<iati-activities version="2.03" generated-datetime="2026-01-01T00:00:00Z">\n'
        )
        for number in range(count):
            out.write(activity(rng, number, count, orgs, areas, dac, clusters))
        out.write("</iati-activities>\n")


def timed_import(path: Path, label: str):
    from programmes.interop.jobs import run_import_job
    from programmes.models_imports import ImportChannel, ImportJob, ImportKind

    job = ImportJob.objects.create(kind=ImportKind.IATI, channel=ImportChannel.COMMAND, original_name=path.name)
    started = time.perf_counter()
    last = [started]

    def progress(current):
        now = time.perf_counter()
        if now - last[0] >= 30 or current.is_finished:
            last[0] = now
            print(f"  {label}: {current.processed}/{current.total} after {now - started:.0f} s", flush=True)

    run_import_job(job.pk, source=path, on_progress=progress)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    rate = job.processed / seconds * 60 if seconds else 0
    print(
        f"{label}: {job.processed} activities in {seconds:.1f} s = {rate:,.0f} activities/minute "
        f"(created {job.created_count}, updated {job.updated_count}, skipped {job.skipped_count}, "
        f"errors {job.error_count}, status {job.status})"
    )
    if job.message:
        print(f"  message: {job.message}")
    return job, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=None, help="default: enough for a file of --megabytes")
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--file", type=Path, default=None, help="where to write the file (default: a temp file)")
    parser.add_argument("--allow-sqlite", action="store_true", help="for a quick smoke run only")
    parser.add_argument("--no-second-run", action="store_true", help="skip the re-import of the same file")
    args = parser.parse_args()

    import django

    django.setup()
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from reference.models import Area

    if connection.vendor != "postgresql" and not args.allow_sqlite:
        print("Set DATABASE_URL to a PostgreSQL database (or pass --allow-sqlite for a smoke run).")
        return 2
    call_command("migrate", verbosity=0)
    if not Area.objects.filter(level__gte=1).exists():
        started = time.perf_counter()
        call_command("load_reference", stdout=StringIO())
        print(f"loaded the reference data in {time.perf_counter() - started:.1f} s")
    count = args.activities or args.megabytes * 1024 * 1024 // BYTES_PER_ACTIVITY
    settings.IATI_MAX_UPLOAD_MB = max(settings.IATI_MAX_UPLOAD_MB, args.megabytes + 10)
    with tempfile.TemporaryDirectory() as scratch:
        path = args.file or Path(scratch) / "bench-activities.xml"
        started = time.perf_counter()
        write_file(path, count, args.seed)
        size_mb = path.stat().st_size / 1024 / 1024
        print(f"wrote {count} activities, {size_mb:.1f} MB, in {time.perf_counter() - started:.1f} s: {path}")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        timed_import(path, "first import")
        rss_first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if not args.no_second_run:
            timed_import(path, "same file again")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"file size: {size_mb:.1f} MB")
    print(
        f"peak memory of this process: {peak:.0f} MB "
        f"(before the import {rss_before:.0f} MB, after the first {rss_first:.0f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
