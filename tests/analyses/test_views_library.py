"""The analyses library (/analyses/): coverage metadata for everyone signed in, titles only for readers,
search only inside readable (and never named) analyses, filters, sorting, reviews due, query counts."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analyses.choices import AnalysisKind, AnalysisStatus, Sensitivity
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("analyses:list")
TODAY = date.today()


@pytest.fixture
def areas(db):
    return factories.area_tree()


@pytest.fixture
def one_per_level(actor_a, areas, owner_viewer):
    """One published analysis of actor A per sensitivity level; the named one names owner_viewer."""
    return {
        level: factories.analysis(
            authors=[actor_a],
            scope=[areas["SS01"]],
            sensitivity=level,
            title=f"Title-{level}",
            summary=f"Summary-{level}",
            shared_with_users=[owner_viewer] if level == Sensitivity.NAMED else [],
        )
        for level in Sensitivity.values
    }


def rows(response) -> list:
    return list(response.context["analyses"])


def results_section(response) -> str:
    content = response.content.decode()
    return content[content.index('<section id="results"') : content.index("</section>", content.index('id="results"'))]


def shown_titles(response) -> set[str]:
    return {row.shown_title for row in rows(response) if row.shown_title}


# -- who sees what ----------------------------------------------------------------------------------

# persona → levels whose title the persona sees in the list (named titles stay off lists for everyone)
READABLE_TITLES = {
    "owner": {"public", "partners", "restricted", "strict"},
    "owner_viewer": {"public", "partners", "restricted", "strict"},
    "colleague": {"public", "partners"},
    "reviewer": {"public", "partners"},
    "superuser": {"public", "partners", "restricted", "strict"},
}


@pytest.mark.parametrize("persona", sorted(READABLE_TITLES))
def test_every_signed_in_user_sees_every_analysis_but_only_readable_titles(client, personas, one_per_level, persona):
    client.force_login(personas[persona])
    response = client.get(LIST)

    assert response.status_code == 200
    assert len(rows(response)) == len(Sensitivity.values), "coverage metadata of every level is listed"
    readable = READABLE_TITLES[persona]
    assert shown_titles(response) == {f"Title-{level}" for level in readable}
    content = response.content.decode()
    for level in Sensitivity.values:
        assert (f"Title-{level}" in content) is (level in readable), level
        assert f"Summary-{level}" not in content, "summaries are never listed"


def test_a_user_of_another_actor_is_told_whom_to_ask(client, colleague, one_per_level):
    client.force_login(colleague)
    content = client.get(LIST).content.decode()

    assert content.count("Ask Actor A for access") == 3  # restricted, strict, named
    assert "Content not shared with you" in content


def test_a_restricted_analysis_shared_with_the_users_actor_shows_its_title(client, colleague, actor_a, actor_b, areas):
    factories.analysis(authors=[actor_a], scope=[areas["SS"]], title="Shared-with-B", shared_with_actors=[actor_b])
    client.force_login(colleague)

    assert shown_titles(client.get(LIST)) == {"Shared-with-B"}


def test_anonymous_visitors_see_only_public_published_analyses(client, one_per_level, actor_a, areas):
    factories.analysis(
        authors=[actor_a], sensitivity=Sensitivity.PUBLIC, status=AnalysisStatus.DRAFT, title="Public draft"
    )
    response = client.get(LIST)

    assert response.status_code == 200
    assert shown_titles(response) == {"Title-public"}
    assert len(rows(response)) == 1
    content = response.content.decode()
    assert "Title-partners" not in content
    assert "Public draft" not in content
    assert "for access" not in content


def test_the_title_of_a_hidden_analysis_is_never_loaded_on_its_row(client, colleague, one_per_level):
    client.force_login(colleague)
    strict = next(row for row in rows(client.get(LIST)) if row.sensitivity == Sensitivity.STRICT)

    assert strict.shown_title == ""
    assert "title" in strict.get_deferred_fields()


# -- search -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("owner", {"Title-public", "Title-partners", "Title-restricted", "Title-strict"}),
        ("colleague", {"Title-public", "Title-partners"}),
        ("owner_viewer", {"Title-public", "Title-partners", "Title-restricted", "Title-strict"}),
    ],
)
def test_search_looks_only_inside_readable_analyses_and_never_named_ones(
    client, personas, one_per_level, persona, expected
):
    client.force_login(personas[persona])
    response = client.get(LIST, {"q": "title-"})

    assert {row.shown_title for row in rows(response)} == expected
    assert all(row.readable for row in rows(response)), "coverage-only rows never come up in a search"


def test_searching_for_a_hidden_title_finds_nothing_and_shows_nothing(client, colleague, one_per_level):
    client.force_login(colleague)
    for word in ("Title-strict", "Summary-restricted", "Title-named"):
        response = client.get(LIST, {"q": word})
        assert rows(response) == []
        assert word not in results_section(response), "only the search box repeats what was typed"
        assert "No analyses match these filters." in results_section(response)


def test_a_named_user_does_not_find_the_named_analysis_by_search(client, owner_viewer, one_per_level):
    client.force_login(owner_viewer)

    assert rows(client.get(LIST, {"q": "Title-named"})) == []


def test_a_named_user_sees_the_named_analysis_as_metadata_with_a_link_to_open_it(client, owner_viewer, one_per_level):
    client.force_login(owner_viewer)
    response = client.get(LIST)

    named = next(row for row in rows(response) if row.sensitivity == Sensitivity.NAMED)
    assert named.readable and named.shown_title == ""
    content = response.content.decode()
    assert "Title-named" not in content
    assert "Open this named analysis" in content
    assert one_per_level[Sensitivity.NAMED].get_absolute_url() in content


def test_search_matches_summaries_of_readable_analyses(client, owner, one_per_level):
    client.force_login(owner)

    assert shown_titles(client.get(LIST, {"q": "summary-strict"})) == {"Title-strict"}


# -- filters and sorting -------------------------------------------------------------------------------


def test_it_filters_by_kind_status_and_sensitivity(client, owner, actor_a, areas):
    factories.analysis(authors=[actor_a], kind=AnalysisKind.CONTEXT, title="Context")
    factories.analysis(authors=[actor_a], kind=AnalysisKind.CONFLICT, title="Conflict")
    factories.analysis(authors=[actor_a], status=AnalysisStatus.DRAFT, title="Draft")
    factories.analysis(authors=[actor_a], sensitivity=Sensitivity.PARTNERS, title="Partners")
    client.force_login(owner)

    assert shown_titles(client.get(LIST, {"kind": "context"})) == {"Context"}
    assert shown_titles(client.get(LIST, {"status": "draft"})) == {"Draft"}
    assert shown_titles(client.get(LIST, {"sensitivity": "partners"})) == {"Partners"}


def test_the_area_filter_includes_the_areas_inside_it(client, owner, actor_a, areas):
    factories.analysis(authors=[actor_a], scope=[areas["SS0101"]], title="Juba")
    factories.analysis(authors=[actor_a], scope=[areas["SS01"]], title="Central Equatoria")
    factories.analysis(authors=[actor_a], scope=[areas["SS02"]], title="Eastern Equatoria")
    factories.analysis(authors=[actor_a], scope=[areas["KE"]], title="Kenya")
    client.force_login(owner)

    assert shown_titles(client.get(LIST, {"area": "SS01"})) == {"Juba", "Central Equatoria"}
    assert shown_titles(client.get(LIST, {"country": "SS"})) == {"Juba", "Central Equatoria", "Eastern Equatoria"}


def test_an_unknown_area_code_is_explained_next_to_the_filter(client, owner, areas):
    client.force_login(owner)
    response = client.get(LIST, {"area": "XX99"})

    assert "No area has this p-code" in response.content.decode()
    assert 'value="XX99"' in response.content.decode()


def test_the_current_and_overdue_filters_follow_the_domain_definition(client, owner, actor_a, areas):
    long_ago = TODAY - timedelta(days=400)
    factories.analysis(authors=[actor_a], scope=[areas["SS01"]], title="Current")
    factories.analysis(authors=[actor_a], scope=[areas["SS01"]], title="Overdue", conducted_on=long_ago)
    triggered = factories.analysis(authors=[actor_a], scope=[areas["SS02"]], title="Event since")
    factories.event(areas["SS02"], on=TODAY - timedelta(days=2))
    factories.analysis(authors=[actor_a], scope=[areas["SS01"]], title="Draft", status=AnalysisStatus.DRAFT)
    old = factories.analysis(authors=[actor_a], scope=[areas["SS01"]], title="Old version", conducted_on=long_ago)
    factories.analysis(authors=[actor_a], scope=[areas["SS01"]], title="New version", supersedes=old)
    client.force_login(owner)

    assert shown_titles(client.get(LIST, {"freshness": "current"})) == {"Current", "New version"}
    assert shown_titles(client.get(LIST, {"freshness": "overdue"})) == {"Overdue"}
    assert triggered.pk not in {row.pk for row in rows(client.get(LIST, {"freshness": "current"}))}


def test_a_superseded_analysis_is_marked_in_the_list(client, owner, actor_a):
    old = factories.analysis(authors=[actor_a], title="Old version")
    factories.analysis(authors=[actor_a], title="New version", supersedes=old)
    client.force_login(owner)

    marked = {row.shown_title: row.is_superseded for row in rows(client.get(LIST))}
    assert marked == {"Old version": True, "New version": False}


def test_it_sorts_by_review_date_both_ways(client, owner, actor_a):
    for days, title in ((100, "Later"), (10, "Sooner"), (50, "Middle")):
        factories.analysis(authors=[actor_a], title=title, review_due=TODAY + timedelta(days=days))
    client.force_login(owner)

    ascending = [row.shown_title for row in rows(client.get(LIST, {"sort": "review"}))]
    descending = [row.shown_title for row in rows(client.get(LIST, {"sort": "-review"}))]
    assert ascending == ["Sooner", "Middle", "Later"]
    assert descending == ["Later", "Middle", "Sooner"]


def test_titles_cannot_be_used_to_sort(client, colleague, one_per_level):
    client.force_login(colleague)
    response = client.get(LIST, {"sort": "title"})

    assert response.status_code == 200
    assert response.context["view"].ordering_fields() == ["-conducted_on", "pk"]


def test_it_pages_long_lists(client, owner, actor_a):
    for number in range(30):
        factories.analysis(authors=[actor_a], title=f"A{number}")
    client.force_login(owner)

    first, second = client.get(LIST), client.get(LIST, {"page": 2})
    assert len(rows(first)) == 25
    assert len(rows(second)) == 5
    assert "Page 1 of 2" in first.content.decode()


# -- reviews due --------------------------------------------------------------------------------------


def test_reviews_due_lists_the_users_own_analyses_due_soon_or_overdue(client, owner, actor_a, actor_b):
    factories.analysis(authors=[actor_a], title="Due soon", review_due=TODAY + timedelta(days=20))
    factories.analysis(authors=[actor_a], title="Overdue", conducted_on=TODAY - timedelta(days=400))
    factories.analysis(authors=[actor_a], title="Not yet", review_due=TODAY + timedelta(days=60))
    factories.analysis(authors=[actor_b], title="Other actor", review_due=TODAY + timedelta(days=5))
    old = factories.analysis(authors=[actor_a], title="Replaced", conducted_on=TODAY - timedelta(days=400))
    factories.analysis(authors=[actor_a], title="Replacement", supersedes=old, review_due=TODAY + timedelta(days=90))
    client.force_login(owner)

    response = client.get(LIST)
    assert [analysis.title for analysis in response.context["reviews_due"]] == ["Overdue", "Due soon"]
    assert "Reviews due" in response.content.decode()


def test_there_is_no_reviews_section_when_nothing_is_due(client, colleague, one_per_level):
    client.force_login(colleague)
    response = client.get(LIST)

    assert response.context["reviews_due"] == []
    assert "Reviews due" not in response.content.decode()


# -- empty states and query counts -----------------------------------------------------------------------


def test_an_empty_library_invites_an_editor_to_add_the_first_analysis(client, owner):
    client.force_login(owner)
    content = client.get(LIST).content.decode()

    assert "No analyses yet." in content
    assert reverse("analyses:create") in content


def test_a_viewer_is_not_offered_to_add_analyses(client, owner_viewer):
    client.force_login(owner_viewer)
    content = client.get(LIST).content.decode()

    assert reverse("analyses:create") not in content


def build_library(count: int, actor_a, actor_b, areas) -> None:
    for number in range(count):
        authors = [actor_a] if number % 2 else [actor_b]
        factories.analysis(
            authors=authors,
            scope=[areas["SS01"], areas["KE"]],
            sensitivity=Sensitivity.values[number % 5],
            review_due=TODAY + timedelta(days=number),
        )


def count_queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, params or {}).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(client, owner, actor_a, actor_b, areas):
    client.force_login(owner)
    build_library(3, actor_a, actor_b, areas)
    small = count_queries(client)
    small_filtered = count_queries(client, {"q": "Analysis", "country": "SS", "freshness": "current"})
    build_library(27, actor_a, actor_b, areas)

    # session, user, memberships, count, page, scope areas, authors, countries (filter), reviews due (2)
    assert count_queries(client) == small
    assert count_queries(client, {"q": "Analysis", "country": "SS", "freshness": "current"}) == small_filtered
