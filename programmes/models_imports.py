"""Import jobs: one persisted row per uploaded IATI or HXL file, with progress and per-item problems.

The job row is the single source of truth for the UI's progress bar, the API and the command: the
Celery task (or the in-process fallback) updates its counters as it goes.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nexus_portal.querysets import RestrictedQuerySet


class ImportKind(models.TextChoices):
    IATI = "iati", _("IATI activity XML")
    HXL = "hxl", _("HXL-tagged 3W spreadsheet")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PREVIEWING = "previewing", _("Preparing preview")
    PREVIEW_READY = "preview_ready", _("Preview ready: waiting for confirmation")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportChannel(models.TextChoices):
    UI = "ui", _("Web page")
    API = "api", _("API")
    COMMAND = "command", _("Command line")


def import_upload_path(job: "ImportJob", filename: str) -> str:
    """A generated name: the user's file name is kept in `original_name`, never on disk."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"imports/{uuid.uuid4().hex}{suffix}"


class ImportJobQuerySet(RestrictedQuerySet):
    """A job and its problems belong to the user who started it (and administrators)."""

    def view_condition(self, user):
        return models.Q(created_by=user)

    def change_condition(self, user):
        return models.Q(created_by=user)


class ImportJob(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    channel = models.CharField(
        _("started from"), max_length=10, choices=ImportChannel.choices, default=ImportChannel.UI
    )
    file = models.FileField(_("file"), upload_to=import_upload_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    total = models.PositiveIntegerField(_("items in file"), null=True, blank=True)
    processed = models.PositiveIntegerField(_("items processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    message = models.TextField(_("message"), blank=True, help_text=_("Why the whole job failed, if it did."))

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="import_job_owner_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name or self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("programmes:import_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED)

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.is_finished else 0
        return min(100, round(100 * self.processed / self.total))


class ProblemLevel(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")


class ImportProblemQuerySet(RestrictedQuerySet):
    def view_condition(self, user):
        return models.Q(job__created_by=user)

    def change_condition(self, user):
        return None


class ImportProblem(models.Model):
    """One activity or row that was skipped (error) or imported with a caveat (warning)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    position = models.PositiveIntegerField(_("position"), help_text=_("Activity number or spreadsheet row."))
    identifier = models.CharField(_("identifier"), max_length=255, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=ProblemLevel.choices, default=ProblemLevel.ERROR)
    message = models.TextField(_("message"))

    objects = ImportProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        ordering = ["job", "position", "pk"]
        indexes = [models.Index(fields=["job", "position"], name="import_problem_job_idx")]

    def __str__(self) -> str:
        return f"{self.identifier or self.position}: {self.message}"
