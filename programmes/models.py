from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from programmes.choices import ActivityStatus, LinkStatus, LinkType, OrganisationRole, Pillar
from programmes.querysets import ProgrammeChildQuerySet, ProgrammeLinkQuerySet, ProgrammeQuerySet


def _end_not_before_start(start: str, end: str, name: str, message) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True}) | Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=message,
    )


class Programme(models.Model):
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    iati_identifier = models.CharField(
        _("IATI activity identifier"),
        max_length=200,
        blank=True,
        help_text=_("Unique when set, e.g. NO-BRC-971277882-QZA-16/0209."),
    )
    reporting_actor = models.ForeignKey(
        "actors.Actor",
        verbose_name=_("reporting actor"),
        on_delete=models.PROTECT,
        related_name="reported_programmes",
        help_text=_("The organisation that logged the programme."),
    )
    pillar_h = models.BooleanField(_("humanitarian"), default=False)
    pillar_d = models.BooleanField(_("development"), default=False)
    pillar_p = models.BooleanField(_("peace"), default=False)
    pillars_explicit = models.BooleanField(
        _("pillars chosen explicitly"),
        default=False,
        help_text=_("When off, pillars are derived from the humanitarian flag and DAC sectors."),
    )
    status = models.PositiveSmallIntegerField(
        _("activity status"),
        choices=ActivityStatus.choices,
        default=ActivityStatus.PIPELINE,
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    # The dates the rules use: actual where known, else planned. Generated so no code can forget them.
    start_date = models.GeneratedField(
        expression=Coalesce("actual_start", "planned_start"),
        output_field=models.DateField(),
        db_persist=True,
    )
    end_date = models.GeneratedField(
        expression=Coalesce("actual_end", "planned_end"),
        output_field=models.DateField(),
        db_persist=True,
    )
    total_budget = models.DecimalField(
        _("total budget"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217, e.g. NOK."))
    target_groups = models.TextField(_("target groups"), blank=True)
    humanitarian = models.BooleanField(_("humanitarian flag"), default=False)
    other_sectors = models.JSONField(
        _("sectors of other vocabularies"),
        default=list,
        blank=True,
        help_text=_("Kept as given by IATI: [{vocabulary, vocabulary_uri, code, percentage, narrative}]."),
    )
    unresolved_related_activities = models.JSONField(
        _("related activities not yet in the portal"),
        default=list,
        blank=True,
        help_text=_("IATI related-activity references ([{ref, type}]) linked once the other programme is imported."),
    )
    transition_plan = models.TextField(_("transition plan"), blank=True)
    handover_actor = models.ForeignKey(
        "actors.Actor",
        verbose_name=_("handover actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handed_over_programmes",
    )
    planned_handover_date = models.DateField(_("planned handover date"), null=True, blank=True)
    locations = models.ManyToManyField(
        "reference.Area",
        verbose_name=_("locations"),
        through="ProgrammeLocation",
        related_name="programmes",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True, db_index=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["iati_identifier"],
                condition=~Q(iati_identifier=""),
                name="programme_unique_iati_identifier",
                violation_error_message=_("Another programme already has this IATI identifier."),
            ),
            _end_not_before_start(
                "planned_start",
                "planned_end",
                "programme_planned_end_after_start",
                _("The planned end cannot be before the planned start."),
            ),
            _end_not_before_start(
                "actual_start",
                "actual_end",
                "programme_actual_end_after_start",
                _("The actual end cannot be before the actual start."),
            ),
            models.CheckConstraint(
                condition=Q(total_budget__isnull=True) | Q(total_budget__gte=0),
                name="programme_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "start_date", "end_date"], name="programme_activity_idx"),
            # The programme list's default order: its first pages are the index's first rows, not a sort of
            # every programme (docs/performance.md, "Web pages and API under load").
            models.Index(fields=["title", "id"], name="programme_title_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.pk])

    @property
    def pillars(self) -> set[str]:
        flags = {Pillar.HUMANITARIAN: self.pillar_h, Pillar.DEVELOPMENT: self.pillar_d, Pillar.PEACE: self.pillar_p}
        return {pillar for pillar, on in flags.items() if on}

    @property
    def pillar_label(self) -> str:
        return "".join(p for p in "HDP" if p in self.pillars)

    def clean(self) -> None:
        super().clean()
        errors = {}
        for start, end, message in (
            ("planned_start", "planned_end", _("The planned end cannot be before the planned start.")),
            ("actual_start", "actual_end", _("The actual end cannot be before the actual start.")),
        ):
            if getattr(self, start) and getattr(self, end) and getattr(self, end) < getattr(self, start):
                errors[end] = message
        if self.total_budget is not None and not self.currency:
            errors["currency"] = _("Give the currency of the budget.")
        if self.pillars_explicit and not (self.pillar_h or self.pillar_d or self.pillar_p):
            errors["pillar_h"] = _("Choose at least one pillar, or let the portal derive them.")
        if self.handover_actor_id and self.handover_actor_id == self.reporting_actor_id:
            errors["handover_actor"] = _("A programme cannot be handed over to the actor that runs it.")
        if errors:
            raise ValidationError(errors)


class ProgrammeParticipant(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participations")
    actor = models.ForeignKey(
        "actors.Actor",
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.PositiveSmallIntegerField(_("IATI role"), choices=OrganisationRole.choices)

    objects = ProgrammeChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "actor", "role"],
                name="participant_unique_role",
                violation_error_message=_("This actor already has this role in the programme."),
            ),
        ]
        indexes = [models.Index(fields=["actor", "role"], name="participant_actor_role_idx")]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()})"


class ProgrammeSector(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sector_shares")
    sector = models.ForeignKey("reference.Sector", verbose_name=_("sector"), on_delete=models.PROTECT)
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    objects = ProgrammeChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme sector")
        verbose_name_plural = _("programme sectors")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "sector"],
                name="programme_sector_once",
                violation_error_message=_("This sector is already listed for the programme."),
            ),
            models.CheckConstraint(
                condition=Q(percentage__gte=0, percentage__lte=100),
                name="programme_sector_percentage_range",
                violation_error_message=_("A percentage must be between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sector} {self.percentage}%"


class ProgrammeLocation(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="location_links")
    area = models.ForeignKey("reference.Area", verbose_name=_("area"), on_delete=models.PROTECT)
    vocabulary = models.CharField(
        _("geographic vocabulary"),
        max_length=5,
        blank=True,
        help_text=_("IATI GeographicVocabulary of the code as imported, e.g. A4; empty when entered here."),
    )

    objects = ProgrammeChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme location")
        verbose_name_plural = _("programme locations")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "area"],
                name="programme_location_once",
                violation_error_message=_("This area is already a location of the programme."),
            ),
        ]
        # "Programmes located in a country" (the list's country filter, every dashboard metric) reads the
        # country's areas, then their programme ids from this index alone (no table rows).
        indexes = [models.Index(fields=["area", "programme"], name="programme_location_area_idx")]

    def __str__(self) -> str:
        return str(self.area)


class HumanitarianScopeType(models.IntegerChoices):
    """IATI HumanitarianScopeType code list."""

    EMERGENCY = 1, _("Emergency")
    APPEAL = 2, _("Appeal")


class ProgrammeHumanitarianScope(models.Model):
    """The emergency or appeal a humanitarian programme responds to (IATI humanitarian-scope)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="humanitarian_scopes")
    scope_type = models.PositiveSmallIntegerField(_("type"), choices=HumanitarianScopeType.choices)
    vocabulary = models.CharField(
        _("vocabulary"), max_length=10, help_text=_("IATI HumanitarianScopeVocabulary, e.g. 1-2 for GLIDE.")
    )
    vocabulary_uri = models.URLField(_("vocabulary URI"), max_length=300, blank=True)
    code = models.CharField(_("code"), max_length=100)
    narrative = models.CharField(_("description"), max_length=300, blank=True)

    objects = ProgrammeChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("humanitarian scope")
        verbose_name_plural = _("humanitarian scopes")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "scope_type", "vocabulary", "code"],
                name="humanitarian_scope_once",
                violation_error_message=_("This emergency or appeal is already listed for the programme."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_type_display()} {self.code}"


class ProgrammeLink(models.Model):
    """Two programmes that coordinate. A confirmed link clears overlap and silo flags for the pair."""

    from_programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="links_out",
    )
    to_programme = models.ForeignKey(
        Programme,
        verbose_name=_("linked programme"),
        on_delete=models.CASCADE,
        related_name="links_in",
    )
    link_type = models.CharField(_("type"), max_length=20, choices=LinkType.choices)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=LinkStatus.choices, default=LinkStatus.CONFIRMED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgrammeLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme link")
        verbose_name_plural = _("programme links")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_programme=F("to_programme")),
                name="link_not_to_itself",
                violation_error_message=_("A programme cannot be linked to itself."),
            ),
            models.UniqueConstraint(
                fields=["from_programme", "to_programme", "link_type"],
                name="link_unique_per_type",
                violation_error_message=_("These programmes already have a link of this type."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_programme} ↔ {self.to_programme} ({self.get_link_type_display()})"


# Models of this app kept in their own module; importing them here registers them with the app.
from programmes.models_imports import ImportJob, ImportProblem  # noqa: E402, F401
