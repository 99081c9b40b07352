"""/api/agreements/, /api/tranches/, /api/requests/: parties and reviewers read; donors write agreements;
applicants create requests; the deciding unit decides, and every step joins the history."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from funding.models import FundingAgreement, FundingRequest, FundingRequestEvent
from funding.services import request_create
from nexus_portal.api.tokens import ApiToken
from tests import factories as f

pytestmark = pytest.mark.django_db


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def world():
    areas = f.area_tree()
    donor, ngo, other_donor, stranger = f.actor(), f.actor(), f.actor(), f.actor()
    people = {name: f.user() for name in ("donor_editor", "ngo_editor", "other_donor_editor", "outsider")}
    f.member(people["donor_editor"], donor)
    f.member(people["ngo_editor"], ngo)
    f.member(people["other_donor_editor"], other_donor)
    f.member(people["outsider"], stranger)
    agreement = f.agreement(donor=donor, recipient=ngo)
    agreement.countries.set([areas["SS"]])
    f.tranche(agreement, 2026, Decimal("500000"))
    request = request_create(
        user=people["ngo_editor"], title="Juba water", applicant=ngo, submitted_to=donor, submitted_on=date.today()
    )
    return {
        **people,
        "reviewer": f.user(reviewer=True),
        "areas": areas,
        "donor": donor,
        "ngo": ngo,
        "other_donor": other_donor,
        "agreement": agreement,
        "request": request,
    }


READERS = [("donor_editor", True), ("ngo_editor", True), ("reviewer", True), ("outsider", False)]


@pytest.mark.parametrize(("persona", "sees"), READERS)
def test_parties_and_reviewers_read_agreements_with_their_tranches(world, persona, sees):
    client = client_for(world[persona])
    payload = client.get("/api/agreements/").json()
    assert payload["count"] == (1 if sees else 0)
    detail = client.get(f"/api/agreements/{world['agreement'].pk}/")
    assert detail.status_code == (200 if sees else 404)
    if sees:
        assert detail.json()["tranches"][0]["amount"] == "500000.00"
        assert detail.json()["countries"] == ["SS"]
        assert client.get(f"/api/tranches/?agreement={world['agreement'].pk}").json()["count"] == 1
    else:
        assert client.get("/api/tranches/").json()["count"] == 0


@pytest.mark.parametrize(("persona", "sees"), [*READERS, ("other_donor_editor", False)])
def test_parties_and_reviewers_read_requests_with_their_history(world, persona, sees):
    client = client_for(world[persona])
    assert client.get("/api/requests/").json()["count"] == (1 if sees else 0)
    detail = client.get(f"/api/requests/{world['request'].pk}/")
    assert detail.status_code == (200 if sees else 404)
    if sees:
        assert [event["status"] for event in detail.json()["events"]] == ["pending"]


def test_anonymous_visitors_are_refused(world):
    for url in ("/api/agreements/", "/api/tranches/", "/api/requests/"):
        assert client_for().get(url).status_code in (401, 403)


def test_agreement_filters_use_the_page_filterset(world):
    client = client_for(world["reviewer"])
    assert client.get("/api/agreements/?country=SS").json()["count"] == 1
    assert client.get("/api/agreements/?country=KE").json()["count"] == 0
    assert client.get("/api/agreements/?stream=development").json()["count"] == 0
    assert client.get("/api/agreements/?level=top").json()["count"] == 1
    bad = client.get("/api/agreements/?stream=nonsense")
    assert bad.status_code == 400 and "stream" in bad.json()["error"]["fields"]


def agreement_payload(world, **extra):
    return {
        "reference": "NOR-24-001",
        "donor": world["donor"].pk,
        "recipient": world["ngo"].pk,
        "stream": "development",
        "start_date": str(date.today()),
        "end_date": str(date.today() + timedelta(days=800)),
        "amount": "2000000.00",
        "countries": ["SS"],
        "tranches": [{"year": 2026, "amount": "1000000.00"}, {"year": 2027, "amount": "1000000.00"}],
        **extra,
    }


def test_a_donor_editor_creates_an_agreement_with_tranches(world):
    response = client_for(world["donor_editor"]).post("/api/agreements/", agreement_payload(world), format="json")
    assert response.status_code == 201, response.content
    created = FundingAgreement.objects.get(reference="NOR-24-001")
    assert created.tranches.count() == 2 and response.json()["is_multi_year"] is True


@pytest.mark.parametrize("persona", ["ngo_editor", "outsider"])
def test_only_donor_editors_record_an_agreement_and_nothing_is_written_otherwise(world, persona):
    response = client_for(world[persona]).post("/api/agreements/", agreement_payload(world), format="json")
    assert response.status_code == 400
    assert "donor" in response.json()["error"]["fields"]
    assert not FundingAgreement.objects.filter(reference="NOR-24-001").exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"countries": ["XX"]}, "countries"), ({"stream": "charity"}, "stream"), ({"colour": "blue"}, "colour")],
)
def test_a_bad_agreement_payload_is_a_400_naming_the_field(world, extra, field):
    response = client_for(world["donor_editor"]).post(
        "/api/agreements/", agreement_payload(world, **extra), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not FundingAgreement.objects.filter(reference="NOR-24-001").exists()


def test_the_recipient_cannot_change_an_agreement_but_the_donor_can(world):
    url = f"/api/agreements/{world['agreement'].pk}/"
    assert client_for(world["ngo_editor"]).patch(url, {"amount": "1.00"}, format="json").status_code == 404
    response = client_for(world["donor_editor"]).patch(url, {"amount": "1200000.00"}, format="json")
    assert response.status_code == 200, response.content
    world["agreement"].refresh_from_db()
    assert world["agreement"].amount == Decimal("1200000.00")
    assert world["agreement"].tranches.count() == 1  # kept when the payload has no tranches


def test_the_applicant_creates_a_request_with_its_first_history_step(world):
    payload = {"title": "Kajo-Keji schools", "applicant": world["ngo"].pk, "submitted_to": world["donor"].pk}
    payload["submitted_on"] = str(date.today())
    response = client_for(world["ngo_editor"]).post("/api/requests/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending" and len(response.json()["events"]) == 1
    refused = client_for(world["outsider"]).post("/api/requests/", payload, format="json")
    assert refused.status_code == 400 and "applicant" in refused.json()["error"]["fields"]
    assert FundingRequest.objects.filter(title="Kajo-Keji schools").count() == 1


def test_the_deciding_unit_redirects_and_the_history_grows(world):
    url = f"/api/requests/{world['request'].pk}/decide/"
    decision = {"decision": "redirect", "reason": "Norad's mandate", "redirected_to": world["other_donor"].pk}
    response = client_for(world["donor_editor"]).post(url, decision, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "redirected"
    assert [e["status"] for e in response.json()["events"]] == ["pending", "redirected"]
    # Now the other unit decides; the first one no longer may.
    again = client_for(world["donor_editor"]).post(url, {"decision": "approve"}, format="json")
    assert again.status_code == 403
    declined = client_for(world["other_donor_editor"]).post(
        url, {"decision": "decline", "reason": "Outside", "outside_mandate": True}, format="json"
    )
    assert declined.status_code == 200 and declined.json()["outside_mandate"] is True


def test_a_decline_without_reason_is_a_400_and_records_nothing(world):
    url = f"/api/requests/{world['request'].pk}/decide/"
    response = client_for(world["donor_editor"]).post(url, {"decision": "decline"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    assert FundingRequestEvent.objects.count() == 1
    world["request"].refresh_from_db()
    assert world["request"].status == "pending"


def test_the_applicant_cannot_decide_and_an_outsider_gets_404(world):
    url = f"/api/requests/{world['request'].pk}/decide/"
    assert client_for(world["ngo_editor"]).post(url, {"decision": "approve"}, format="json").status_code == 403
    assert client_for(world["outsider"]).post(url, {"decision": "approve"}, format="json").status_code == 404
    assert FundingRequestEvent.objects.count() == 1


def test_a_read_only_token_reads_but_cannot_decide(world):
    _, key = ApiToken.issue(user=world["donor_editor"], name="grants system", read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/requests/").status_code == 200
    url = f"/api/requests/{world['request'].pk}/decide/"
    assert client.post(url, {"decision": "approve"}, format="json").status_code == 403
    assert client.post("/api/agreements/", agreement_payload(world), format="json").status_code == 403
    world["request"].refresh_from_db()
    assert world["request"].status == "pending"


def test_malformed_json_is_a_400_with_the_error_shape(world):
    response = client_for(world["donor_editor"]).post("/api/agreements/", "{oops", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["status"] == 400


@pytest.mark.parametrize("url", ["/api/agreements/", "/api/requests/", "/api/tranches/"])
def test_list_queries_stay_constant_from_5_to_50_rows(world, url, django_assert_num_queries):
    client = client_for(world["reviewer"])
    client.get(url)

    def add_rows(n):
        for _ in range(n):
            agreement = f.agreement(donor=world["donor"], recipient=world["ngo"])
            f.tranche(agreement, 2026, Decimal("10"))
            f.funding_request(applicant=world["ngo"], submitted_to=world["donor"])

    add_rows(4)
    with CaptureQueriesContext(connection) as at_5:
        assert client.get(url).json()["count"] == 5
    add_rows(45)
    with django_assert_num_queries(len(at_5)):
        assert len(client.get(url).json()["results"]) == 50
