"""Reference data (areas, sectors, code lists): anyone reads, also anonymous; only superusers change."""

import pytest

from reference.models import CodeListItem
from tests import factories
from tests.access.matrix import NO, YES, assert_access, matrix

REFERENCE_DATA = matrix(
    # persona          view  change delete
    ("owner",          YES,  NO,    NO),
    ("owner_manager",  YES,  NO,    NO),
    ("owner_viewer",   YES,  NO,    NO),
    ("colleague",      YES,  NO,    NO),
    ("reviewer",       YES,  NO,    NO),
    ("anonymous",      YES,  NO,    NO),
    ("superuser",      YES,  YES,   YES),
)  # fmt: skip


@pytest.mark.parametrize(("persona", "action", "expected"), REFERENCE_DATA)
def test_areas_are_public_and_changed_by_superusers_only(personas, persona, action, expected):
    assert_access(factories.area_tree()["SS0101"], personas[persona], action, expected)


@pytest.mark.parametrize(("persona", "action", "expected"), REFERENCE_DATA)
def test_sectors_are_public_and_changed_by_superusers_only(personas, persona, action, expected):
    assert_access(factories.sector("14030", family="WSH"), personas[persona], action, expected)


@pytest.mark.parametrize(("persona", "action", "expected"), REFERENCE_DATA)
def test_code_list_items_are_public_and_changed_by_superusers_only(personas, persona, action, expected):
    item = CodeListItem.objects.create(codelist="Currency", code="NOK", name="Norwegian krone")
    assert_access(item, personas[persona], action, expected)
