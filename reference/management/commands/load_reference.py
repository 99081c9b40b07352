from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reference.loading import LoadReport, ReferenceDataError, load_reference_data


class Command(BaseCommand):
    help = "Load or refresh areas, sectors and IATI code lists from the reference data files (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="folder laid out like reference/data/ (default: settings.REFERENCE_DATA_DIR)",
        )

    def handle(self, *args, data_dir: Path | None = None, **options) -> None:
        data_dir = data_dir or Path(settings.REFERENCE_DATA_DIR)
        try:
            report = load_reference_data(data_dir)
        except ReferenceDataError as error:
            # CommandError prints to stderr and exits with status 1.
            raise CommandError(f"{error}\nNothing was loaded; the database is unchanged.") from error
        self.stdout.write(format_report(report))


def format_report(report: LoadReport) -> str:
    width = max(len(kind.kind) for kind in report.kinds)
    lines = [f"{'kind':<{width}}  {'created':>8}  {'updated':>8}  {'unchanged':>9}"]
    for kind in report.kinds:
        counts = kind.counts
        lines.append(f"{kind.kind:<{width}}  {counts.created:>8}  {counts.updated:>8}  {counts.unchanged:>9}")
    lines.extend(f"note: {note}" for note in report.notes)
    lines.append(f"Loaded in {report.seconds:.1f} s")
    return "\n".join(lines)
