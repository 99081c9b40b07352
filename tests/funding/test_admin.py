"""Funding in the admin: agreements with tranches and their sub-grants, requests with an append-only history."""

from datetime import date

import pytest
from django.urls import reverse

from actors.models import User
from funding.choices import RequestStatus
from funding.models import FundingAgreement, FundingRequestEvent
from tests import factories

pytestmark = pytest.mark.django_db

EMPTY_AGREEMENT_INLINES = {
    "tranches-TOTAL_FORMS": 0,
    "tranches-INITIAL_FORMS": 0,
    "sub_grants-TOTAL_FORMS": 0,
    "sub_grants-INITIAL_FORMS": 0,
}


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create(username="root", is_staff=True, is_superuser=True))  # no password: fast
    return client


def test_an_agreement_from_an_actor_to_itself_is_refused_with_its_message(admin_client):
    ministry = factories.actor()
    data = {
        "reference": "QZA-24/0001",
        "donor": ministry.pk,
        "recipient": ministry.pk,
        "stream": "development",
        "modality": "project",
        "earmarking": 3,
        "start_date": "2024-01-01",
        "end_date": "2025-12-31",
        "amount": "1000",
        "currency": "NOK",
    } | EMPTY_AGREEMENT_INLINES

    response = admin_client.post(reverse("admin:funding_fundingagreement_add"), data)

    assert response.status_code == 200
    assert "The donor and the recipient must be different actors." in response.text
    assert not FundingAgreement.objects.exists()


def test_the_agreement_page_lists_sub_grants_without_editing_them(admin_client):
    parent = factories.agreement(donor=factories.actor(), recipient=factories.actor())
    factories.agreement(donor=parent.recipient, recipient=factories.actor(), parent=parent, reference="SUB-1")
    factories.tranche(parent, 2024, 500)

    response = admin_client.get(reverse("admin:funding_fundingagreement_change", args=[parent.pk]))

    assert response.status_code == 200
    assert "SUB-1" in response.text
    assert 'name="sub_grants-0-reference"' not in response.text
    assert 'name="tranches-0-amount"' in response.text


def test_the_request_history_keeps_past_entries_and_takes_new_ones(admin_client):
    mfa, norad = factories.actor(name="MFA"), factories.actor(name="Norad")
    request = factories.funding_request(applicant=factories.actor(), submitted_to=mfa)
    FundingRequestEvent.objects.create(request=request, status=RequestStatus.PENDING, unit=mfa, reason="Received")
    data = {
        "title": request.title,
        "applicant": request.applicant_id,
        "submitted_to": mfa.pk,
        "submitted_on": request.submitted_on.isoformat(),
        "currency": "NOK",
        "status": RequestStatus.REDIRECTED,
        "redirected_to": norad.pk,
        "decision_date": date.today().isoformat(),
        "events-TOTAL_FORMS": 1,
        "events-INITIAL_FORMS": 1,
        "events-0-id": request.events.get().pk,
        "events-0-request": request.pk,
        "events-0-reason": "Rewritten",  # ignored: past entries are read-only
    }
    data |= {"events-TOTAL_FORMS": 2, "events-1-date": date.today().isoformat(), "events-1-status": "redirected"}
    data |= {"events-1-unit": mfa.pk, "events-1-redirected_to": norad.pk, "events-1-reason": "Development work"}

    response = admin_client.post(reverse("admin:funding_fundingrequest_change", args=[request.pk]), data)

    assert response.status_code == 302, response.context["errors"]
    assert list(request.events.order_by("pk").values_list("reason", flat=True)) == ["Received", "Development work"]
