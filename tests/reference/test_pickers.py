"""The area and sector pickers: search by name or code, answer with the parent chain; public data."""

import pytest
from django.urls import reverse

from reference.choices import SectorVocabulary
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas():
    tree = factories.area_tree()
    factories.area("SS0201", name="Torit", parent=tree["SS02"])
    return tree


def options(response) -> list[str]:
    html = response.content.decode()
    return [chunk.split('"', 1)[0] for chunk in html.split('data-label="')[1:]]


def test_an_area_is_found_by_name_with_its_parent_chain(client, areas):
    response = client.get(reverse("reference:areas"), {"q": "Juba"})

    assert response.status_code == 200
    assert options(response) == ["Juba (SS0101) — Central Equatoria, South Sudan"]
    assert "1 area found." in response.content.decode()


def test_an_area_is_found_by_pcode_prefix_exact_code_first(client, areas):
    labels = options(client.get(reverse("reference:areas"), {"q": "ss01"}))

    assert labels[0] == "Central Equatoria (SS01) — South Sudan"
    assert set(labels[1:]) == {
        "Juba (SS0101) — Central Equatoria, South Sudan",
        "Kajo-Keji (SS0102) — Central Equatoria, South Sudan",
    }


def test_countries_are_described_by_themselves(client, areas):
    assert options(client.get(reverse("reference:areas"), {"q": "Kenya"})) == ["Kenya (KE)"]


def test_the_picker_answers_each_option_with_its_id_and_code(client, areas):
    html = client.get(reverse("reference:areas"), {"q": "Torit"}).content.decode()
    assert f'data-value="{factories.area("SS0201").pk}" data-code="SS0201"' in html


def test_one_letter_asks_for_more_and_nothing_found_says_what_to_try(client, areas):
    short = client.get(reverse("reference:areas"), {"q": "J"}).content.decode()
    nothing = client.get(reverse("reference:areas"), {"q": "Atlantis"}).content.decode()

    assert "Type at least two characters" in short
    assert "No area matches “Atlantis”" in nothing


def test_the_area_search_costs_two_queries_whatever_the_number_of_matches(client, areas, django_assert_num_queries):
    for number in range(15):
        factories.area(f"SS03{number:02}", name=f"Juba suburb {number}", parent=areas["SS01"])
    # 1: matching areas, 2: the names of all their ancestors.
    with django_assert_num_queries(2):
        client.get(reverse("reference:areas"), {"q": "Juba"})


def test_sectors_are_found_by_code_or_name_across_dac_and_clusters(client):
    factories.sector("14030", name="Basic drinking water supply", family="WSH")
    factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER, name="Water Sanitation Hygiene", family="WSH")
    factories.sector("140", vocabulary=SectorVocabulary.DAC3, name="Water supply and sanitation", family="WSH")
    factories.sector("11220", name="Primary education")

    by_name = options(client.get(reverse("reference:sectors"), {"q": "water"}))
    by_code = options(client.get(reverse("reference:sectors"), {"q": "1403"}))

    assert by_name == ["WSH Water Sanitation Hygiene", "14030 Basic drinking water supply"]  # no DAC 3-digit
    assert by_code == ["14030 Basic drinking water supply"]


def test_pickers_escape_what_they_echo(client, areas):
    html = client.get(reverse("reference:areas"), {"q": "<script>x</script>"}).content.decode()
    assert "<script>x" not in html
