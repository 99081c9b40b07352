"""Reference data rules hold in the database too, even for writes that skip `full_clean()`."""

import pytest
from django.db import IntegrityError, transaction

from reference.choices import AreaLevel, SectorVocabulary
from reference.models import Area, CodeListItem, Sector
from tests import factories

pytestmark = pytest.mark.django_db


def assert_database_refuses(model, **values) -> None:
    """The insert fails and leaves no row behind."""
    before = model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**values)
    assert model.objects.count() == before


def test_the_database_refuses_a_country_with_a_parent():
    parent = factories.area("QX")

    assert_database_refuses(
        Area, pcode="QY", name="Q", level=AreaLevel.COUNTRY, parent=parent, path="/QX/QY/", country_code="QY"
    )


def test_the_database_refuses_a_region_without_a_parent():
    assert_database_refuses(Area, pcode="QX01", name="Q", level=AreaLevel.ADMIN1, path="/QX01/", country_code="QX")


def test_the_database_refuses_a_repeated_pcode():
    factories.area("QX")

    assert_database_refuses(Area, pcode="QX", name="Again", level=AreaLevel.COUNTRY, path="/QX-2/", country_code="QX")


def test_the_database_refuses_a_sector_code_twice_in_one_vocabulary():
    factories.sector("99810", family="DAC3:998")

    assert_database_refuses(Sector, vocabulary=SectorVocabulary.DAC5, code="99810", name="Twin", family="DAC3:998")


def test_the_database_refuses_a_code_list_entry_twice():
    CodeListItem.objects.create(codelist="TestList", code="X1", name="One")

    assert_database_refuses(CodeListItem, codelist="TestList", code="X1", name="Two")
