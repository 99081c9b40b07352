from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.choices import CommitmentRole, CommitmentStatus, FlagAction, FlagStatus, GoalStatus, Severity
from coordination.querysets import (
    ContributionQuerySet,
    DirtyCountryQuerySet,
    FlagEventQuerySet,
    FlagQuerySet,
    FlagRunQuerySet,
    GoalCommitmentQuerySet,
    GoalProgressQuerySet,
    SharedGoalQuerySet,
)


class SharedGoal(models.Model):
    """A collective outcome: a shared, measurable goal for a context, spanning pillars."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    areas = models.ManyToManyField("reference.Area", verbose_name=_("areas"), related_name="shared_goals")
    pillar_h = models.BooleanField(_("humanitarian"), default=False)
    pillar_d = models.BooleanField(_("development"), default=False)
    pillar_p = models.BooleanField(_("peace"), default=False)
    indicator = models.CharField(_("indicator"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=16, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=16, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    horizon_start = models.DateField(_("horizon start"))
    horizon_end = models.DateField(_("horizon end"))
    convening_actor = models.ForeignKey(
        "actors.Actor",
        verbose_name=_("convening actor"),
        on_delete=models.PROTECT,
        related_name="convened_goals",
    )
    status = models.CharField(_("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SharedGoalQuerySet.as_manager()

    class Meta:
        verbose_name = _("shared goal")
        verbose_name_plural = _("shared goals")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_end__gte=F("horizon_start")),
                name="goal_horizon_end_after_start",
                violation_error_message=_("The horizon cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_date__isnull=True)
                | Q(target_date__isnull=True)
                | Q(target_date__gte=F("baseline_date")),
                name="goal_target_after_baseline",
                violation_error_message=_("The target date cannot be before the baseline date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("coordination:goal_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.horizon_start and self.horizon_end and self.horizon_end < self.horizon_start:
            errors["horizon_end"] = _("The horizon cannot end before it starts.")
        if (self.baseline_value is None) != (self.baseline_date is None):
            errors["baseline_date"] = _("Give both the baseline value and its date, or neither.")
        if (self.target_value is None) != (self.target_date is None):
            errors["target_date"] = _("Give both the target value and its date, or neither.")
        if errors:
            raise ValidationError(errors)


class GoalCommitment(models.Model):
    goal = models.ForeignKey(SharedGoal, on_delete=models.CASCADE, related_name="commitments")
    actor = models.ForeignKey(
        "actors.Actor", verbose_name=_("actor"), on_delete=models.PROTECT, related_name="goal_commitments"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=CommitmentRole.choices, default=CommitmentRole.CONTRIBUTOR
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.ACCEPTED
    )
    commitment_text = models.TextField(_("commitment"), blank=True)
    committed_on = models.DateField(_("date"), default=timezone.localdate)

    objects = GoalCommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal commitment")
        verbose_name_plural = _("goal commitments")
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "actor"],
                name="commitment_one_per_actor",
                violation_error_message=_("This actor has already committed to the goal."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} → {self.goal} ({self.get_role_display()})"


class Contribution(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.CASCADE, related_name="contributions"
    )
    goal = models.ForeignKey(SharedGoal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="contributions")
    description = models.TextField(_("how it contributes"), blank=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "goal"],
                name="contribution_once",
                violation_error_message=_("This programme already contributes to the goal."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} → {self.goal}"


class GoalProgress(models.Model):
    goal = models.ForeignKey(SharedGoal, on_delete=models.CASCADE, related_name="progress_reports")
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = GoalProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["goal", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "date"],
                name="progress_one_per_goal_and_date",
                violation_error_message=_("There is already a progress report for this goal on this date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.value} ({self.date})"


def severity_rank_expression() -> models.Case:
    """High 4 … info 1, for sorting by severity in SQL. The flag inbox's index is built on exactly this
    expression, so the inbox reads its first page off the index instead of sorting every open flag."""
    order = (Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)
    ranks = [models.When(severity=severity, then=models.Value(4 - index)) for index, severity in enumerate(order)]
    return models.Case(*ranks, default=models.Value(0), output_field=models.IntegerField())


class Flag(models.Model):
    """A coordination gap found by a rule. One row per rule × subject key; runs update it in place."""

    rule = models.CharField(_("rule"), max_length=60, db_index=True)
    subject_key = models.CharField(_("subject key"), max_length=255)
    # The country a run evaluates this flag in ("" for rules that look at all countries at once),
    # so a run over some countries resolves exactly the flags it re-checked.
    partition = models.CharField(_("partition"), max_length=2, blank=True, default="")
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    country = models.ForeignKey(
        "reference.Area",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="country_flags",
    )
    area = models.ForeignKey(
        "reference.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    responsible_actors = models.ManyToManyField(
        "actors.Actor", verbose_name=_("responsible actors"), blank=True, related_name="flags"
    )
    message = models.TextField(_("message (English)"))
    message_nb = models.TextField(_("message (Norwegian)"), blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    evidence_hash = models.CharField(max_length=64, blank=True)
    # Hash of everything the engine writes (severity, messages, subject, place, actors, evidence): a re-run
    # compares this one column instead of loading every flag and its actors.
    fingerprint = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    assigned_to = models.ForeignKey(
        "actors.Actor",
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_flags",
    )
    dismissed_reason = models.TextField(_("reason for dismissal"), blank=True)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-last_seen", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "subject_key"], name="flag_one_per_rule_and_subject"),
            models.CheckConstraint(
                condition=~Q(status=FlagStatus.DISMISSED) | ~Q(dismissed_reason=""),
                name="flag_dismissal_has_reason",
                violation_error_message=_("Give a reason when dismissing a flag."),
            ),
            models.CheckConstraint(
                condition=~Q(status=FlagStatus.RESOLVED) | Q(resolved_at__isnull=False),
                name="flag_resolved_has_time",
                violation_error_message=_("A resolved flag needs the time it was resolved."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "rule", "severity"], name="flag_triage_idx"),
            models.Index(fields=["rule", "partition"], name="flag_partition_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="flag_subject_idx"),
            # The inbox's default order (most severe, then most recently seen) over the flags that need work:
            # its first page is the index's first rows (docs/performance.md, "Web pages and API under load").
            models.Index(
                severity_rank_expression().desc(),
                F("last_seen").desc(),
                F("id"),
                name="flag_inbox_order_idx",
                condition=Q(status__in=[FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.message[:80]}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("coordination:flag_detail", args=[self.pk])


class FlagEvent(models.Model):
    """Triage history of a flag: who did what and why."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=FlagAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    objects = FlagEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("flag event")
        verbose_name_plural = _("flag events")
        ordering = ["flag", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.flag_id} {self.action} {self.created_at:%Y-%m-%d}"


class FlagRun(models.Model):
    """One execution of the rule engine: what it covered, how it went, what it changed.

    At most one run holds the lock (status "running") at a time: a partial unique index, so the
    database itself refuses a second writer on PostgreSQL and SQLite alike.
    """

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Nightly schedule")
        MANUAL = "manual", _("Started by a reviewer")
        COMMAND = "command", _("Command line")
        INCREMENTAL = "incremental", _("After changes")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Finished with rule errors")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped: another run was writing")

    LOCK = "flags"

    trigger = models.CharField(_("trigger"), max_length=12, choices=Trigger.choices)
    as_of = models.DateField(_("as of"))
    rules = models.JSONField(_("rules"), default=list, blank=True, help_text=_("Empty: every rule."))
    full = models.BooleanField(_("every country"), default=False)
    countries = models.JSONField(
        _("countries"), default=list, blank=True, help_text=_("The countries re-checked when not a full run.")
    )
    regions = models.JSONField(
        _("areas re-checked"),
        default=dict,
        blank=True,
        help_text=_("Countries re-checked only in part: the areas (p-codes) where programmes changed, in each."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    lock = models.CharField(max_length=10, null=True, blank=True, default=LOCK)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    heartbeat_at = models.DateTimeField(_("last sign of life"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    counts = models.JSONField(_("counts per rule"), default=dict, blank=True)
    log = models.TextField(_("log"), blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FlagRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("flag run")
        verbose_name_plural = _("flag runs")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lock"],
                condition=Q(status="running"),
                name="flag_run_single_writer",
                violation_error_message=_("Another flag run is writing."),
            ),
        ]
        indexes = [
            # The latest finished run (of all, or that re-checked a country) names the dashboard's cached
            # figures on every visit; runs accumulate with every edit, so this is read off an index.
            models.Index(
                F("finished_at").desc(),
                F("id").desc(),
                name="flag_run_finished_idx",
                condition=Q(status__in=["succeeded", "partial"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class DirtyCountry(models.Model):
    """A country whose data changed since its flags were last computed.

    Written in the same transaction as the change, so a change made while Redis is down is still
    re-checked: the next run, incremental or full, sweeps every mark.
    """

    country_code = models.CharField(_("country (ISO-2)"), max_length=2)
    # Blank: the whole country. Otherwise an area where a programme changed (the p-code of one of its locations,
    # old or new: admin-1, admin-2 or the country itself): a programme edit re-checks only where it works.
    region = models.CharField(_("area (p-code)"), max_length=20, blank=True, default="")
    marked_at = models.DateTimeField(_("marked"), default=timezone.now)

    objects = DirtyCountryQuerySet.as_manager()

    class Meta:
        verbose_name = _("country to re-check")
        verbose_name_plural = _("countries to re-check")
        constraints = [
            models.UniqueConstraint(fields=["country_code", "region"], name="dirty_country_one_mark_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.country_code} {self.region}".strip()
