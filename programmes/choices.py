from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityStatus(models.IntegerChoices):
    """IATI ActivityStatus code list."""

    PIPELINE = 1, _("Pipeline/identification")
    IMPLEMENTATION = 2, _("Implementation")
    FINALISATION = 3, _("Finalisation")
    CLOSED = 4, _("Closed")
    CANCELLED = 5, _("Cancelled")
    SUSPENDED = 6, _("Suspended")


class OrganisationRole(models.IntegerChoices):
    """IATI OrganisationRole code list."""

    FUNDING = 1, _("Funding")
    ACCOUNTABLE = 2, _("Accountable")
    EXTENDING = 3, _("Extending")
    IMPLEMENTING = 4, _("Implementing")


class Pillar(models.TextChoices):
    HUMANITARIAN = "H", _("Humanitarian")
    DEVELOPMENT = "D", _("Development")
    PEACE = "P", _("Peace")


class LinkType(models.TextChoices):
    JOINT = "joint", _("Joint programme")
    COMPLEMENTARY = "complementary", _("Complementary")
    SEQUENCED = "sequenced", _("Sequenced / handover")
    CONSORTIUM = "consortium", _("Consortium")
    REFERRAL = "referral", _("Referral")
    SHARED_ANALYSIS = "shared_analysis", _("Shared analysis")


class LinkStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
