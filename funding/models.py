from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funding.choices import Earmarking, Modality, RequestStatus, Stream, TrancheKind
from funding.querysets import (
    FundingAgreementQuerySet,
    FundingRequestEventQuerySet,
    FundingRequestQuerySet,
    TrancheQuerySet,
)

MULTI_YEAR_MIN_DAYS = 366  # "multi-year" = longer than 12 months


class FundingAgreement(models.Model):
    reference = models.CharField(_("reference"), max_length=100)
    donor = models.ForeignKey(
        "actors.Actor", verbose_name=_("donor"), on_delete=models.PROTECT, related_name="agreements_given"
    )
    recipient = models.ForeignKey(
        "actors.Actor", verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="agreements_received"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agreement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_grants",
        help_text=_("For a sub-grant: the agreement the money comes through."),
    )
    stream = models.CharField(_("stream"), max_length=15, choices=Stream.choices)
    modality = models.CharField(_("modality"), max_length=25, choices=Modality.choices, default=Modality.PROJECT)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    earmarking = models.PositiveSmallIntegerField(
        _("earmarking"), choices=Earmarking.choices, default=Earmarking.EARMARKED
    )
    crisis_modifier = models.BooleanField(_("crisis modifier"), default=False)
    crisis_modifier_share = models.DecimalField(
        _("share that can be reallocated (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    requires_government_approval = models.BooleanField(_("requires government approval"), default=False)
    nexus_requirements = models.TextField(_("nexus requirements"), blank=True)
    responsible_unit = models.CharField(
        _("responsible donor unit"),
        max_length=200,
        blank=True,
        help_text=_("MFA section, Norad department or embassy."),
    )
    funded_programmes = models.ManyToManyField(
        "programmes.Programme", verbose_name=_("funded programmes"), blank=True, related_name="funding_agreements"
    )
    countries = models.ManyToManyField(
        "reference.Area",
        verbose_name=_("countries"),
        blank=True,
        related_name="funding_agreements",
        limit_choices_to={"level": 0},
        help_text=_("Leave empty to take the countries of the funded programmes."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FundingAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding agreement")
        verbose_name_plural = _("funding agreements")
        ordering = ["-start_date", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["donor", "reference"],
                name="agreement_reference_unique_per_donor",
                violation_error_message=_("This donor already has an agreement with this reference."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="agreement_end_after_start",
                violation_error_message=_("The agreement cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="agreement_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(crisis_modifier_share__isnull=True)
                | Q(crisis_modifier_share__gte=0, crisis_modifier_share__lte=100),
                name="agreement_crisis_share_range",
                violation_error_message=_("The reallocatable share must be between 0 and 100 percent."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="agreement_not_own_parent",
                violation_error_message=_("An agreement cannot be its own parent."),
            ),
            models.CheckConstraint(
                condition=~Q(donor=F("recipient")),
                name="agreement_donor_is_not_recipient",
                violation_error_message=_("The donor and the recipient must be different actors."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.donor} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse("funding:agreement_detail", args=[self.pk])

    @property
    def is_multi_year(self) -> bool:
        return (self.end_date - self.start_date).days >= MULTI_YEAR_MIN_DAYS

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The agreement cannot end before it starts.")
        if self.crisis_modifier_share is not None and not self.crisis_modifier:
            errors["crisis_modifier_share"] = _("A reallocatable share only applies with a crisis modifier.")
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                errors["parent"] = _("An agreement cannot be its own parent.")
            elif self.pk and self._parent_chain_reaches_self():
                errors["parent"] = _("The chain of parent agreements would loop back to this agreement.")
            elif self.parent.recipient_id != self.donor_id:
                errors["parent"] = _("A sub-grant must be given by the recipient of its parent agreement.")
        if errors:
            raise ValidationError(errors)

    def _parent_chain_reaches_self(self) -> bool:
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == self.pk:
                return True
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        return False


class Tranche(models.Model):
    agreement = models.ForeignKey(FundingAgreement, on_delete=models.CASCADE, related_name="tranches")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=TrancheKind.choices, default=TrancheKind.PLANNED)

    objects = TrancheQuerySet.as_manager()

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["agreement", "year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "kind"],
                name="tranche_one_per_year_and_kind",
                violation_error_message=_("There is already a tranche of this kind for this year."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="tranche_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount} ({self.get_kind_display()})"


class FundingRequest(models.Model):
    title = models.CharField(_("title"), max_length=300)
    applicant = models.ForeignKey(
        "actors.Actor", verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="funding_requests"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funding_requests",
    )
    submitted_to = models.ForeignKey(
        "actors.Actor", verbose_name=_("submitted to"), on_delete=models.PROTECT, related_name="requests_received"
    )
    submitted_on = models.DateField(_("submitted on"))
    amount = models.DecimalField(
        _("amount requested"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    redirected_to = models.ForeignKey(
        "actors.Actor",
        verbose_name=_("redirected to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests_redirected_here",
    )
    reason = models.TextField(_("reason"), blank=True)
    outside_mandate = models.BooleanField(_("declined as outside mandate"), default=False)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FundingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding request")
        verbose_name_plural = _("funding requests")
        ordering = ["-submitted_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_date__isnull=True) | Q(decision_date__gte=F("submitted_on")),
                name="request_decided_after_submitted",
                violation_error_message=_("A decision cannot come before the request was submitted."),
            ),
            models.CheckConstraint(
                condition=~Q(status="redirected") | Q(redirected_to__isnull=False),
                name="request_redirect_has_target",
                violation_error_message=_("Say where the request was redirected to."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:request_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.status != RequestStatus.PENDING and not self.decision_date:
            errors["decision_date"] = _("Give the date of the decision.")
        if self.status == RequestStatus.REDIRECTED and not self.redirected_to_id:
            errors["redirected_to"] = _("Say where the request was redirected to.")
        if self.outside_mandate and self.status != RequestStatus.DECLINED:
            errors["outside_mandate"] = _("Only a declined request can be declined as outside the mandate.")
        if errors:
            raise ValidationError(errors)


class FundingRequestEvent(models.Model):
    """Decision history of a request: each submission, redirection and decision, by which unit."""

    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices)
    unit = models.ForeignKey("actors.Actor", verbose_name=_("donor unit"), on_delete=models.PROTECT, related_name="+")
    redirected_to = models.ForeignKey(
        "actors.Actor",
        verbose_name=_("redirected to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outside_mandate = models.BooleanField(_("outside mandate"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    date = models.DateField(_("date"), default=timezone.localdate)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FundingRequestEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["request", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.status} {self.date}"
