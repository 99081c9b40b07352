from django.db import models
from django.utils.translation import gettext_lazy as _


class Stream(models.TextChoices):
    HUMANITARIAN = "humanitarian", _("Humanitarian")
    DEVELOPMENT = "development", _("Development")
    PEACE = "peace", _("Peace")


class Modality(models.TextChoices):
    PROJECT = "project", _("Project")
    PROGRAMME = "programme", _("Programme")
    CORE = "core", _("Core")
    POOLED_FUND = "pooled_fund", _("Pooled fund")
    STRATEGIC_PARTNERSHIP = "strategic_partnership", _("Strategic partnership")


class Earmarking(models.IntegerChoices):
    """IATI EarmarkingCategory code list (Grand Bargain definitions)."""

    UNEARMARKED = 1, _("Unearmarked")
    SOFTLY_EARMARKED = 2, _("Softly earmarked")
    EARMARKED = 3, _("Earmarked")
    TIGHTLY_EARMARKED = 4, _("Tightly earmarked")


class TrancheKind(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DISBURSED = "disbursed", _("Disbursed")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    REDIRECTED = "redirected", _("Redirected")
