from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.IntegerChoices):
    COUNTRY = 0, _("Country")
    ADMIN1 = 1, _("Admin level 1")
    ADMIN2 = 2, _("Admin level 2")


class SectorVocabulary(models.IntegerChoices):
    """IATI SectorVocabulary codes the portal uses."""

    DAC5 = 1, _("OECD DAC CRS purpose code (5 digit)")
    DAC3 = 2, _("OECD DAC CRS purpose code (3 digit)")
    CLUSTER = 10, _("Humanitarian Global Clusters (IASC)")
