"""/api/analyses/: metadata for every signed-in user, content only by sensitivity, named (RED) ones
invisible to everyone they do not name, and no content leaking through search, filters, ordering or counts."""

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from analyses.choices import AnalysisStatus, Sensitivity
from analyses.models import Analysis
from nexus_portal.api.tokens import ApiToken
from tests import factories as f

pytestmark = pytest.mark.django_db
SECRET = "zebracorn"


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def world():
    areas = f.area_tree()
    author_org, partner_org, other_org = f.actor(), f.actor(), f.actor()
    author, partner, outsider, named_person = f.user(), f.user(), f.user(), f.user()
    f.member(author, author_org)
    f.member(partner, partner_org, "viewer")
    f.member(outsider, other_org)
    rows = {
        level: f.analysis(
            authors=[author_org],
            scope=[areas["SS0101"]],
            sensitivity=level,
            title=f"{SECRET} {level}",
            summary=f"{SECRET} summary",
            shared_with_actors=[partner_org] if level == Sensitivity.RESTRICTED else [],
            shared_with_users=[named_person] if level == Sensitivity.NAMED else [],
        )
        for level in Sensitivity.values
    }
    return {
        "areas": areas,
        "rows": rows,
        "author_org": author_org,
        "other_org": other_org,
        "author": author,
        "partner": partner,
        "outsider": outsider,
        "named": named_person,
        "reviewer": f.user(reviewer=True),
        "superuser": f.user(superuser=True),
    }


def listed(user, query=""):
    response = client_for(user).get(f"/api/analyses/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def with_content(payload) -> set[str]:
    return {row["sensitivity"] for row in payload["results"] if row["content_visible"]}


def levels(payload) -> set[str]:
    return {row["sensitivity"] for row in payload["results"]}


ALL_BUT_NAMED = {"public", "partners", "restricted", "strict"}

# Who reads the content of which level (domain.md, "Sensitivity of analyses").
CONTENT_MATRIX = [
    ("author", ALL_BUT_NAMED),
    ("partner", {"public", "partners", "restricted"}),
    ("outsider", {"public", "partners"}),
    ("reviewer", {"public", "partners"}),
    ("named", {"public", "partners", "named"}),
    ("superuser", ALL_BUT_NAMED),
]


@pytest.mark.parametrize(("persona", "readable"), CONTENT_MATRIX)
def test_the_list_shows_content_only_where_the_sensitivity_allows(world, persona, readable):
    payload = listed(world[persona])
    assert with_content(payload) == readable
    for row in payload["results"]:
        if not row["content_visible"]:
            assert "title" not in row and "summary" not in row and SECRET not in str(row)


@pytest.mark.parametrize(("persona", "readable"), CONTENT_MATRIX)
def test_the_list_never_holds_a_named_analysis_for_someone_it_does_not_name(world, persona, readable):
    payload = listed(world[persona])
    expected = ALL_BUT_NAMED | ({"named"} if persona == "named" else set())
    assert levels(payload) == expected
    assert payload["count"] == len(expected)


@pytest.mark.parametrize(("persona", "readable"), CONTENT_MATRIX)
def test_the_detail_shows_content_only_where_the_sensitivity_allows(world, persona, readable):
    for level, analysis in world["rows"].items():
        response = client_for(world[persona]).get(f"/api/analyses/{analysis.pk}/")
        if level == "named" and persona != "named":
            assert response.status_code == 404
            assert response.json()["error"]["status"] == 404
            continue
        assert response.status_code == 200
        assert response.json()["content_visible"] is (level in readable)
        assert (SECRET in response.content.decode()) is (level in readable)


@pytest.mark.parametrize(("persona", "readable"), CONTENT_MATRIX)
def test_the_text_search_finds_only_readable_analyses_and_never_named_ones(world, persona, readable):
    payload = listed(world[persona], f"?q={SECRET}")
    assert levels(payload) == readable - {"named"}
    assert payload["count"] == len(readable - {"named"})


def test_a_search_for_a_word_in_a_restricted_title_finds_nothing_for_a_non_member(world):
    payload = listed(world["outsider"], f"?q={SECRET}%20restricted")
    assert payload["count"] == 0 and payload["results"] == []


@pytest.mark.parametrize("persona", ["author", "outsider", "named"])
def test_metadata_filters_count_the_same_rows_whatever_the_content_access(world, persona):
    visible = listed(world[persona])["count"]
    by_area = listed(world[persona], "?area=SS01")
    assert by_area["count"] == visible  # SS01 contains the SS0101 scope
    assert listed(world[persona], "?area=SS02")["count"] == 0
    for level in ALL_BUT_NAMED:
        assert listed(world[persona], f"?sensitivity={level}")["count"] == 1
    assert listed(world[persona], "?sensitivity=named")["count"] == (1 if persona == "named" else 0)


def test_ordering_accepts_only_metadata_fields(world):
    client = client_for(world["outsider"])
    rows_by_title = client.get("/api/analyses/?ordering=title").json()["results"]
    default = client.get("/api/analyses/").json()["results"]
    assert [r["id"] for r in rows_by_title] == [r["id"] for r in default]  # ignored, not applied
    by_date = client.get("/api/analyses/?ordering=-review_due").json()
    assert by_date["count"] == 4


def test_an_unknown_area_pcode_is_a_400_with_the_error_shape(world):
    response = client_for(world["author"]).get("/api/analyses/?area=XX99")
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"status", "code", "message", "fields"}


def test_anonymous_visitors_are_refused(world):
    assert client_for().get("/api/analyses/").status_code in (401, 403)


def test_the_list_pages_and_its_query_count_does_not_grow_with_rows(world, django_assert_num_queries):
    author_org, client = world["author_org"], client_for(world["author"])
    client.get("/api/analyses/")  # warms the per-user membership cache
    f.analysis(authors=[author_org], scope=[world["areas"]["SS01"]])
    assert Analysis.objects.count() == 6
    with django_assert_num_queries(6) as at_6:
        client.get("/api/analyses/?page_size=100")
    for _ in range(44):
        f.analysis(authors=[author_org], scope=[world["areas"]["SS01"]], sensitivity=Sensitivity.STRICT)
    with django_assert_num_queries(len(at_6)):
        assert len(client.get("/api/analyses/?page_size=100").json()["results"]) == 49
    page = client.get("/api/analyses/?page_size=10&page=2").json()
    assert page["count"] == 49 and len(page["results"]) == 10


def payload(world, **extra):
    return {
        "title": "Juba conflict analysis",
        "kind": "conflict",
        "scope": ["SS0101"],
        "author_actors": [world["author_org"].pk],
        "conducted_on": str(date.today() - timedelta(days=3)),
        "summary": "Tensions",
        **extra,
    }


def test_an_editor_of_an_author_creates_an_analysis_with_the_default_review_date(world):
    response = client_for(world["author"]).post("/api/analyses/", payload(world), format="json")
    assert response.status_code == 201, response.content
    created = Analysis.objects.get(pk=response.json()["id"])
    assert created.sensitivity == Sensitivity.RESTRICTED and created.status == AnalysisStatus.DRAFT
    assert created.review_due > created.conducted_on
    assert response.json()["scope"] == ["SS0101"] and response.json()["content_visible"] is True


def test_creating_for_an_actor_you_do_not_edit_for_is_refused_and_writes_nothing(world):
    response = client_for(world["outsider"]).post("/api/analyses/", payload(world), format="json")
    assert response.status_code == 400
    assert "author_actors" in response.json()["error"]["fields"]
    assert not Analysis.objects.filter(title="Juba conflict analysis").exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"colour": "red"}, "colour"), ({"scope": ["XX99"]}, "scope"), ({"kind": "gossip"}, "kind")],
)
def test_a_bad_payload_is_a_400_naming_the_field_and_writes_nothing(world, extra, field):
    response = client_for(world["author"]).post("/api/analyses/", payload(world, **extra), format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Analysis.objects.filter(title="Juba conflict analysis").exists()


def test_malformed_json_is_a_400_with_the_error_shape(world):
    response = client_for(world["author"]).post("/api/analyses/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400


def test_an_editor_updates_and_an_outsider_gets_404(world):
    analysis = world["rows"]["partners"]
    response = client_for(world["author"]).patch(f"/api/analyses/{analysis.pk}/", {"summary": "New"}, format="json")
    assert response.status_code == 200, response.content
    analysis.refresh_from_db()
    assert analysis.summary == "New" and list(analysis.author_actors.all()) == [world["author_org"]]
    refused = client_for(world["outsider"]).patch(f"/api/analyses/{analysis.pk}/", {"summary": "X"}, format="json")
    assert refused.status_code == 404
    analysis.refresh_from_db()
    assert analysis.summary == "New"


def test_a_read_only_token_reads_but_cannot_write(world):
    _, key = ApiToken.issue(user=world["author"], name="NGO database", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/analyses/").status_code == 200
    assert client.post("/api/analyses/", payload(world), format="json").status_code == 403
    assert not Analysis.objects.filter(title="Juba conflict analysis").exists()


def test_the_file_link_points_to_the_checked_download_and_only_with_content(world):
    analysis = world["rows"]["strict"]
    Analysis.objects.filter(pk=analysis.pk).update(attached_file="analyses/abc.pdf")
    own = client_for(world["author"]).get(f"/api/analyses/{analysis.pk}/").json()
    assert own["file_url"].endswith(f"/analyses/{analysis.pk}/file/")
    assert "file_url" not in client_for(world["outsider"]).get(f"/api/analyses/{analysis.pk}/").json()
