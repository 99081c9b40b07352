"""manage.py import_iati FILE [FILE ...] [--as-user USERNAME]: import IATI activity files now.

Each file becomes an ImportJob (channel "command") run in this process, with progress on stdout and
a summary per file. Without --as-user the import runs as the system (it may report for any
organisation); with it, the user's rights apply as on the upload page. A file that cannot be read or
is refused (hostile, broken, too large, not IATI 2.0x) is reported and the others are still imported;
the exit code is then 2.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actors.models import User
from programmes.interop.jobs import run_import_job
from programmes.models_imports import ImportChannel, ImportJob, ImportKind, ImportStatus, ProblemLevel

LISTED_ERRORS = 50  # per file; the rest are in the job's problems (page or API)


class Command(BaseCommand):
    help = "Import IATI 2.01–2.03 activity files (created, updated or skipped per activity)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--as-user", metavar="USERNAME", help="Import with this user's rights (default: system).")

    def handle(self, *args, files: list[Path], as_user: str | None = None, **options):
        user = None
        if as_user:
            user = User.objects.filter(username=as_user, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user named {as_user!r}.", returncode=2)
        failed = []
        for path in files:
            job = ImportJob.objects.create(
                kind=ImportKind.IATI, channel=ImportChannel.COMMAND, created_by=user, original_name=path.name[:255]
            )
            self.stdout.write(f"{path}: importing (job #{job.pk})")
            run_import_job(job.pk, source=path, on_progress=self._progress(path))
            job.refresh_from_db()
            self._summary(path, job)
            if job.status == ImportStatus.FAILED:
                failed.append(path)
        if failed:
            names = ", ".join(str(path) for path in failed)
            raise CommandError(f"{len(failed)} file(s) could not be imported: {names}", returncode=2)

    def _progress(self, path: Path):
        def report(job: ImportJob) -> None:
            if job.total is not None and not job.is_finished:
                self.stdout.write(f"{path}: {job.processed}/{job.total} activities")

        return report

    def _summary(self, path: Path, job: ImportJob) -> None:
        if job.status == ImportStatus.FAILED:
            self.stderr.write(self.style.ERROR(f"{path}: refused: {job.message}"))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{path}: {job.total} activities: {job.created_count} created, {job.updated_count} updated, "
                f"{job.skipped_count} skipped (unchanged), {job.error_count} with errors"
            )
        )
        errors = job.problems.filter(level=ProblemLevel.ERROR).order_by("position", "pk")
        for problem in errors[:LISTED_ERRORS]:
            self.stdout.write(
                f"  error: activity {problem.position} {problem.identifier or '(no identifier)'}: {problem.message}"
            )
        if job.error_count > LISTED_ERRORS:
            self.stdout.write(f"  … and {job.error_count - LISTED_ERRORS} more errors (job #{job.pk})")
        warnings = job.problems.filter(level=ProblemLevel.WARNING).count()
        if warnings:
            self.stdout.write(f"  {warnings} warning(s): see job #{job.pk} on the imports page or the API")
