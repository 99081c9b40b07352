import uuid
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from analyses.choices import (
    DEFAULT_REVIEW_MONTHS,
    REVIEW_MONTHS,
    AnalysisKind,
    AnalysisStatus,
    EventType,
    Sensitivity,
)
from analyses.querysets import AnalysisQuerySet, ContextEventQuerySet


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def default_review_due(kind: str, conducted_on: date) -> date:
    return add_months(conducted_on, REVIEW_MONTHS.get(kind, DEFAULT_REVIEW_MONTHS))


def analysis_upload_path(instance: "Analysis", filename: str) -> str:
    """Stored under a generated name: the uploader's file name never reaches the file system."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"analyses/{uuid.uuid4().hex}{suffix}"


class Analysis(models.Model):
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=AnalysisKind.choices)
    scope_areas = models.ManyToManyField("reference.Area", verbose_name=_("scope"), related_name="analyses")
    author_actors = models.ManyToManyField("actors.Actor", verbose_name=_("authors"), related_name="analyses")
    pillar_h = models.BooleanField(_("humanitarian"), default=False)
    pillar_d = models.BooleanField(_("development"), default=False)
    pillar_p = models.BooleanField(_("peace"), default=False)
    conducted_on = models.DateField(_("conducted on"))
    review_due = models.DateField(
        _("review due"),
        blank=True,
        help_text=_("Leave empty for the default: 12 months after it was conducted, 6 for conflict analyses."),
    )
    method = models.TextField(_("method"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    key_drivers = models.TextField(_("key drivers"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    attached_file = models.FileField(_("file"), upload_to=analysis_upload_path, blank=True, max_length=200)
    attached_file_name = models.CharField(_("original file name"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.DRAFT)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by",
        help_text=_("The previous version this analysis replaces."),
    )
    sensitivity = models.CharField(
        _("sensitivity"), max_length=10, choices=Sensitivity.choices, default=Sensitivity.RESTRICTED
    )
    shared_with_actors = models.ManyToManyField(
        "actors.Actor", verbose_name=_("shared with actors"), blank=True, related_name="analyses_shared_with"
    )
    shared_with_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("shared with people"), blank=True, related_name="analyses_shared_with"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AnalysisQuerySet.as_manager()

    class Meta:
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")
        ordering = ["-conducted_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_due__gte=F("conducted_on")),
                name="analysis_review_after_conducted",
                violation_error_message=_("The review cannot be due before the analysis was conducted."),
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("pk")),
                name="analysis_not_superseding_itself",
                violation_error_message=_("An analysis cannot supersede itself."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "status", "conducted_on"], name="analysis_kind_status_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("analyses:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.conducted_on and not self.review_due:
            self.review_due = default_review_due(self.kind, self.conducted_on)
        errors = {}
        if self.conducted_on and self.conducted_on > timezone.localdate():
            errors["conducted_on"] = _("An analysis cannot be conducted in the future.")
        if self.conducted_on and self.review_due and self.review_due < self.conducted_on:
            errors["review_due"] = _("The review cannot be due before the analysis was conducted.")
        if errors:
            raise ValidationError(errors)


class ContextEvent(models.Model):
    """Something that changes the context of an area; it makes older analyses of that area stale."""

    area = models.ForeignKey(
        "reference.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="context_events"
    )
    date = models.DateField(_("date"))
    event_type = models.CharField(_("type"), max_length=20, choices=EventType.choices)
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey(
        "actors.Actor",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_events",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ContextEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("context event")
        verbose_name_plural = _("context events")
        ordering = ["-date", "pk"]
        indexes = [models.Index(fields=["area", "date"], name="event_area_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} – {self.area} ({self.date})"
