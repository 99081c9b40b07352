"""Programme pages and API lists cost the same number of queries with few and with many rows.

(The list, the detail page and /api/programmes/ have theirs beside their other tests.)"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from programmes.choices import LinkStatus
from reference.choices import SectorVocabulary
from tests import factories
from tests.querycounts import assert_same_count, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(db):
    return factories.area_tree()


def test_the_edit_form_costs_the_same_with_more_sectors_locations_and_partners(client, owner, actor_a, areas):
    client.force_login(owner)

    def form(size):
        sectors = [factories.sector(f"1{index:04d}", vocabulary=SectorVocabulary.DAC5) for index in range(size)]
        locations = [factories.area(f"SS01{index:02d}9", parent=areas["SS01"]) for index in range(size)]
        partners = [factories.actor() for _ in range(size)]
        programme = factories.programme(
            reporting_actor=actor_a, sectors=sectors, locations=locations, implementers=[actor_a, *partners]
        )
        return queries_for(client, reverse("programmes:update", args=[programme.pk]))

    assert_same_count(form(1), form(12))


def test_the_create_form_costs_the_same_with_more_organisations(client, owner):
    client.force_login(owner)
    small = queries_for(client, reverse("programmes:create"))
    for _ in range(30):
        factories.actor()

    assert_same_count(small, queries_for(client, reverse("programmes:create")))


def test_the_programme_list_costs_the_same_sorted_and_filtered_with_more_rows(client, owner, areas):
    client.force_login(owner)
    params = {"country": "SS", "status": "2", "sort": "-start", "page": "1"}

    def listing(count):
        for _ in range(count):
            factories.programme(locations=[areas["SS0101"]])
        return queries_for(client, reverse("programmes:list"), params)

    assert_same_count(listing(3), listing(40))  # 40 rows: two pages, "more" known without a total


def test_the_api_link_list_costs_the_same_with_more_links(colleague, actor_b):
    api = APIClient()
    api.force_authenticate(colleague)

    def links(count):
        for _ in range(count):
            theirs = factories.programme(reporting_actor=actor_b)
            factories.link(theirs, factories.programme(), status=LinkStatus.CONFIRMED)
        return queries_for(api, "/api/programme-links/")

    assert_same_count(links(2), links(30))
