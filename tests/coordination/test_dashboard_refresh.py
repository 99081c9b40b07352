"""The dashboard's cached figures follow the flag runs: a run that re-checks a country refreshes (and warms)
its figures, a run elsewhere leaves them cached, and the page says which run they are from."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coordination.engine import runner
from coordination.models import FlagRun
from coordination.selectors.dashboard_summary import country_run, dashboard_version, warm_after_run
from tests import factories

pytestmark = pytest.mark.django_db
URL = reverse("coordination:dashboard")
TODAY = date.today()


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def areas(db):
    areas = factories.area_tree()
    factories.programme(locations=[areas["SS0101"]], pillars="H")
    factories.programme(locations=[areas["KE"]], pillars="D")
    return areas


def finished_run(**fields) -> FlagRun:
    return FlagRun.objects.create(
        trigger=FlagRun.Trigger.INCREMENTAL, as_of=TODAY, status=FlagRun.Status.SUCCEEDED,
        finished_at=timezone.now(), lock=None, **fields,
    )  # fmt: skip


def active_in_south_sudan(client) -> int:
    return client.get(URL, {"country": "SS"}).context["figures"].now.freshness.whole


def test_a_country_is_as_of_the_latest_run_that_rechecked_it(areas):
    full = finished_run(full=True)
    assert country_run("SS").pk == country_run("KE").pk == full.pk

    kenya = finished_run(countries=["KE"])
    assert (country_run("SS").pk, country_run("KE").pk) == (full.pk, kenya.pk)

    both = finished_run(countries=["KE", "SS"])
    assert country_run("SS").pk == country_run("KE").pk == both.pk


def test_before_any_run_covers_a_country_it_follows_the_latest_run(areas):
    run = finished_run(countries=[])  # the global rules only

    assert country_run("SS").pk == run.pk


def test_a_run_elsewhere_keeps_the_figures_and_a_run_here_refreshes_them(client, reviewer, areas):
    finished_run(full=True)
    client.force_login(reviewer)
    assert active_in_south_sudan(client) == 1
    factories.programme(locations=[areas["SS02"]])

    finished_run(countries=["KE"])
    after_kenya = active_in_south_sudan(client)
    finished_run(countries=["SS"])
    after_south_sudan = active_in_south_sudan(client)

    assert (after_kenya, after_south_sudan) == (1, 2)


def test_the_page_says_which_run_the_figures_are_from(client, reviewer, areas):
    run = finished_run(countries=["SS"])
    finished_run(countries=["KE"])
    client.force_login(reviewer)

    content = client.get(URL, {"country": "SS"}).content.decode()

    assert f"as computed after flag run #{run.pk} at" in content
    assert "they refresh each time a run finishes" in content


def test_the_figures_html_comes_from_the_cache_the_second_time(client, reviewer, areas):
    finished_run(full=True)
    client.force_login(reviewer)
    first = client.get(URL, {"country": "SS"})

    second = client.get(URL, {"country": "SS"})

    def figures(response) -> str:  # the page minus its header (a fresh CSRF token each time)
        content = response.content.decode()
        return content[content.index('<section aria-labelledby="scorecards-heading">') :]

    assert "cards" in first.context and "cards" not in second.context  # not computed again
    assert figures(second) == figures(first)


def test_the_cached_html_follows_the_language(client, reviewer, areas):
    finished_run(full=True)
    client.force_login(reviewer)
    english = client.get(URL, {"country": "SS"}).content.decode()

    norwegian = client.get(URL, {"country": "SS"}, headers={"accept-language": "nb"}).content.decode()

    assert "Key figures" in english
    assert "Key figures" not in norwegian


def test_finishing_a_run_warms_the_figures_of_its_countries(
    client, reviewer, areas, settings, django_capture_on_commit_callbacks
):
    settings.DASHBOARD_WARM_AFTER_RUN = True
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, as_of=TODAY))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"country": "SS"})

    assert response.status_code == 200
    assert not any("programmes_programme" in query["sql"] for query in queries.captured_queries)


def test_without_a_shared_cache_a_run_warms_nothing(reviewer, areas, settings, django_capture_on_commit_callbacks):
    settings.DASHBOARD_WARM_AFTER_RUN = False
    with django_capture_on_commit_callbacks(execute=True):
        runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, as_of=TODAY))

    version = dashboard_version(user=reviewer, country_code="SS", as_of=TODAY)
    assert cache.get(version.key("programmes")) is None
    assert cache.get(version.key("scoped")) is None


def test_warming_reports_the_countries_it_warmed(reviewer, areas):
    finished_run(full=True)

    warmed = warm_after_run(0, ["SS", "XX"])  # a country without programmes is skipped

    assert warmed == ["SS"]
    version = dashboard_version(user=reviewer, country_code="SS", as_of=timezone.localdate())
    assert cache.get(version.key("programmes")) is not None
    assert cache.get(version.key("scoped")) is not None
