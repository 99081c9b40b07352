"""Reference data over the API: open to everyone, read-only, filterable, constant queries."""

import pytest
from rest_framework.test import APIClient

from reference.choices import SectorVocabulary
from reference.models import CodeListItem
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def codes(response, key="pcode") -> list:
    return [row[key] for row in response.json()["results"]]


def test_anonymous_users_read_areas(api):
    factories.area_tree()
    response = api.get("/api/areas/")
    assert response.status_code == 200
    assert codes(response) == ["KE", "SS", "SS01", "SS0101", "SS0102", "SS02"]


def test_an_area_is_looked_up_by_its_pcode(api):
    factories.area_tree()
    response = api.get("/api/areas/SS0101/")
    assert response.status_code == 200
    assert response.json() | {"id": None} == {
        "id": None,
        "pcode": "SS0101",
        "name": "Juba",
        "level": 2,
        "parent": "SS01",
        "path": "/SS/SS01/SS0101/",
        "country_code": "SS",
        "valid_from": None,
    }


def test_an_unknown_pcode_answers_404_with_the_error_shape(api):
    response = api.get("/api/areas/XX99/")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=juba", ["SS0101"]),
        ("q=SS01", ["SS01", "SS0101", "SS0102"]),
        ("level=0", ["KE", "SS"]),
        ("country=SS&level=1", ["SS01", "SS02"]),
        ("parent=SS01", ["SS0101", "SS0102"]),
    ],
)
def test_areas_filter_by_name_pcode_level_country_and_parent(api, query, expected):
    factories.area_tree()
    assert codes(api.get(f"/api/areas/?{query}")) == expected


def test_sectors_filter_by_vocabulary_family_and_words(api):
    factories.sector("11220", name="Primary education", family="EDU")
    factories.sector("EDU", vocabulary=SectorVocabulary.CLUSTER, name="Education", family="EDU")
    factories.sector("14030", name="Basic drinking water", family="WSH")
    assert codes(api.get("/api/sectors/?family=EDU"), "code") == ["11220", "EDU"]
    assert codes(api.get("/api/sectors/?vocabulary=10"), "code") == ["EDU"]
    assert codes(api.get("/api/sectors/?q=water"), "code") == ["14030"]


def test_codelists_filter_by_list(api):
    CodeListItem.objects.create(codelist="Currency", code="NOK", name="Norwegian krone")
    CodeListItem.objects.create(codelist="OrganisationType", code="22", name="National NGO")
    assert codes(api.get("/api/codelists/?codelist=Currency"), "code") == ["NOK"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nobody_writes_reference_data_through_the_api(api, method):
    area = factories.area("SS")
    api.force_authenticate(factories.user())
    url = "/api/areas/" if method == "post" else f"/api/areas/{area.pcode}/"
    response = getattr(api, method)(url, {"name": "Renamed"}, format="json")
    assert response.status_code == 405
    area.refresh_from_db()
    assert area.name == "SS"


@pytest.mark.parametrize("rows", [5, 50])
def test_the_area_list_takes_the_same_queries_at_any_size(api, django_assert_num_queries, rows):
    country = factories.area("SS")
    for number in range(rows):
        factories.area(f"SS{number:02d}", parent=country)
    with django_assert_num_queries(2):  # count + page (parents joined)
        response = api.get("/api/areas/?page_size=100")
    assert response.json()["count"] == rows + 1


def test_pages_hold_at_most_the_page_size(api):
    country = factories.area("SS")
    for number in range(3):
        factories.area(f"SS{number:02d}", parent=country)
    response = api.get("/api/areas/?page_size=2&page=2")
    assert response.json()["count"] == 4
    assert codes(response) == ["SS01", "SS02"]
