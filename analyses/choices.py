from django.db import models
from django.utils.translation import gettext_lazy as _


class AnalysisKind(models.TextChoices):
    CONTEXT = "context", _("Context analysis")
    CONFLICT = "conflict", _("Conflict analysis")
    RISK = "risk", _("Risk analysis")
    NEEDS = "needs", _("Needs assessment")
    POLITICAL_ECONOMY = "political_economy", _("Political economy analysis")


class AnalysisStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Sensitivity(models.TextChoices):
    """Who may read an analysis's content (TLP 2.0 names in the labels)."""

    PUBLIC = "public", _("Public (TLP:CLEAR)")
    PARTNERS = "partners", _("Partners (TLP:GREEN)")
    RESTRICTED = "restricted", _("Restricted (TLP:AMBER)")
    STRICT = "strict", _("Strict (TLP:AMBER+STRICT)")
    NAMED = "named", _("Named people only (TLP:RED)")


class EventType(models.TextChoices):
    ELECTION = "election", _("Election")
    VIOLENCE = "violence", _("Outbreak of violence")
    GOVERNMENT_CHANGE = "government_change", _("Change of government")
    DISPLACEMENT = "displacement", _("Displacement")
    DISASTER = "disaster", _("Disaster")
    OTHER = "other", _("Other")


# Months from the date an analysis was conducted until its review is due, by kind.
REVIEW_MONTHS = {AnalysisKind.CONFLICT: 6}
DEFAULT_REVIEW_MONTHS = 12
