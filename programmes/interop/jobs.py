"""Import jobs: accept a file (page, API or command), then work through it in the background.

`import_job_create` checks the upload before anything is stored (who may import, size, extension,
the file's start read by the safe parser), saves it under a generated name and enqueues the work after
commit. `run_import_job` does the work: a first streaming pass counts the activities and refuses a
broken or hostile file before anything is written; the second pass imports activity by activity (each
in its own transaction), saving progress every few activities so the page and the API show it.

A job is claimed atomically: one that is finished is never run again; one whose worker died (no
heartbeat for a while) is run again from the start, which is safe because importing is an upsert.
"""

import logging
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePath

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actors.access import actor_ids, is_reviewer
from actors.choices import MembershipRole
from coordination.dirty import deferred_rechecks
from nexus_portal.audit import audit_context
from programmes.interop.iati_import import ActivityRefused, ImportContext, import_activity, resolve_pending_links
from programmes.interop.iati_parse import InvalidActivity, parse_activity
from programmes.interop.safe_xml import IatiFileRejected, count_activities, iter_activities, read_header
from programmes.models_imports import ImportChannel, ImportJob, ImportKind, ImportProblem, ImportStatus, ProblemLevel

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 25  # activities between saves of the counters (and the heartbeat)
STALE_AFTER = timedelta(minutes=10)  # a running job without a heartbeat for this long has lost its worker
COUNTERS = ("total", "processed", "created_count", "updated_count", "skipped_count", "error_count")


@dataclass(frozen=True)
class Importer:
    """What the jobs need to know about one kind of file."""

    extensions: tuple[str, ...]
    check: Callable  # (uploaded file) -> None, raises ValidationError
    run: Callable  # (job, source, on_progress) -> None


def may_import(user) -> bool:
    """Editors of an organisation, reviewers and administrators may import files."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or is_reviewer(user) or actor_ids(user, MembershipRole.EDITOR))


def _check_iati(upload) -> None:
    try:
        read_header(upload)
    except IatiFileRejected as rejected:
        raise ValidationError({"file": rejected.message}, code="rejected") from None


def import_job_create(*, user, kind: str, uploaded_file, channel: str, options: dict | None = None) -> ImportJob:
    """A queued job for an uploaded file, or ValidationError ({"file": …} or {"kind": …}) with nothing stored."""
    if not may_import(user):
        raise PermissionDenied("Only editors of an organisation and reviewers may import files.")
    if kind == ImportKind.HXL:  # HXL: a spreadsheet is previewed and confirmed before it runs (hxl_jobs.py)
        return hxl_jobs.hxl_job_create(user=user, uploaded_file=uploaded_file, channel=channel, options=options)
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise ValidationError(
            {"kind": _("The portal cannot import files of the kind “%(kind)s”.") % {"kind": str(kind)[:20]}},
            code="kind",
        )
    if channel not in ImportChannel.values:
        raise ValueError(f"unknown channel {channel!r}")
    name = PurePath((getattr(uploaded_file, "name", "") or "").replace("\\", "/")).name
    if PurePath(name).suffix.lower() not in importer.extensions:
        raise ValidationError(
            {"file": _("Choose a file ending in %(extensions)s.") % {"extensions": ", ".join(importer.extensions)}},
            code="extension",
        )
    importer.check(uploaded_file)
    language = translation.get_language()
    with transaction.atomic():
        job = ImportJob(
            kind=kind,
            channel=channel,
            created_by=user,
            original_name=name[:255],
            options={**(options or {}), **({"language": language} if language else {})},
        )
        uploaded_file.seek(0)
        job.file.save(name, uploaded_file, save=False)
        job.save()
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    """Start the job in the background; if the broker is down it stays queued for the sweeper."""
    from programmes.tasks import run_import

    try:
        run_import.delay(job_id)
    except Exception:  # an upload must not fail because background work cannot start now
        logger.warning("could not start import job %s now; the stalled-jobs sweep retries it", job_id, exc_info=True)


def _claim(job_id: int) -> ImportJob | None:
    """Mark the job running, if it is queued or lost its worker; None if it is finished or running elsewhere."""
    now = timezone.now()
    runnable = Q(status=ImportStatus.QUEUED) | Q(
        Q(heartbeat_at__lt=now - STALE_AFTER) | Q(heartbeat_at__isnull=True), status=ImportStatus.RUNNING
    )
    claimed = ImportJob.objects.filter(runnable, pk=job_id).update(
        status=ImportStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        message="",
        **dict.fromkeys(COUNTERS[1:], 0),
    )
    if not claimed:
        return None
    ImportProblem.objects.filter(job_id=job_id).delete()  # a re-run starts over
    return ImportJob.objects.select_related("created_by").get(pk=job_id)


def run_import_job(
    job_id: int, *, source=None, on_progress: Callable[[ImportJob], None] | None = None
) -> ImportJob | None:
    """Run a queued job to done or failed; `source` (a path) replaces the stored file (the command)."""
    job = _claim(job_id)
    if job is None:
        logger.info("import job %s is finished or running elsewhere; not run again", job_id)
        return None
    with translation.override(job.options.get("language") or settings.LANGUAGE_CODE):
        try:
            with (
                deferred_rechecks(),
                audit_context(interface="import", user=job.created_by, request_id=f"import-{job.pk}"),
            ):
                if source is None:
                    with job.file.open("rb") as stored:
                        IMPORTERS[job.kind].run(job, stored, on_progress)
                else:
                    IMPORTERS[job.kind].run(job, source, on_progress)
        except IatiFileRejected as rejected:
            _finish(job, ImportStatus.FAILED, rejected.message)
        except SoftTimeLimitExceeded:
            logger.warning("import job %s stopped at the task time limit after %s items", job_id, job.processed)
            message = _(
                "The import stopped at the time limit for background work, after %(processed)s of %(total)s "
                "activities. Import the file again to go on (activities already imported are quickly skipped), "
                "or split it."
            ) % {"processed": job.processed, "total": job.total or "?"}
            _finish(job, ImportStatus.FAILED, message)
        except Exception:
            logger.exception("import job %s failed", job_id)
            _finish(job, ImportStatus.FAILED, _("The import stopped because of an unexpected error. Try again later."))
            raise
        else:
            _finish(job, ImportStatus.DONE)
    if on_progress is not None:
        on_progress(job)
    return job


def _finish(job: ImportJob, status: str, message: str = "") -> None:
    """Record the outcome, and delete the uploaded file: the job keeps its name, counts and problems."""
    job.status, job.message = status, message
    job.finished_at = job.heartbeat_at = timezone.now()
    fields = ["status", "message", "finished_at", "heartbeat_at", *COUNTERS]
    if job.file:
        job.file.delete(save=False)
        fields.append("file")
    job.save(update_fields=fields)


def run_iati(job: ImportJob, source, on_progress=None) -> None:
    """Count (and so check) the whole file, then import it activity by activity."""
    job.total = count_activities(source)
    job.save(update_fields=["total"])
    if on_progress is not None:
        on_progress(job)
    ctx = ImportContext(user=job.created_by)
    problems: list[ImportProblem] = []
    try:
        for position, element in enumerate(iter_activities(source), start=1):
            identifier = ""
            try:
                parsed = parse_activity(element)
                identifier = parsed.identifier
                outcome = import_activity(parsed, ctx=ctx)
            except (InvalidActivity, ActivityRefused) as refused:
                identifier = identifier or getattr(refused, "identifier", "")
                job.error_count += 1
                problems.append(_problem(job, position, identifier, ProblemLevel.ERROR, refused.message))
            except SoftTimeLimitExceeded:
                raise
            except Exception:  # one activity must not stop a long import: it is logged and reported as a problem
                logger.exception("import job %s: activity %s (%s) failed", job.pk, position, identifier)
                job.error_count += 1
                message = _("This activity could not be saved because of an unexpected error; it was logged.")
                problems.append(_problem(job, position, identifier, ProblemLevel.ERROR, message))
            else:
                setattr(job, f"{outcome.result}_count", getattr(job, f"{outcome.result}_count") + 1)
                problems.extend(
                    _problem(job, position, identifier, ProblemLevel.WARNING, text) for text in outcome.warnings
                )
            job.processed = position
            if position % PROGRESS_EVERY == 0:
                _save_progress(job, problems)
                if on_progress is not None:
                    on_progress(job)
    finally:
        with suppress(DatabaseError):  # keep the problems found so far, also when the run stops early
            ImportProblem.objects.bulk_create(problems)
            problems.clear()
    _save_progress(job, problems)
    resolve_pending_links()


def _problem(job, position, identifier, level, message) -> ImportProblem:
    field = ImportProblem._meta.get_field("identifier")
    return ImportProblem(
        job=job, position=position, identifier=identifier[: field.max_length], level=level, message=message
    )


def _save_progress(job: ImportJob, problems: list[ImportProblem]) -> None:
    ImportProblem.objects.bulk_create(problems)
    problems.clear()
    job.heartbeat_at = timezone.now()
    job.save(update_fields=[*COUNTERS, "heartbeat_at"])


def _stalled():
    now = timezone.now()
    return ImportJob.objects.filter(
        Q(status=ImportStatus.QUEUED, created_at__lt=now - STALE_AFTER)
        | Q(status=ImportStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    )


def stalled_jobs():
    """Uploaded jobs that should be running but are not: never started, or running without a heartbeat."""
    return _stalled().exclude(channel=ImportChannel.COMMAND)


def stalled_jobs_of_commands():
    """Command-line jobs whose process stopped: their file is not stored, so only the command can rerun them."""
    return _stalled().filter(channel=ImportChannel.COMMAND)


IMPORTERS: dict[str, Importer] = {
    ImportKind.IATI: Importer(extensions=(".xml",), check=_check_iati, run=run_iati),
}

# HXL: 3W spreadsheets, previewed and confirmed first (hxl_jobs.py), then run here like any job.
from programmes.interop import hxl_jobs  # noqa: E402  (hxl_jobs imports this module only inside functions)

IMPORTERS[ImportKind.HXL] = Importer(extensions=hxl_jobs.EXTENSIONS, check=hxl_jobs.check_file, run=hxl_jobs.run_hxl)
