"""The coordination dashboard page: who sees which figures, drill-down links, the cache, and query counts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actors.choices import Localness
from analyses.choices import Sensitivity
from coordination.choices import Severity
from coordination.models import Flag, FlagRun
from coordination.selectors.dashboard_summary import warm_programme_figures
from coordination.services_flags import flag_dismiss
from programmes.choices import LinkStatus
from reference.choices import SectorVocabulary
from tests import factories

pytestmark = pytest.mark.django_db
URL = reverse("coordination:dashboard")
TODAY = date.today()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Figures are cached per country, date and flag run; ids repeat between tests after a rollback.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def areas(db):
    return factories.area_tree()


def build_country(areas, size: int, *, donor=None) -> dict:
    """`size` programmes of every kind the dashboard counts, with links, goals, analyses, funding and flags."""
    wash = factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER, family="WSH", name="Water Sanitation Hygiene")
    education = factories.sector("11220", family="DAC3:112")
    goal = factories.goal(areas=[areas["SS"]])
    donor = donor or factories.actor("MFA")
    local = factories.actor(localness=Localness.LOCAL)
    programmes = []
    for index in range(size):
        pillars = ("H", "D", "HD", "P")[index % 4]
        area = (areas["SS0101"], areas["SS0102"], areas["SS02"], areas["SS"])[index % 4]
        programme = factories.programme(
            pillars=pillars, locations=[area], sectors=[(wash, education)[index % 2]],
            total_budget=Decimal(1000 * (index + 1)), currency=("NOK", "USD")[index % 2],
            start=TODAY - timedelta(days=200 + 100 * index),
        )  # fmt: skip
        programmes.append(programme)
        if index % 3 == 0:
            factories.contribution(programme, goal)
        if index:
            factories.link(programmes[index - 1], programme, status=LinkStatus.CONFIRMED)
        Flag.objects.create(
            rule=("overlap", "stale-record")[index % 2], subject_key=factories.unique("programme"),
            severity=(Severity.HIGH, Severity.LOW)[index % 2], message=f"Gap {index}", country=areas["SS"],
            area=area, first_seen=timezone.now() - timedelta(days=index),
        )  # fmt: skip
        factories.analysis(
            scope=[area], authors=[programme.reporting_actor], conducted_on=TODAY - timedelta(days=index)
        )
        agreement = factories.agreement(donor=donor, recipient=local, amount=Decimal(100 + index))
        agreement.countries.set([areas["SS"]])
    return {"programmes": programmes, "donor": donor}


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_reviewer_sees_every_metric_for_the_chosen_country(client, reviewer, areas):
    build_country(areas, 4)
    FlagRun.objects.create(trigger="manual", as_of=TODAY, status="succeeded", finished_at=timezone.now(), lock=None)
    client.force_login(reviewer)

    response = client.get(URL, {"country": "SS"})

    assert response.status_code == 200
    assert [card.number for card in response.context["cards"]] == list(range(1, 10))
    content = response.content.decode()
    assert "Coordination dashboard: South Sudan" in content
    run = FlagRun.objects.get()
    assert f"as computed after flag run #{run.pk}" in content
    assert 'id="dashboard-data"' in content  # chart data for static/js/dashboard.js, no inline script
    assert "<script>" not in content


def test_every_number_links_to_the_records_behind_it(client, reviewer, areas):
    build_country(areas, 4)
    client.force_login(reviewer)

    response = client.get(URL, {"country": "SS", "as_of": TODAY.isoformat()})

    cards = {card.key: card for card in response.context["cards"]}
    flags_card = cards["flags"]
    assert flags_card.url == "/coordination/flags/?country=SS&status=open&status=acknowledged"
    high = next(line for line in flags_card.details if line.text.startswith("High"))
    assert "severity=high" in high.url
    humanitarian = next(line for line in cards["goals"].details if line.text.startswith("Humanitarian"))
    assert humanitarian.url.startswith("/programmes/?country=SS&pillar=H")
    matrix = response.context["three_w"]
    first_cell = next(cell for row in matrix["rows"] for cell in row["cells"] if cell["count"])
    assert "sector_family=" in first_cell["url"] and "area=SS01" in first_cell["url"]


def test_the_flag_inbox_link_opens_the_counted_flags(client, reviewer, areas):
    build_country(areas, 4)
    client.force_login(reviewer)
    flags_card = next(card for card in client.get(URL, {"country": "SS"}).context["cards"] if card.key == "flags")

    inbox = client.get(flags_card.url)

    assert inbox.context["paginator"].count == int(flags_card.value)


def test_others_see_the_same_programme_figures_but_only_funding_they_may_see(client, reviewer, areas):
    build_country(areas, 4)
    outsider = factories.user()
    factories.member(outsider, factories.actor("Some NGO"))
    client.force_login(reviewer)
    as_reviewer = client.get(URL, {"country": "SS"}).context["figures"]
    client.force_login(outsider)

    as_outsider = client.get(URL, {"country": "SS"}).context["figures"]

    assert as_outsider.now == as_reviewer.now  # programme aggregates are for every signed-in user
    assert as_reviewer.scoped_now.funding.total_nok > 0
    assert as_outsider.scoped_now.funding.total_nok == 0
    assert as_outsider.flags.total == 0  # flags of other organisations are not theirs to count


def test_the_donor_sees_its_own_funding(client, areas):
    donor = factories.actor("Embassy")
    build_country(areas, 3, donor=donor)
    staff = factories.user()
    factories.member(staff, donor)
    client.force_login(staff)

    figures = client.get(URL, {"country": "SS"}).context["figures"]

    assert figures.scoped_now.funding.total_nok > 0


def test_named_and_strict_analyses_count_without_their_titles(client, reviewer, areas):
    factories.programme(locations=[areas["SS0101"]])
    factories.analysis(scope=[areas["SS01"]], sensitivity=Sensitivity.NAMED, title="Secret militia map")
    factories.analysis(scope=[areas["SS01"]], sensitivity=Sensitivity.STRICT, title="Strict donor notes")
    client.force_login(reviewer)

    response = client.get(URL, {"country": "SS"})

    content = response.content.decode()
    assert response.context["figures"].now.analyses.joint.whole == 2
    assert "Secret militia map" not in content and "Strict donor notes" not in content


def test_a_bad_date_keeps_what_was_typed_and_says_what_is_wrong(client, reviewer, areas):
    build_country(areas, 1)
    client.force_login(reviewer)

    response = client.get(URL, {"country": "SS", "as_of": "2026-13-45"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid date." in content
    assert 'value="2026-13-45"' in content
    assert "figures" not in response.context


def test_a_future_date_is_refused(client, reviewer, areas):
    build_country(areas, 1)
    client.force_login(reviewer)

    response = client.get(URL, {"country": "SS", "as_of": (TODAY + timedelta(days=3)).isoformat()})

    assert "Choose today or an earlier date" in response.content.decode()


def test_an_earlier_date_shows_the_figures_as_they_stood(client, reviewer, areas):
    factories.programme(locations=[areas["SS01"]], start=TODAY - timedelta(days=30))
    client.force_login(reviewer)

    now = client.get(URL, {"country": "SS"}).context["figures"]
    before = client.get(URL, {"country": "SS", "as_of": (TODAY - timedelta(days=60)).isoformat()}).context["figures"]

    assert now.now.freshness.whole == 1
    assert before.now.freshness.whole == 0  # it had not started yet


def test_figures_are_cached_until_the_next_flag_run(client, reviewer, areas):
    build_country(areas, 2)
    client.force_login(reviewer)
    first = client.get(URL, {"country": "SS"}).context["figures"]
    factories.programme(locations=[areas["SS01"]])

    cached = client.get(URL, {"country": "SS"}).context["figures"]
    FlagRun.objects.create(trigger="manual", as_of=TODAY, status="succeeded", finished_at=timezone.now(), lock=None)
    refreshed = client.get(URL, {"country": "SS"}).context["figures"]

    assert cached.now.freshness.whole == first.now.freshness.whole == 2
    assert refreshed.now.freshness.whole == 3


def test_triage_shows_at_once_in_the_flag_figures(client, reviewer, areas):
    build_country(areas, 2)
    client.force_login(reviewer)
    before = client.get(URL, {"country": "SS"}).context["figures"].flags.total

    flag_dismiss(flag=Flag.objects.first(), user=reviewer, reason="Agreed division of labour")
    after = client.get(URL, {"country": "SS"}).context["figures"].flags.total

    assert (before, after) == (2, 1)


def test_the_matrix_narrows_to_a_pillar(client, reviewer, areas):
    build_country(areas, 4)
    client.force_login(reviewer)

    everything = client.get(URL, {"country": "SS"}).context["three_w"]
    peace = client.get(URL, {"country": "SS", "pillar": "P"}).context["three_w"]

    def total(matrix):
        return sum(row["total"] for row in matrix["rows"])

    assert total(peace) < total(everything)
    assert all(cell["pillars"] in ("", "P") for row in peace["rows"] for cell in row["cells"])


def test_without_programmes_the_page_says_what_happens_next(client, reviewer, areas):
    client.force_login(reviewer)

    response = client.get(URL)

    assert "No programme has a location yet" in response.content.decode()


def _dashboard_queries(client) -> CaptureQueriesContext:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"country": "SS"}).status_code == 200
    return queries


def test_the_dashboard_costs_the_same_queries_at_3_and_at_30_programmes(client, reviewer, areas):
    build_country(areas, 3)
    client.force_login(reviewer)
    small = _dashboard_queries(client)
    build_country(areas, 27)

    large = _dashboard_queries(client)

    assert len(large) == len(small), "\n\n".join(query["sql"] for query in large.captured_queries)


def test_a_cached_dashboard_costs_a_handful_of_queries(client, reviewer, areas, settings):
    build_country(areas, 5)
    client.force_login(reviewer)
    client.get(URL, {"country": "SS"})

    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"country": "SS"})

    # session (unless sessions are read from Redis), user, latest run (names the cached country list), the
    # country's run, latest flag event; the figures and their HTML come from the cache
    session = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    assert len(queries) == session + 4, "\n".join(query["sql"] for query in queries.captured_queries)


def test_warming_after_a_run_spares_the_first_visitor_the_programme_figures(client, reviewer, areas):
    build_country(areas, 3)
    client.force_login(reviewer)
    cold = _dashboard_queries(client)
    cache.clear()
    warm_programme_figures(country_codes=["SS"], as_of=TODAY)

    with CaptureQueriesContext(connection) as warmed:
        client.get(URL, {"country": "SS"})

    assert len(warmed) < len(cold)
    assert not any("programmes_programmesector" in query["sql"] for query in warmed.captured_queries)
