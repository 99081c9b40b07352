from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from programmes.models import ProgrammeSector
from programmes.services import programme_set_sectors, validate_sector_shares
from reference.choices import SectorVocabulary
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_accepts_shares_that_add_up_to_100_per_vocabulary():
    education, health = factories.sector("11220"), factories.sector("12220")
    wash = factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER, family="WSH")

    validate_sector_shares([(education, Decimal("70")), (health, Decimal("30")), (wash, Decimal("100"))])


def test_it_accepts_thirds():
    sectors = [factories.sector(code) for code in ("11220", "12220", "14030")]
    validate_sector_shares([(sector, Decimal("33.33")) for sector in sectors])


def test_it_names_the_vocabulary_whose_shares_do_not_add_up():
    education, health = factories.sector("11220"), factories.sector("12220")
    wash = factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER, family="WSH")

    with pytest.raises(ValidationError) as caught:
        validate_sector_shares([(education, Decimal("70")), (health, Decimal("20")), (wash, Decimal("100"))])

    assert caught.value.messages == ["The OECD DAC CRS purpose code (5 digit) percentages add up to 90, not 100."]


def test_it_rejects_a_sector_listed_twice():
    education = factories.sector("11220")
    with pytest.raises(ValidationError, match="listed twice"):
        validate_sector_shares([(education, Decimal("50")), (education, Decimal("50"))])


def test_a_rejected_update_keeps_the_old_sectors():
    programme = factories.programme(sectors=[factories.sector("11220")])

    with pytest.raises(ValidationError):
        programme_set_sectors(programme=programme, shares=[(factories.sector("12220"), Decimal("90"))])

    assert list(ProgrammeSector.objects.filter(programme=programme).values_list("sector__code", flat=True)) == ["11220"]
