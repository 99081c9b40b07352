"""/api/dashboard/: the dashboard's metrics as JSON, with the page's validation and visibility."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from coordination.choices import Severity
from coordination.models import Flag
from nexus_portal.api.tokens import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = date.today()
URL = "/api/dashboard/"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Figures are cached per country, date and flag run; ids repeat between tests after a rollback.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def areas(db):
    return factories.area_tree()


def build_country(areas, size: int, actor) -> None:
    goal = factories.goal(areas=[areas["SS"]])
    for index in range(size):
        programme = factories.programme(
            reporting_actor=actor,
            pillars=("H", "D", "HD", "P")[index % 4],
            locations=[(areas["SS0101"], areas["SS0102"], areas["SS02"])[index % 3]],
            start=TODAY - timedelta(days=200 + 30 * index),
        )
        if index % 2 == 0:
            factories.contribution(programme, goal)


def flag_for(actor, areas) -> Flag:
    flag = Flag.objects.create(
        rule="overlap", subject_key=factories.unique("s"), severity=Severity.HIGH, country=areas["SS"],
        area=areas["SS0101"], message="Overlap",
    )  # fmt: skip
    flag.responsible_actors.set([actor])
    return flag


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status and set(error) == {"status", "code", "message", "fields"}
    return error


def test_it_returns_the_metrics_for_a_country_and_date(areas):
    actor = factories.actor()
    build_country(areas, 4, actor)

    response = client_for(factories.user()).get(URL, {"country": "SS", "as_of": TODAY.isoformat()})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["country"] == "SS" and body["as_of"] == TODAY.isoformat()
    now = body["programmes"][-1]
    assert len(body["programmes"]) == 3 and now["as_of"] == TODAY.isoformat()
    assert set(now) == {"as_of", "goals", "links", "analyses", "exit", "freshness"}
    assert set(now["exit"]) == {"part", "whole", "percent"}
    assert {"three_w", "flags", "scoped", "localisation_years", "stream_years", "run"} <= set(body)


def test_the_date_defaults_to_today(areas):
    build_country(areas, 1, factories.actor())

    assert client_for(factories.user()).get(URL, {"country": "SS"}).json()["as_of"] == TODAY.isoformat()


def test_flag_figures_count_only_the_flags_the_user_sees(areas):
    ours = factories.actor()
    build_country(areas, 2, ours)
    flag_for(ours, areas)
    member, stranger = factories.user(), factories.user()
    factories.member(member, ours)

    def open_high(user) -> int:
        cache.clear()
        flags = client_for(user).get(URL, {"country": "SS"}).json()["flags"]
        return sum(flags["trend"]["high"][-1:])

    assert open_high(member) == 1
    assert open_high(stranger) == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"country": "KE"}, "country"),  # a country without programmes
        ({"country": "SS", "as_of": "2024-13-45"}, "as_of"),
        ({"country": "SS", "as_of": (TODAY + timedelta(days=1)).isoformat()}, "as_of"),
        ({}, "country"),
    ],
)
def test_a_bad_country_or_date_is_a_400(areas, params, field):
    build_country(areas, 1, factories.actor())

    error = assert_error(client_for(factories.user()).get(URL, params), 400)

    assert field in error["fields"]


def test_anonymous_visitors_are_refused(areas):
    response = APIClient().get(URL, {"country": "SS"})

    assert response.status_code in (401, 403)
    assert_error(response, response.status_code)


def test_a_read_only_token_reads_the_dashboard(areas):
    build_country(areas, 1, factories.actor())
    _token, key = ApiToken.issue(user=factories.user(), name="Monitor", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    assert client.get(URL, {"country": "SS"}).status_code == 200
    assert_error(client.post(URL, {}, format="json"), 403)


def test_it_takes_the_same_queries_for_5_and_50_programmes(areas):
    reviewer = factories.user(reviewer=True)
    counts = []
    for size in (5, 45):  # 5, then 50 in all
        build_country(areas, size, factories.actor())
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client_for(reviewer).get(URL, {"country": "SS"}).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
