from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nexus_portal.querysets import ReferenceQuerySet
from reference.choices import AreaLevel, SectorVocabulary


class AreaQuerySet(ReferenceQuerySet):
    def countries(self):
        return self.filter(level=AreaLevel.COUNTRY)

    def within(self, area: "Area"):
        """The area itself and every area below it (string prefix on the materialised path)."""
        return self.filter(path__startswith=area.path)

    def containing(self, area: "Area"):
        """The area itself and every ancestor."""
        return self.filter(pcode__in=area.path.strip("/").split("/"))


class Area(models.Model):
    """An administrative area identified by its OCHA p-code (ISO-2 for countries).

    `path` is the materialised chain of ancestor p-codes ("/SS/SS01/SS0101/"); containment is a
    prefix test because p-codes themselves are not always prefixes of their children.
    """

    pcode = models.CharField(_("p-code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"), choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("ancestor path"), max_length=100, unique=True, db_index=True)
    country_code = models.CharField(_("country (ISO-2)"), max_length=2, db_index=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=0, parent__isnull=True) | Q(level__gt=0, parent__isnull=False),
                name="area_country_has_no_parent",
                violation_error_message=_("A country has no parent; every other area has one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.pcode})"

    @property
    def ancestor_pcodes(self) -> list[str]:
        return self.path.strip("/").split("/")

    def contains(self, other: "Area") -> bool:
        return other.path.startswith(self.path)


class Sector(models.Model):
    """A sector code of one vocabulary, with the family used to compare across vocabularies.

    `family` is an IASC cluster code (e.g. "WSH") when the sector maps to a cluster, else
    "DAC3:<code>" for the DAC 3-digit category.
    """

    vocabulary = models.PositiveSmallIntegerField(_("vocabulary"), choices=SectorVocabulary.choices)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=250)
    category = models.CharField(
        _("DAC 3-digit category"),
        max_length=3,
        blank=True,
        help_text=_("For DAC codes: the 3-digit category the code belongs to."),
    )
    family = models.CharField(_("sector family"), max_length=30, db_index=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["vocabulary", "code"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="sector_unique_per_vocabulary"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CodeListItem(models.Model):
    """One entry of an official IATI code list (Currency, OrganisationType, ...)."""

    codelist = models.CharField(_("code list"), max_length=60)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("code list item")
        verbose_name_plural = _("code list items")
        ordering = ["codelist", "code"]
        constraints = [
            models.UniqueConstraint(fields=["codelist", "code"], name="codelist_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.codelist} {self.code}: {self.name}"
