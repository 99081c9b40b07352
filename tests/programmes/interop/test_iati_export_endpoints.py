"""The IATI export as a download from the programme list and over the API: sign-in, filters, visibility of
funding, streaming. Every document is validated against the official 2.03 schema."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from funding.models import FundingAgreement
from nexus_portal.api.tokens import ApiToken
from programmes.choices import ActivityStatus
from reference.choices import SectorVocabulary
from tests import factories
from tests.programmes.interop.test_iati_export_support import activity, identifiers, streamed, validated

pytestmark = pytest.mark.django_db
PAGE = reverse("programmes:list")
DOWNLOAD = reverse("programmes:export_iati")
API = "/api/programmes/export-iati/"
SECRET = "SECRET-AGREEMENT-7"


@pytest.fixture
def catalogue(actor_a, actor_b):
    """Programmes that different filters tell apart, and one funded by a private agreement of actor A."""
    areas = factories.area_tree()
    water = factories.sector("14030")
    cluster = factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER, family="WSH")
    made = {
        "juba-water": factories.programme(
            reporting_actor=actor_a, locations=[areas["SS0101"]], sectors=[water], pillars="H", humanitarian=True,
            iati_identifier="X-JUBA-WATER",
        ),
        "torit-schools": factories.programme(
            reporting_actor=actor_b, locations=[areas["SS02"]], pillars="D", iati_identifier="X-TORIT-SCHOOLS",
        ),
        "kenya-cluster": factories.programme(
            reporting_actor=actor_b, locations=[areas["KE"]], sectors=[cluster], pillars="HP",
            status=ActivityStatus.CLOSED, iati_identifier="X-KENYA-CLUSTER",
        ),
        "old-juba": factories.programme(
            reporting_actor=actor_a, locations=[areas["SS0102"]], pillars="P", start=date(2010, 1, 1),
            end=date(2011, 1, 1), iati_identifier="X-OLD-JUBA",
        ),
    }  # fmt: skip
    private = factories.agreement(
        donor=actor_a, recipient=factories.actor("Local partner"), reference=SECRET, amount=Decimal("5000")
    )
    private.funded_programmes.add(made["juba-water"])
    return made


def page_identifiers(client, query: str) -> list[str]:
    response = client.get(f"{PAGE}?{query}")
    assert response.status_code == 200
    return sorted(p.iati_identifier for p in response.context["paginator"].object_list)


def api_client(user=None, *, token: bool = False) -> APIClient:
    api = APIClient()
    if token:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=user, name='export', read_only=True)[1]}")
    elif user is not None:
        api.force_authenticate(user)
    return api


# --- the download from the list page ----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_for_the_download(client, catalogue):
    response = client.get(DOWNLOAD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_download_is_a_streamed_attachment_named_with_the_date(client, owner, catalogue):
    client.force_login(owner)
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="nexus-programmes-iati-{today}.xml"'
    assert identifiers(validated(streamed(response))) == sorted(p.iati_identifier for p in catalogue.values())


@pytest.mark.parametrize(
    "query",
    [
        "country=SS",
        "area=SS01",
        "pillar=H",
        "pillar=P&status=4",
        "sector=14030",
        "sector_family=WSH",
        "q=juba",
        "active_from=2024-01-01",
        "status=2&sort=-start",
    ],
)
def test_the_download_holds_exactly_the_programmes_the_list_page_shows_for_the_same_filters(
    client, owner, catalogue, query
):
    client.force_login(owner)
    expected = page_identifiers(client, query)
    exported = identifiers(validated(streamed(client.get(f"{DOWNLOAD}?{query}"))))
    assert exported == expected
    assert 0 < len(exported) < len(catalogue)


def test_filters_by_actor_id_keep_working_in_the_download(client, owner, catalogue, actor_b):
    client.force_login(owner)
    query = f"actor={actor_b.pk}"
    exported = identifiers(validated(streamed(client.get(f"{DOWNLOAD}?{query}"))))
    assert exported == page_identifiers(client, query) == ["X-KENYA-CLUSTER", "X-TORIT-SCHOOLS"]


def test_a_user_who_may_not_see_an_agreement_gets_no_transaction_from_it(client, owner, colleague, catalogue):
    client.force_login(colleague)
    body = streamed(client.get(DOWNLOAD))
    assert SECRET.encode() not in body
    assert activity(validated(body), "X-JUBA-WATER").find("transaction") is None

    client.force_login(owner)
    body = streamed(client.get(DOWNLOAD))
    assert activity(validated(body), "X-JUBA-WATER").find("transaction").get("ref") == SECRET


def test_a_reviewer_sees_every_agreement_in_the_download(client, reviewer, catalogue):
    client.force_login(reviewer)
    transactions = validated(streamed(client.get(DOWNLOAD))).findall("iati-activity/transaction")
    assert [t.get("ref") for t in transactions] == [SECRET]


def test_the_list_page_offers_the_export_with_the_current_filters(client, owner, catalogue):
    client.force_login(owner)
    html = client.get(f"{PAGE}?country=SS&pillar=H&sort=-start&page=1").content.decode()
    link = re.search(r'<a href="([^"]*)"[^>]*>IATI XML</a>', html)
    assert link, "no IATI XML link on the page"
    assert link.group(1) == f"{DOWNLOAD}?country=SS&amp;pillar=H&amp;sort=-start"
    assert 'class="export-menu"' in html


def test_the_results_swapped_in_by_htmx_carry_the_export_link_for_the_new_filters(client, owner, catalogue):
    client.force_login(owner)
    html = client.get(f"{PAGE}?pillar=D", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html  # only the results part
    assert f'href="{DOWNLOAD}?pillar=D"' in html


def test_no_export_is_offered_when_no_programme_matches(client, owner, catalogue):
    client.force_login(owner)
    html = client.get(f"{PAGE}?q=nothing-matches-this").content.decode()
    assert "export-menu" not in html


def test_the_download_link_followed_from_the_page_gives_the_same_programmes(client, owner, catalogue):
    client.force_login(owner)
    html = client.get(f"{PAGE}?area=SS01").content.decode()
    href = re.search(r'<a href="([^"]*)"[^>]*>IATI XML</a>', html).group(1).replace("&amp;", "&")
    assert identifiers(validated(streamed(client.get(href)))) == ["X-JUBA-WATER", "X-OLD-JUBA"]


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_export_needs_authentication(catalogue):
    response = api_client().get(API)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["status"] == 401


def test_the_api_export_streams_application_xml(owner, catalogue):
    response = api_client(owner).get(API)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("application/xml")
    assert "attachment" in response["Content-Disposition"]
    assert len(identifiers(validated(streamed(response)))) == len(catalogue)


def test_the_api_export_works_with_a_read_only_token_and_an_xml_accept_header(owner, catalogue):
    response = api_client(owner, token=True).get(API, HTTP_ACCEPT="application/xml")
    assert response.status_code == 200
    assert len(identifiers(validated(streamed(response)))) == len(catalogue)


@pytest.mark.parametrize("query", ["country=KE", "pillar=H", "area=SS01&status=2", "sector=WSH", "ordering=-title"])
def test_the_api_export_takes_the_same_filters_as_the_api_list(owner, catalogue, query):
    api = api_client(owner)
    listed = sorted(
        row["iati_identifier"] for row in api.get(f"/api/programmes/?{query}&page_size=100").json()["results"]
    )
    exported = identifiers(validated(streamed(api.get(f"{API}?{query}"))))
    assert exported == listed
    assert exported


def test_a_bad_filter_answers_400_in_the_api_error_shape(owner, catalogue):
    response = api_client(owner).get(f"{API}?status=99")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and "status" in error["fields"]


def test_the_api_export_leaves_out_agreements_the_user_may_not_see(colleague, owner, catalogue):
    assert SECRET.encode() not in streamed(api_client(colleague).get(API))
    assert SECRET.encode() in streamed(api_client(owner).get(API))
    assert FundingAgreement.objects.filter(reference=SECRET).exists()
