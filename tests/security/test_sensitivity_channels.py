"""Every sensitivity level through every channel: library and detail pages, file downloads, the API
(list, detail, search), the library search (?q=), the dashboard and its API, flags and their evidence,
and the home page. An analysis's title and content reach exactly its readers; a named (TLP:RED) one's
title reaches nobody but the people it names, and only on its own page."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from analyses.choices import AnalysisKind, Sensitivity
from analyses.models import Analysis
from coordination.engine import runner
from coordination.models import Flag, FlagRun
from tests import factories

pytestmark = pytest.mark.django_db

WORD = "quetzal"  # in every title and summary, so one search would find them all
READERS = {
    "owner": {"public", "partners", "restricted", "strict"},
    "owner_viewer": {"public", "partners", "restricted", "strict"},
    "colleague": {"public", "partners"},
    "reviewer": {"public", "partners"},
    "superuser": {"public", "partners", "restricted", "strict"},
    "named_person": {"public", "partners", "named"},
    "anonymous": {"public"},
}


def title(level: str) -> str:
    return f"{WORD.capitalize()} title {level} 7f3a"


@pytest.fixture
def world(personas, actor_a, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    areas = factories.area_tree()
    named_person = factories.user("named-person")
    people = {**personas, "named_person": named_person}
    old = timezone.localdate() - timedelta(days=500)
    analyses = {}
    for index, level in enumerate(Sensitivity.values):
        area = areas["SS0101"] if index % 2 else areas["SS0102"]
        analysis = factories.analysis(
            authors=[actor_a], scope=[area], sensitivity=level, title=title(level),
            summary=f"{WORD} summary of the {level} analysis", kind=list(AnalysisKind.values)[index],
            conducted_on=old, shared_with_users=[named_person] if level == Sensitivity.NAMED else [],
        )  # fmt: skip
        analysis.attached_file.save("upload.txt", ContentFile(f"{WORD} file of {level}".encode()))
        analyses[level] = analysis
    # Active programmes where the analyses are: every (old, overdue) analysis becomes a stale-analysis flag.
    for area in ("SS0101", "SS0102"):
        factories.programme(reporting_actor=actor_a, locations=[areas[area]], pillars="H")
    run = runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True)
    runner.execute_run(run)
    assert Flag.objects.filter(rule="stale-analysis").count() == len(Sensitivity.values)
    return {"people": people, "analyses": analyses}


def page_client(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    if user.is_authenticated:
        client.force_authenticate(user)
    return client


def titles_in(text: str) -> set[str]:
    return {level for level in Sensitivity.values if title(level) in text}


@pytest.mark.parametrize("persona", list(READERS))
def test_detail_pages_and_files_open_exactly_for_readers(world, persona):
    client = page_client(world["people"][persona])
    for level, analysis in world["analyses"].items():
        readable = level in READERS[persona]
        detail = client.get(f"/analyses/{analysis.pk}/")
        download = client.get(f"/analyses/{analysis.pk}/file/")
        expected = 200 if readable else (302 if persona == "anonymous" and level != "public" else 404)
        if persona == "anonymous" and not readable:
            assert detail.status_code in (302, 404), level
            assert download.status_code in (302, 404), level
        else:
            assert detail.status_code == expected, f"{persona} / {level}: page {detail.status_code}"
            assert download.status_code == expected, f"{persona} / {level}: file {download.status_code}"
        if readable:
            assert title(level) in detail.content.decode()
            assert f"{WORD} file of {level}".encode() in b"".join(download.streaming_content)
            assert download["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("persona", list(READERS))
def test_the_library_and_its_search_show_titles_only_to_readers_and_named_ones_to_nobody(world, persona):
    client = page_client(world["people"][persona])
    expected = READERS[persona] - {"named"}  # named titles stay off lists, even for the named people
    for query in ("", f"?q={WORD}", "?q=title+named", "?sensitivity=named", "?q=7f3a&sort=-kind"):
        response = client.get(f"/analyses/{query}")
        assert response.status_code == 200, query
        assert titles_in(response.content.decode()) <= expected, f"{persona} {query}"
    found = client.get(f"/analyses/?q={WORD}").content.decode()
    assert titles_in(found) == expected


@pytest.mark.parametrize("persona", [p for p in READERS if p != "anonymous"])
def test_the_api_gives_content_to_readers_and_never_lists_named_ones_to_others(world, persona):
    user = world["people"][persona]
    client = api_client(user)
    for query in ("", f"?q={WORD}", "?sensitivity=named", "?ordering=-sensitivity&page_size=500"):
        body = client.get(f"/api/analyses/{query}").json()
        text = str(body)
        assert titles_in(text) <= READERS[persona], f"{persona} {query}"
        listed = {row["id"] for row in body["results"]}
        named = world["analyses"]["named"].pk
        assert (named in listed) == ("named" in READERS[persona]) or query.startswith("?q="), f"{persona} {query}"
    for level, analysis in world["analyses"].items():
        response = client.get(f"/api/analyses/{analysis.pk}/")
        if level == "named" and level not in READERS[persona]:
            assert response.status_code == 404
            continue
        assert response.status_code == 200
        row = response.json()
        assert row["content_visible"] is (level in READERS[persona])
        assert ("title" in row) is (level in READERS[persona])


def test_the_api_search_never_matches_a_named_analysis_even_for_its_named_people(world):
    client = api_client(world["people"]["named_person"])
    body = client.get("/api/analyses/?q=named").json()
    assert world["analyses"]["named"].pk not in {row["id"] for row in body["results"]}


@pytest.mark.parametrize("persona", list(READERS))
def test_the_dashboard_home_and_flags_show_no_title_the_user_may_not_read(world, persona):
    """Flags name their subject; for an analysis that is its title only for those who may read it."""
    user = world["people"][persona]
    client = page_client(user)
    pages = ["/", "/coordination/dashboard/?country=SS", "/coordination/flags/", "/coordination/flags/?q=" + WORD]
    pages += [f"/coordination/flags/{flag.pk}/" for flag in Flag.objects.filter(rule="stale-analysis")]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 302, 404), path
        shown = titles_in(response.content.decode())
        assert shown <= READERS[persona], f"{persona} saw {shown - READERS[persona]} on {path}"
    if user.is_authenticated:
        api = api_client(user)
        for path in ("/api/flags/?page_size=500", "/api/dashboard/?country=SS"):
            shown = titles_in(api.get(path).content.decode())
            assert shown <= READERS[persona], f"{persona} saw {shown - READERS[persona]} in {path}"


def test_a_named_analysis_flag_shows_its_readers_nothing_of_its_content(world):
    flag = Flag.objects.get(rule="stale-analysis", subject_id=world["analyses"]["named"].pk)
    reviewer = page_client(world["people"]["reviewer"])
    page = reviewer.get(f"/coordination/flags/{flag.pk}/").content.decode()
    assert WORD not in page.lower()
    assert WORD not in str(flag.evidence).lower() and WORD not in flag.message.lower()


def test_supersedes_never_points_at_a_named_analysis_the_user_may_not_see(world):
    """A metadata row's `supersedes` once carried the id of a named analysis hidden from the user."""
    named = world["analyses"]["named"]
    owner = world["people"]["owner"]
    newer = factories.analysis(authors=[owner.memberships.first().actor], sensitivity=Sensitivity.STRICT,
                               title="Newer version", supersedes=named)  # fmt: skip
    colleague_view = api_client(world["people"]["colleague"]).get(f"/api/analyses/{newer.pk}/").json()
    assert colleague_view["content_visible"] is False
    assert colleague_view["supersedes"] is None
    listed = api_client(world["people"]["colleague"]).get("/api/analyses/?page_size=500").json()["results"]
    assert all(row["supersedes"] != named.pk for row in listed)
    # The named person may see the named analysis, so for them the link stays.
    named_view = api_client(world["people"]["named_person"]).get(f"/api/analyses/{newer.pk}/").json()
    assert named_view["supersedes"] == named.pk
    # A predecessor that is merely unreadable (not named) is listed as metadata anyway, so its id stays.
    strict_successor = factories.analysis(authors=[owner.memberships.first().actor], sensitivity=Sensitivity.PARTNERS,
                                          supersedes=world["analyses"]["strict"])  # fmt: skip
    row = api_client(world["people"]["colleague"]).get(f"/api/analyses/{strict_successor.pk}/").json()
    assert row["supersedes"] == world["analyses"]["strict"].pk


def test_named_analyses_are_not_exportable():
    assert Sensitivity.NAMED not in set(Analysis.objects.exportable().values_list("sensitivity", flat=True))
