"""Reference data pages and API lists cost the same number of queries with few and with many rows.

(The area picker and /api/areas/ have theirs beside their other tests.)"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reference.choices import SectorVocabulary
from reference.models import CodeListItem
from tests import factories
from tests.querycounts import assert_same_count, queries_for

pytestmark = pytest.mark.django_db


def add_sectors(start: int, count: int) -> None:
    for number in range(start, start + count):
        factories.sector(f"9{number:04d}", vocabulary=SectorVocabulary.DAC5, name=f"Water work {number}")


def test_the_sector_picker_costs_the_same_with_more_matches(client, owner):
    client.force_login(owner)
    add_sectors(0, 2)
    small = queries_for(client, reverse("reference:sectors"), {"q": "Water"})
    add_sectors(2, 25)

    assert_same_count(small, queries_for(client, reverse("reference:sectors"), {"q": "Water"}))


@pytest.mark.parametrize("url", ["/api/sectors/", "/api/codelists/"])
def test_the_api_lists_cost_the_same_with_more_rows(url):
    api = APIClient()

    def rows(start, count):
        add_sectors(start, count)
        for number in range(start, start + count):
            CodeListItem.objects.create(codelist="Currency", code=f"X{number:02d}", name=f"Currency {number}")
        return queries_for(api, url)

    assert_same_count(rows(0, 2), rows(2, 60))  # 62 rows: more than a page of 50
