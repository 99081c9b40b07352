"""HXL 3W import jobs: upload → preview (a task) → the user confirms → apply (the shared import runner).

The job row is the shared ImportJob (kind "hxl"). Unlike an IATI file, a spreadsheet is previewed
before anything is written:

1. `hxl_job_create` checks the upload (who, size, extension, content), stores it under a generated
   name and enqueues `build_hxl_preview` after commit; the job is "previewing".
2. `preview_job` reads the sheet, plans the import (hxl_import.plan_import: reads, never writes) and
   stores the plan as `job.preview`; the job is "preview_ready" (or "failed", with the reason, when the
   sheet cannot be read or lacks the hashtags the import needs).
3. `hxl_job_confirm` moves it to "queued" once (compare-and-set: a double click confirms once) and
   enqueues the shared runner (programmes.tasks.run_import → jobs.run_import_job), which claims it,
   wraps it in deferred_rechecks() and calls `run_hxl` here: the plan is made again from the stored file
   (the data may have changed since the preview) and applied programme by programme.
   `hxl_job_cancel` ends a job that was not confirmed, and deletes its file.

This module imports programmes.interop.jobs only inside functions: jobs.py registers the HXL importer
(IMPORTERS) by importing this module, and the two must load in either order.
"""

import logging
import os
from pathlib import PurePath

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nexus_portal.querysets import CHANGE
from programmes.interop import hxl_apply, hxl_import, hxl_read
from programmes.models_imports import ImportJob, ImportKind, ImportProblem, ImportStatus

logger = logging.getLogger(__name__)

EXTENSIONS = (".csv", ".xlsx")
PROGRESS_EVERY = 25  # programmes between saves of the counters (and the heartbeat)
COUNTERS = ("total", "processed", "created_count", "updated_count", "skipped_count", "error_count")
WAITING = (ImportStatus.PREVIEWING, ImportStatus.PREVIEW_READY)


def check_file(upload) -> None:
    """Size, extension and the first bytes against the extension; ValidationError({"file": …})."""
    try:
        file_format = hxl_read.check_upload(upload)
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        is_zip = head.startswith(b"PK\x03\x04")
        if file_format == hxl_read.XLSX and not is_zip:
            raise ValidationError(
                _("This file is named .xlsx but is not an Excel workbook (perhaps it is CSV text). Name it .csv."),
                code="not_xlsx",
            )
        if file_format == hxl_read.CSV and (is_zip or head.startswith(b"\xd0\xcf\x11\xe0")):
            raise ValidationError(
                _("This file is named .csv but is an Excel workbook. Name it .xlsx, or save it as CSV UTF-8."),
                code="not_csv",
            )
    except ValidationError as error:
        raise ValidationError({"file": error.messages}, code=getattr(error, "code", None)) from None


def hxl_job_create(*, user, uploaded_file, channel: str, options: dict | None = None) -> ImportJob:
    """A job previewing an uploaded 3W sheet; ValidationError ({"file": …}) with nothing stored if refused."""
    from programmes.interop.jobs import may_import

    if not may_import(user):
        raise PermissionDenied("Only editors of an organisation and reviewers may import files.")
    check_file(uploaded_file)
    name = PurePath((getattr(uploaded_file, "name", "") or "").replace("\\", "/")).name
    language = translation.get_language()
    with transaction.atomic():
        job = ImportJob(
            kind=ImportKind.HXL,
            status=ImportStatus.PREVIEWING,
            channel=channel,
            created_by=user,
            original_name=name[:255],
            options={**(options or {}), **({"language": language} if language else {})},
        )
        uploaded_file.seek(0)
        job.file.save(name, uploaded_file, save=False)
        job.save()
        transaction.on_commit(lambda: enqueue_preview(job.pk))
    return job


def enqueue_preview(job_id: int) -> None:
    try:
        build_hxl_preview.delay(job_id)
    except Exception:  # an upload must not fail because background work can't start now
        logger.warning("could not start the preview of import job %s now", job_id, exc_info=True)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def build_hxl_preview(job_id: int) -> str | None:
    job = preview_job(job_id)
    return job.status if job is not None else None


def preview_job(job_id: int) -> ImportJob | None:
    """Read and plan the sheet, store the preview. Writes nothing but the job row."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id, status=ImportStatus.PREVIEWING).first()
    if job is None or job.kind != ImportKind.HXL:
        return None
    with translation.override(job.options.get("language") or settings.LANGUAGE_CODE):
        try:
            with job.file.open("rb") as stored:
                sheet = hxl_read.read_sheet(stored, name=job.original_name)
        except ValidationError as error:
            return _preview_done(job, ImportStatus.FAILED, message=" ".join(error.messages))
        except OSError:
            logger.exception("import job %s: the stored file could not be read", job_id)
            return _preview_done(job, ImportStatus.FAILED, message=_("The uploaded file could not be read again."))
        if job.created_by is None:
            return _preview_done(job, ImportStatus.FAILED, message=_("The person who uploaded the file is gone."))
        plan = hxl_import.plan_import(sheet, user=job.created_by, country=job.options.get("country", ""))
        preview = hxl_import.preview_json(plan)
        if plan.missing:
            message = _("The sheet lacks hashtags the import needs: %(missing)s.") % {
                "missing": "; ".join(plan.missing)
            }
            return _preview_done(job, ImportStatus.FAILED, message=message, preview=preview)
        return _preview_done(job, ImportStatus.PREVIEW_READY, preview=preview, total=len(plan.rows))


def _preview_done(job: ImportJob, status: str, *, message: str = "", preview=None, total=None) -> ImportJob:
    now = timezone.now()
    fields = {"status": status, "message": message, "heartbeat_at": now, "preview": preview or {}, "total": total}
    if status == ImportStatus.FAILED:
        fields["finished_at"] = now
    # Only a job still previewing is changed: a cancel that came first wins.
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWING).update(**fields)
    job.refresh_from_db()
    return job


def hxl_job_confirm(*, user, job: ImportJob) -> ImportJob:
    """The user's go-ahead: queued once, then run by the shared import runner."""
    from programmes.interop.jobs import enqueue

    confirmed = (
        ImportJob.objects.restrict(user, CHANGE)
        .filter(pk=job.pk, kind=ImportKind.HXL, status=ImportStatus.PREVIEW_READY)
        .update(status=ImportStatus.QUEUED)
    )
    if not confirmed:
        raise ValidationError(
            _("This import is not waiting for confirmation: it was confirmed or cancelled already."), code="state"
        )
    transaction.on_commit(lambda: enqueue(job.pk))
    job.refresh_from_db()
    return job


def hxl_job_cancel(*, user, job: ImportJob) -> ImportJob:
    cancelled = (
        ImportJob.objects.restrict(user, CHANGE)
        .filter(pk=job.pk, kind=ImportKind.HXL, status__in=WAITING)
        .update(status=ImportStatus.CANCELLED, finished_at=timezone.now())
    )
    if not cancelled:
        raise ValidationError(_("Only an import that is not yet confirmed can be cancelled."), code="state")
    job.refresh_from_db()
    if job.file:
        name = job.file.name
        transaction.on_commit(lambda: job.file.storage.delete(name))
    return job


def run_hxl(job: ImportJob, source, on_progress=None) -> None:
    """The importer the shared runner calls for kind "hxl" (jobs.IMPORTERS), inside deferred_rechecks()."""
    from programmes.interop.safe_xml import IatiFileRejected  # the runner's "whole file refused" signal

    try:
        if isinstance(source, str | os.PathLike):  # the command line passes a path
            with open(source, "rb") as stream:
                sheet = hxl_read.read_sheet(stream, name=job.original_name or os.fspath(source))
        else:
            sheet = hxl_read.read_sheet(source, name=job.original_name)
    except ValidationError as error:
        raise IatiFileRejected(" ".join(error.messages)) from None
    plan = hxl_import.plan_import(sheet, user=job.created_by, country=job.options.get("country", ""))
    if plan.missing:
        raise IatiFileRejected(
            _("The sheet lacks hashtags the import needs: %(missing)s.") % {"missing": "; ".join(plan.missing)}
        )
    job.total = len(plan.rows)
    job.save(update_fields=["total"])
    saved = {"groups": 0, "problems": 0}

    def progress(outcome: hxl_apply.Outcome, *, final: bool = False) -> None:
        job.processed = outcome.processed_rows
        job.created_count, job.updated_count = outcome.created, outcome.updated
        job.skipped_count, job.error_count = outcome.unchanged, outcome.error_rows
        saved["groups"] += 1
        if final or saved["groups"] % PROGRESS_EVERY == 0:
            new_problems = outcome.problems[saved["problems"] :]
            saved["problems"] = len(outcome.problems)
            _save_progress(job, new_problems)
            if on_progress is not None:
                on_progress(job)

    outcome = hxl_apply.apply_plan(plan, user=job.created_by, progress=progress)
    progress(outcome, final=True)


def _save_progress(job: ImportJob, problems) -> None:
    limit = ImportProblem._meta.get_field("identifier").max_length
    ImportProblem.objects.bulk_create(
        ImportProblem(job=job, position=position, identifier=identifier[:limit], level=level, message=message)
        for position, identifier, level, message in problems
    )
    job.heartbeat_at = timezone.now()
    job.save(update_fields=[*COUNTERS, "heartbeat_at"])
