"""The programme list: who sees it, its columns, sorting, pagination, empty state and query count."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination.choices import FlagStatus
from coordination.models import Flag
from programmes.choices import ActivityStatus
from programmes.models import Programme
from tests import factories

pytestmark = pytest.mark.django_db
URL = reverse("programmes:list")


def flag_on(programme, *, responsible, status=FlagStatus.OPEN, rule="stale-record"):
    reason = "Handled elsewhere" if status == FlagStatus.DISMISSED else ""
    flag = Flag.objects.create(
        rule=rule,
        subject_key=f"{rule}:{programme.pk}",
        severity="low",
        subject=programme,
        message="Stale",
        status=status,
        dismissed_reason=reason,
    )
    flag.responsible_actors.set(responsible)
    return flag


def titles(response) -> list[str]:
    return [programme.title for programme in response.context["programme_list"]]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["owner", "owner_viewer", "colleague", "reviewer"])
def test_every_signed_in_user_sees_every_programme(client, personas, actor_a, actor_b, persona):
    factories.programme(reporting_actor=actor_a, title="Water in Juba")
    factories.programme(reporting_actor=actor_b, title="Schools in Torit")
    client.force_login(personas[persona])

    response = client.get(URL)

    assert response.status_code == 200
    assert titles(response) == ["Schools in Torit", "Water in Juba"]


def test_it_shows_reporting_actor_pillars_locations_status_dates_and_open_flags(client, owner, actor_a):
    areas = factories.area_tree()
    programme = factories.programme(
        reporting_actor=actor_a,
        title="Water in Juba",
        pillars="HD",
        locations=[areas["SS0101"]],
        start=date(2024, 3, 1),
        end=date(2026, 2, 28),
    )
    flag_on(programme, responsible=[actor_a])
    flag_on(programme, responsible=[actor_a], rule="overlap")
    flag_on(programme, responsible=[actor_a], rule="no-exit-strategy", status=FlagStatus.DISMISSED)
    client.force_login(owner)

    response = client.get(URL)

    row = response.context["programme_list"][0]
    assert row.open_flag_count == 2  # the dismissed flag does not count
    html = response.content.decode()
    assert "Actor A" in html
    assert 'class="pillar-badge pillar-badge-H"' in html and 'class="pillar-badge pillar-badge-D"' in html
    assert "pillar-badge-P" not in html
    assert "Juba" in html
    assert "Implementation" in html
    assert 'datetime="2024-03-01"' in html and 'datetime="2026-02-28"' in html


def test_the_open_flag_count_only_counts_flags_the_user_may_see(client, colleague, actor_a):
    programme = factories.programme(reporting_actor=actor_a)
    flag_on(programme, responsible=[actor_a])
    client.force_login(colleague)  # B is not responsible for A's flag

    response = client.get(URL)

    assert response.context["programme_list"][0].open_flag_count == 0


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Alpha", "Bravo", "Charlie"]),
        ("-title", ["Charlie", "Bravo", "Alpha"]),
        ("start", ["Bravo", "Charlie", "Alpha"]),
        ("-end", ["Charlie", "Alpha", "Bravo"]),
        ("status", ["Charlie", "Alpha", "Bravo"]),
    ],
)
def test_it_sorts_by_the_whitelisted_columns(client, owner, sort, expected):
    factories.programme(title="Alpha", start=date(2024, 1, 1), end=date(2025, 6, 1))
    factories.programme(title="Bravo", start=date(2023, 1, 1), end=date(2024, 6, 1), status=ActivityStatus.CLOSED)
    factories.programme(title="Charlie", start=date(2023, 6, 1), end=date(2027, 1, 1), status=ActivityStatus.PIPELINE)
    client.force_login(owner)

    assert titles(client.get(URL, {"sort": sort})) == expected


@pytest.mark.parametrize("sort", ["start", "-start"])
def test_programmes_without_dates_come_last_either_way(client, owner, sort):
    factories.programme(title="Dated", start=date(2024, 1, 1))
    Programme.objects.filter(pk=factories.programme(title="Undated").pk).update(planned_start=None)
    factories.programme(title="Earlier", start=date(2023, 1, 1))
    client.force_login(owner)

    assert titles(client.get(URL, {"sort": sort}))[-1] == "Undated"


def test_an_unknown_sort_falls_back_to_title(client, owner):
    factories.programme(title="Bravo")
    factories.programme(title="Alpha")
    client.force_login(owner)

    assert titles(client.get(URL, {"sort": "reporting_actor__memberships__user__password"})) == ["Alpha", "Bravo"]


def test_the_sorted_column_heading_says_so_and_offers_the_other_direction(client, owner):
    factories.programme()
    client.force_login(owner)

    html = client.get(URL, {"sort": "start"}).content.decode()

    assert 'aria-sort="ascending"' in html
    assert "?sort=-start" in html


def test_it_pages_by_25(client, owner):
    for number in range(27):
        factories.programme(title=f"Programme {number:02}")
    client.force_login(owner)

    first, second = client.get(URL), client.get(URL, {"page": 2})

    assert len(first.context["programme_list"]) == 25
    assert titles(second) == ["Programme 25", "Programme 26"]
    assert "Page 2 of 2" in second.content.decode()


def test_an_empty_filter_result_offers_to_clear_the_filters_or_log_a_programme(client, owner):
    factories.programme(title="Water in Juba")
    client.force_login(owner)

    html = client.get(URL, {"q": "nothing like this"}).content.decode()

    assert "No programmes match these filters." in html
    assert f'href="{URL}"' in html
    assert reverse("programmes:create") in html


def test_viewers_are_not_offered_to_log_a_programme(client, owner_viewer):
    client.force_login(owner_viewer)

    html = client.get(URL).content.decode()

    assert "No programmes have been logged yet." in html
    assert reverse("programmes:create") not in html


def test_an_htmx_request_gets_only_the_results(client, owner):
    factories.programme(title="Water in Juba")
    client.force_login(owner)

    html = client.get(URL, {"q": "water"}, headers={"HX-Request": "true"}).content.decode()

    assert 'id="programme-results"' in html
    assert "<html" not in html
    assert "Water in Juba" in html


def test_the_navigation_marks_programmes_as_the_current_page(client, owner):
    client.force_login(owner)
    html = client.get(URL).content.decode()
    assert f'<a href="{URL}" aria-current="page">Programmes</a>' in html


def _programmes(count: int, *, actor, areas, sector):
    for number in range(count):
        programme = factories.programme(
            reporting_actor=actor,
            title=f"Programme {number:03}",
            locations=[areas["SS0101"], areas["SS02"]],
            sectors=[sector],
            implementers=[actor, factories.actor()],
        )
        flag_on(programme, responsible=[actor])


def _queries_for_list(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"pillar": "D", "flags": "open", "area": "SS01", "sort": "-updated"}])
def test_the_page_costs_the_same_number_of_queries_for_3_and_30_rows(client, owner, actor_a, params):
    areas, sector = factories.area_tree(), factories.sector("14030", family="WSH")
    client.force_login(owner)
    _programmes(3, actor=actor_a, areas=areas, sector=sector)
    few = _queries_for_list(client, params)

    _programmes(27, actor=actor_a, areas=areas, sector=sector)
    many = _queries_for_list(client, params)

    assert few == many
