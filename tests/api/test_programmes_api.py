"""Programmes and programme links over the API, written through the same services as the forms."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from actors.choices import MembershipRole
from nexus_portal.api.tokens import ApiToken
from programmes.choices import LinkStatus, OrganisationRole
from programmes.models import Programme, ProgrammeLink
from reference.choices import SectorVocabulary
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user=None, *, read_only_token: bool = False) -> APIClient:
    api = APIClient()
    if read_only_token:
        _, key = ApiToken.issue(user=user, name="test", read_only=True)
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    elif user is not None:
        api.force_authenticate(user)
    return api


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def ngo():
    return factories.actor("Hope Sudan")


@pytest.fixture
def editor(ngo):
    user = factories.user("editor")
    factories.member(user, ngo, MembershipRole.EDITOR)
    return user


def payload(actor, **fields) -> dict:
    return {
        "title": "Water for Juba",
        "reporting_actor": actor.pk,
        "status": 2,
        "planned_start": "2026-01-01",
        "participants": [{"actor": actor.pk, "role": OrganisationRole.IMPLEMENTING}],
        "sectors": [{"sector": "14030", "percentage": 100}],
        "locations": ["SS0101"],
    } | fields


def test_an_editor_creates_a_programme_with_its_children(areas, ngo, editor):
    factories.sector("14030")
    response = client_for(editor).post("/api/programmes/", payload(ngo), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["participants"] == [{"actor": ngo.pk, "actor_name": "Hope Sudan", "role": 4}]
    assert body["sectors"] == [{"sector": "14030", "vocabulary": 1, "percentage": "100.00"}]
    assert body["locations"] == ["SS0101"]
    programme = Programme.objects.get(pk=body["id"])
    assert programme.pillar_d and not programme.pillar_h  # derived by the service from the DAC code


def test_a_sector_is_given_by_code_and_vocabulary_or_by_id(areas, ngo, editor):
    cluster = factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER)
    factories.sector("14030")
    sectors = [{"sector": "WSH", "vocabulary": 10, "percentage": 100}, {"sector": "14030", "percentage": "100"}]
    response = client_for(editor).post("/api/programmes/", payload(ngo, sectors=sectors), format="json")
    assert response.status_code == 201, response.json()
    by_id = [{"sector": cluster.pk, "percentage": 100}]
    response = client_for(editor).post("/api/programmes/", payload(ngo, sectors=by_id, title="Other"), format="json")
    assert response.json()["sectors"] == [{"sector": "WSH", "vocabulary": 10, "percentage": "100.00"}]


def test_users_cannot_create_programmes_for_an_actor_they_do_not_edit(areas, editor):
    other = factories.actor()
    factories.sector("14030")
    response = client_for(editor).post("/api/programmes/", payload(other), format="json")
    assert response.status_code == 403
    assert not Programme.objects.exists()


def test_unknown_pcodes_and_sector_codes_are_named_and_nothing_is_saved(areas, ngo, editor):
    bad = payload(ngo, locations=["SS0101", "XX99"], sectors=[{"sector": "99999", "percentage": 100}])
    response = client_for(editor).post("/api/programmes/", bad, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields == {"locations": ["Unknown p-codes: XX99."], "sectors": ["Unknown sector codes: 99999."]}
    assert not Programme.objects.exists()


def test_percentages_must_add_up_as_in_the_forms(areas, ngo, editor):
    factories.sector("14030")
    factories.sector("11220")
    sectors = [{"sector": "14030", "percentage": 50}, {"sector": "11220", "percentage": 20}]
    response = client_for(editor).post("/api/programmes/", payload(ngo, sectors=sectors), format="json")
    assert response.status_code == 400
    assert "add up to 70" in str(response.json()["error"]["fields"])
    assert not Programme.objects.exists()


def test_a_patch_changes_fields_and_keeps_the_children(areas, ngo, editor):
    water = factories.sector("14030")
    programme = factories.programme(reporting_actor=ngo, locations=[areas["SS01"]], sectors=[water])
    response = client_for(editor).patch(f"/api/programmes/{programme.pk}/", {"title": "Renamed"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["locations"] == ["SS01"]
    assert response.json()["sectors"][0]["sector"] == "14030"
    programme.refresh_from_db()
    assert programme.title == "Renamed"


def test_a_put_replaces_the_children(areas, ngo, editor):
    factories.sector("14030")
    programme = factories.programme(reporting_actor=ngo, locations=[areas["SS01"]])
    response = client_for(editor).put(
        f"/api/programmes/{programme.pk}/", payload(ngo, locations=["SS02", "SS0102"]), format="json"
    )
    assert response.status_code == 200, response.json()
    assert sorted(area.pcode for area in programme.locations.all()) == ["SS0102", "SS02"]


def test_other_actors_read_but_cannot_change_or_delete(areas, ngo):
    programme = factories.programme(reporting_actor=ngo, title="Mine")
    outsider = factories.user()
    factories.member(outsider, factories.actor(), MembershipRole.MANAGER)
    api = client_for(outsider)
    assert api.get(f"/api/programmes/{programme.pk}/").status_code == 200
    assert api.patch(f"/api/programmes/{programme.pk}/", {"title": "Theirs"}, format="json").status_code == 404
    assert api.delete(f"/api/programmes/{programme.pk}/").status_code == 404
    programme.refresh_from_db()
    assert programme.title == "Mine"


def test_reviewers_read_but_cannot_change(ngo):
    programme = factories.programme(reporting_actor=ngo)
    api = client_for(factories.user(reviewer=True))
    assert api.get(f"/api/programmes/{programme.pk}/").status_code == 200
    assert api.delete(f"/api/programmes/{programme.pk}/").status_code == 404


def test_anonymous_users_get_401(ngo):
    factories.programme(reporting_actor=ngo)
    response = APIClient().get("/api/programmes/")
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_a_read_only_token_reads_but_every_write_is_403(areas, ngo, editor, method):
    programme = factories.programme(reporting_actor=ngo, title="Mine")
    api = client_for(editor, read_only_token=True)
    assert api.get(f"/api/programmes/{programme.pk}/").status_code == 200
    url = "/api/programmes/" if method == "post" else f"/api/programmes/{programme.pk}/"
    response = getattr(api, method)(url, payload(ngo, title="Changed"), format="json")
    assert response.status_code == 403
    assert list(Programme.objects.values_list("title", flat=True)) == ["Mine"]


def test_the_editor_deletes_their_programme(ngo, editor):
    programme = factories.programme(reporting_actor=ngo)
    assert client_for(editor).delete(f"/api/programmes/{programme.pk}/").status_code == 204
    assert not Programme.objects.exists()


def test_the_area_filter_finds_programmes_inside_the_area(areas, ngo):
    inside = factories.programme(reporting_actor=ngo, locations=[areas["SS0101"]])
    factories.programme(reporting_actor=ngo, locations=[areas["SS02"]])
    response = client_for(factories.user()).get("/api/programmes/?area=SS01")
    assert [row["id"] for row in response.json()["results"]] == [inside.pk]


def test_an_unknown_area_in_the_filter_is_a_400_with_the_error_shape(areas):
    response = client_for(factories.user()).get("/api/programmes/?area=XX99")
    assert response.status_code == 400
    assert "area" in response.json()["error"]["fields"]


@pytest.mark.parametrize("rows", [5, 50])
def test_the_programme_list_takes_the_same_queries_at_any_size(areas, ngo, django_assert_num_queries, rows):
    water = factories.sector("14030")
    for _ in range(rows):
        factories.programme(reporting_actor=ngo, locations=[areas["SS0101"]], sectors=[water])
    api = client_for(factories.user())
    with django_assert_num_queries(5):  # count, page, participants+actors, sectors, locations
        response = api.get("/api/programmes/?page_size=100")
    assert response.json()["count"] == rows


# --- links ---------------------------------------------------------------------------------------


@pytest.fixture
def pair(ngo, editor):
    other_editor = factories.user("other-editor")
    other_actor = factories.actor()
    factories.member(other_editor, other_actor, MembershipRole.EDITOR)
    mine = factories.programme(reporting_actor=ngo)
    theirs = factories.programme(reporting_actor=other_actor)
    return mine, theirs, other_editor


def test_a_link_is_proposed_and_the_other_side_confirms_it(editor, pair):
    mine, theirs, other_editor = pair
    body = {"from_programme": mine.pk, "to_programme": theirs.pk, "link_type": "complementary", "note": "Same wells"}
    response = client_for(editor).post("/api/programme-links/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == LinkStatus.PROPOSED
    link_id = response.json()["id"]
    assert client_for(editor).post(f"/api/programme-links/{link_id}/confirm/").status_code == 403
    response = client_for(other_editor).post(f"/api/programme-links/{link_id}/confirm/")
    assert response.status_code == 200
    assert ProgrammeLink.objects.get(pk=link_id).status == LinkStatus.CONFIRMED


def test_the_other_side_declines_a_proposal(editor, pair):
    mine, theirs, other_editor = pair
    link = factories.link(mine, theirs, status=LinkStatus.PROPOSED, proposed_by=editor)
    response = client_for(other_editor).post(f"/api/programme-links/{link.pk}/decline/")
    assert response.json()["status"] == LinkStatus.DECLINED
    again = client_for(other_editor).post(f"/api/programme-links/{link.pk}/decline/")
    assert again.status_code == 400


def test_nobody_proposes_from_a_programme_they_do_not_edit(editor, pair):
    mine, theirs, _ = pair
    body = {"from_programme": theirs.pk, "to_programme": mine.pk, "link_type": "joint"}
    assert client_for(editor).post("/api/programme-links/", body, format="json").status_code == 403
    assert not ProgrammeLink.objects.exists()


def test_either_side_removes_a_link_but_outsiders_cannot(editor, pair):
    mine, theirs, _ = pair
    link = factories.link(mine, theirs)
    assert client_for(factories.user()).delete(f"/api/programme-links/{link.pk}/").status_code == 404
    assert client_for(editor).delete(f"/api/programme-links/{link.pk}/").status_code == 204
    assert not ProgrammeLink.objects.exists()


def test_links_are_not_edited_in_place(editor, pair):
    link = factories.link(*pair[:2])
    response = client_for(editor).patch(f"/api/programme-links/{link.pk}/", {"note": "x"}, format="json")
    assert response.status_code == 405


def test_percentages_are_decimal_strings(areas, ngo, editor):
    factories.sector("14030")
    factories.sector("11220")
    thirds = [{"sector": "14030", "percentage": "33.34"}, {"sector": "11220", "percentage": 66.66}]
    response = client_for(editor).post("/api/programmes/", payload(ngo, sectors=thirds), format="json")
    assert response.status_code == 201, response.json()
    shares = Programme.objects.get().sector_shares.order_by("percentage")
    assert [share.percentage for share in shares] == [Decimal("33.34"), Decimal("66.66")]
