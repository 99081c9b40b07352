"""Writes to programmes: validated, atomic, keyword-only (HackSoft styleguide)."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from programmes.choices import Pillar
from programmes.models import Programme, ProgrammeSector
from programmes.pillars import derive_pillars
from reference.choices import SectorVocabulary
from reference.models import Sector

# Thirds (33.33 × 3) must pass; anything further from 100 is a typing error.
PERCENTAGE_TOLERANCE = Decimal("0.05")
DAC_VOCABULARIES = (SectorVocabulary.DAC5, SectorVocabulary.DAC3)


def validate_sector_shares(shares: Iterable[tuple[Sector, Decimal]]) -> None:
    """Each vocabulary's percentages must add up to 100 (IATI rule), and a sector appears once."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    seen: set[int] = set()
    for sector, percentage in shares:
        if sector.pk in seen:
            raise ValidationError(_("Sector %(code)s is listed twice.") % {"code": sector.code}, code="duplicate")
        seen.add(sector.pk)
        totals[sector.vocabulary] += Decimal(percentage)
    errors = [
        _("The %(vocabulary)s percentages add up to %(total)s, not 100.")
        % {"vocabulary": SectorVocabulary(vocabulary).label, "total": f"{total.normalize():f}"}
        for vocabulary, total in sorted(totals.items())
        if abs(total - 100) > PERCENTAGE_TOLERANCE
    ]
    if errors:
        raise ValidationError(errors, code="percentages")


def apply_derived_pillars(programme: Programme, *, dac_codes: Iterable[str]) -> None:
    """Set the default pillars unless the user chose them (an explicit choice wins)."""
    if programme.pillars_explicit:
        return
    pillars = derive_pillars(humanitarian=programme.humanitarian, dac_codes=dac_codes)
    programme.pillar_h = Pillar.HUMANITARIAN in pillars
    programme.pillar_d = Pillar.DEVELOPMENT in pillars
    programme.pillar_p = Pillar.PEACE in pillars


@transaction.atomic
def programme_set_sectors(*, programme: Programme, shares: list[tuple[Sector, Decimal]]) -> None:
    """Replace a programme's sectors and refresh its derived pillars, all or nothing."""
    validate_sector_shares(shares)
    ProgrammeSector.objects.filter(programme=programme).delete()
    ProgrammeSector.objects.bulk_create(
        ProgrammeSector(programme=programme, sector=sector, percentage=percentage) for sector, percentage in shares
    )
    dac_codes = [sector.code for sector, _ in shares if sector.vocabulary in DAC_VOCABULARIES]
    apply_derived_pillars(programme, dac_codes=dac_codes)
    programme.full_clean()
    programme.save(update_fields=["pillar_h", "pillar_d", "pillar_p", "updated_at"])
