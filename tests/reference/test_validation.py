"""Reference data rules as `full_clean()` reports them."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from reference.choices import AreaLevel, SectorVocabulary
from reference.models import Area, CodeListItem, Sector
from tests import factories

pytestmark = pytest.mark.django_db


def validation_errors(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def test_it_rejects_a_country_with_a_parent():
    parent = factories.area("QX")
    country = Area(pcode="QY", name="Q", level=AreaLevel.COUNTRY, parent=parent, path="/QX/QY/", country_code="QY")

    assert validation_errors(country)[NON_FIELD_ERRORS] == ["A country has no parent; every other area has one."]


def test_it_rejects_a_region_without_a_parent():
    region = Area(pcode="QX01", name="Q", level=AreaLevel.ADMIN1, path="/QX01/", country_code="QX")

    assert validation_errors(region)[NON_FIELD_ERRORS] == ["A country has no parent; every other area has one."]


def test_it_accepts_a_region_below_its_country():
    country = factories.area("QX")

    Area(
        pcode="QX01", name="Q", level=AreaLevel.ADMIN1, parent=country, path="/QX/QX01/", country_code="QX"
    ).full_clean()


def test_it_rejects_a_sector_code_twice_in_one_vocabulary():
    factories.sector("99810", family="DAC3:998")
    twin = Sector(vocabulary=SectorVocabulary.DAC5, code="99810", name="Twin", family="DAC3:998")

    assert "already exists" in validation_errors(twin)[NON_FIELD_ERRORS][0]


def test_it_rejects_a_code_list_entry_twice():
    CodeListItem.objects.create(codelist="TestList", code="X1", name="One")

    assert (
        "already exists"
        in validation_errors(CodeListItem(codelist="TestList", code="X1", name="Two"))[NON_FIELD_ERRORS][0]
    )
