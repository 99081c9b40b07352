"""Funding request pages: sending a request, who sees it, and the unit's decision (approve, decline,
redirect), each of which appends a step to the request's history."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.choices import ActorKind, MembershipRole
from funding.choices import RequestStatus
from funding.models import FundingRequest, FundingRequestEvent
from funding.services import Decision, request_create, request_decide
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("funding:request_list")
CREATE = reverse("funding:request_create")
TODAY = date.today()


@pytest.fixture
def mfa(db):
    return factories.actor("Ministry of Foreign Affairs", kind=ActorKind.DONOR_MINISTRY, acronym="MFA")


@pytest.fixture
def norad(db):
    return factories.actor("Norad", kind=ActorKind.DEVELOPMENT_AGENCY)


@pytest.fixture
def mfa_officer(mfa):
    person = factories.user("mfa_officer")
    factories.member(person, mfa, MembershipRole.EDITOR)
    return person


@pytest.fixture
def norad_officer(norad):
    person = factories.user("norad_officer")
    factories.member(person, norad, MembershipRole.EDITOR)
    return person


@pytest.fixture
def sent(owner, actor_a, mfa):
    """A request from actor A to the MFA, sent through the service (so its submission is in the history)."""
    return request_create(
        user=owner, title="Livelihoods bridge in Juba", applicant=actor_a, submitted_to=mfa,
        submitted_on=TODAY - timedelta(days=5),
    )  # fmt: skip


def decide(client, funding_request, **data):
    return client.post(reverse("funding:request_decide", args=[funding_request.pk]), data)


def history(funding_request) -> list[tuple]:
    return list(
        FundingRequestEvent.objects.filter(request=funding_request)
        .order_by("date", "pk")
        .values_list("status", "unit__name", "redirected_to__name", "outside_mandate", "reason")
    )


# -- sending ---------------------------------------------------------------------------------------------


def request_data(applicant, unit, **overrides) -> dict:
    data = {
        "title": "Water and peace in Kajo-Keji",
        "applicant": applicant.pk,
        "submitted_to": unit.pk,
        "submitted_on": TODAY.isoformat(),
        "amount": "250000",
        "currency": "NOK",
        "submission_id": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def test_an_applicant_editor_sends_a_request_and_its_submission_starts_the_history(client, owner, actor_a, mfa):
    client.force_login(owner)
    response = client.post(CREATE, request_data(actor_a, mfa))

    funding_request = FundingRequest.objects.get()
    assert response.url == funding_request.get_absolute_url()
    assert funding_request.status == RequestStatus.PENDING
    assert history(funding_request) == [("pending", "Ministry of Foreign Affairs", None, False, "")]


def test_the_applicant_must_be_an_organisation_the_user_edits_for(client, owner, actor_b, mfa):
    client.force_login(owner)
    response = client.post(CREATE, request_data(actor_b, mfa))

    assert FundingRequest.objects.count() == 0
    assert "applicant" in response.context["form"].errors


def test_a_request_cannot_be_dated_in_the_future_and_keeps_the_input(client, owner, actor_a, mfa):
    client.force_login(owner)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = client.post(CREATE, request_data(actor_a, mfa, submitted_on=tomorrow))

    assert response.context["form"].errors["submitted_on"] == ["A request cannot be submitted in the future."]
    assert 'value="Water and peace in Kajo-Keji"' in response.content.decode()


def test_a_double_submit_sends_one_request(client, owner, actor_a, mfa):
    client.force_login(owner)
    data = request_data(actor_a, mfa)
    client.post(CREATE, data)
    client.post(CREATE, data)

    assert FundingRequest.objects.count() == 1
    assert FundingRequestEvent.objects.count() == 1


def test_a_viewer_may_not_send_requests(client, owner_viewer):
    client.force_login(owner_viewer)
    assert client.get(CREATE).status_code == 403


# -- who sees it ---------------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client, sent):
    for url in (LIST, CREATE, sent.get_absolute_url(), reverse("funding:request_decide", args=[sent.pk])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("owner", True), ("owner_viewer", True), ("mfa_officer", True), ("reviewer", True), ("colleague", False)],
)
def test_the_applicant_the_unit_and_reviewers_see_the_request(client, personas, mfa_officer, sent, persona, sees):
    client.force_login({**personas, "mfa_officer": mfa_officer}[persona])

    assert (sent in client.get(LIST).context["funding_requests"]) is sees
    assert client.get(sent.get_absolute_url()).status_code == (200 if sees else 404)


def test_the_list_marks_requests_waiting_for_the_users_unit(client, mfa_officer, sent, actor_b, mfa):
    other = factories.funding_request(applicant=actor_b, submitted_to=mfa, status=RequestStatus.APPROVED,
                                      decision_date=TODAY)  # fmt: skip
    client.force_login(mfa_officer)

    waiting = client.get(LIST, {"waiting": "mine"}).context["funding_requests"]
    assert list(waiting) == [sent]
    assert "yours to decide" in client.get(LIST).content.decode()
    assert other in client.get(LIST).context["funding_requests"]


def test_the_number_of_queries_does_not_grow_with_the_rows(client, reviewer, actor_a, mfa, norad):
    client.force_login(reviewer)

    def build(count):
        for _ in range(count):
            factories.funding_request(applicant=actor_a, submitted_to=mfa)
            factories.funding_request(applicant=actor_a, submitted_to=mfa, status=RequestStatus.REDIRECTED,
                                      redirected_to=norad, decision_date=TODAY)  # fmt: skip

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    build(2)
    small = queries()
    build(15)
    assert queries() == small


# -- deciding --------------------------------------------------------------------------------------------


def test_the_unit_approves_and_the_step_is_added_to_the_history(client, mfa_officer, sent):
    client.force_login(mfa_officer)
    response = decide(client, sent, decision=Decision.APPROVE, reason="Fits our Sudan strategy.")

    assert response.url == sent.get_absolute_url()
    sent.refresh_from_db()
    assert (sent.status, sent.decision_date) == (RequestStatus.APPROVED, TODAY)
    assert history(sent)[-1] == ("approved", "Ministry of Foreign Affairs", None, False, "Fits our Sudan strategy.")
    event = FundingRequestEvent.objects.filter(request=sent).last()
    assert event.user == mfa_officer


def test_the_unit_declines_as_outside_its_mandate_with_a_reason(client, mfa_officer, sent):
    client.force_login(mfa_officer)
    decide(client, sent, decision=Decision.DECLINE, outside_mandate="on", reason="Long-term development: Norad.")

    sent.refresh_from_db()
    assert (sent.status, sent.outside_mandate) == (RequestStatus.DECLINED, True)
    assert history(sent)[-1] == ("declined", "Ministry of Foreign Affairs", None, True, "Long-term development: Norad.")


def test_a_redirect_hands_the_decision_to_the_other_unit_and_the_history_keeps_every_step(
    client, mfa_officer, norad_officer, sent
):
    client.force_login(mfa_officer)
    decide(client, sent, decision=Decision.REDIRECT, redirected_to=sent.submitted_to_id, reason="Ours after all")
    assert history(sent)[-1][0] == "pending", "a unit cannot redirect to itself"

    norad = norad_officer.memberships.get().actor
    decide(client, sent, decision=Decision.REDIRECT, redirected_to=norad.pk, reason="Development money.")
    sent.refresh_from_db()
    assert (sent.status, sent.redirected_to) == (RequestStatus.REDIRECTED, norad)
    moved_on = decide(client, sent, decision=Decision.APPROVE)
    assert moved_on.status_code == 302, "no longer theirs: told where it went"
    assert "This request has moved on to Norad." in client.get(moved_on.url).content.decode()
    assert sent.events.count() == 2

    client.force_login(norad_officer)
    decide(client, sent, decision=Decision.DECLINE, outside_mandate="on", reason="Humanitarian: MFA.")
    assert history(sent) == [
        ("pending", "Ministry of Foreign Affairs", None, False, ""),
        ("redirected", "Ministry of Foreign Affairs", "Norad", False, "Development money."),
        ("declined", "Norad", None, True, "Humanitarian: MFA."),
    ]
    content = client.get(sent.get_absolute_url()).content.decode()
    assert "Redirected by Ministry of Foreign Affairs (MFA) to Norad" in content
    assert "Declined by Norad as outside its mandate" in content
    assert "Humanitarian: MFA." in content


def test_after_a_redirect_the_first_unit_can_no_longer_decide(client, mfa_officer, norad, sent):
    request_decide(request=sent, user=mfa_officer, decision=Decision.REDIRECT, redirected_to=norad, reason="Norad's")
    client.force_login(mfa_officer)

    assert client.get(reverse("funding:request_decide", args=[sent.pk])).status_code == 302
    assert reverse("funding:request_decide", args=[sent.pk]) not in client.get(sent.get_absolute_url()).content.decode()
    assert "yours to decide" not in client.get(LIST).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"decision": "decline"}, "reason", "Give the reason, so the applicant knows what to do next."),
        ({"decision": "redirect", "reason": "Not ours"}, "redirected_to", "Choose the unit the request should go to."),
        ({"decision": "approve", "outside_mandate": "on"}, "outside_mandate", "Only a declined request can be"),
        ({}, "decision", "This field is required."),
    ],
)
def test_an_incomplete_decision_is_explained_next_to_the_field(client, mfa_officer, sent, data, field, message):
    client.force_login(mfa_officer)
    response = decide(client, sent, **data)

    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert sent.events.count() == 1
    sent.refresh_from_db()
    assert sent.status == RequestStatus.PENDING


def test_a_request_can_be_sent_back_to_the_unit_it_was_first_sent_to(client, mfa_officer, norad_officer, mfa, sent):
    norad = norad_officer.memberships.get().actor
    request_decide(request=sent, user=mfa_officer, decision=Decision.REDIRECT, redirected_to=norad, reason="Norad's")
    client.force_login(norad_officer)
    response = decide(client, sent, decision=Decision.REDIRECT, redirected_to=mfa.pk, reason="Back to MFA")

    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.redirected_to == mfa
    assert sent.events.count() == 3


@pytest.mark.parametrize("persona", ["owner", "owner_viewer", "colleague", "reviewer"])
def test_only_the_units_editors_may_decide(client, personas, sent, persona):
    client.force_login(personas[persona])

    assert client.get(reverse("funding:request_decide", args=[sent.pk])).status_code == 404
    assert decide(client, sent, decision=Decision.APPROVE).status_code == 404
    sent.refresh_from_db()
    assert sent.status == RequestStatus.PENDING


def test_a_decided_request_cannot_be_decided_again(client, mfa_officer, sent):
    client.force_login(mfa_officer)
    decide(client, sent, decision=Decision.APPROVE)
    response = decide(client, sent, decision=Decision.DECLINE, reason="Changed my mind")

    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == RequestStatus.APPROVED
    assert sent.events.count() == 2


def test_a_decision_on_a_request_that_moved_on_meanwhile_is_refused(mfa_officer, norad, sent):
    opened = FundingRequest.objects.get(pk=sent.pk)  # the page the second officer had open
    request_decide(request=sent, user=mfa_officer, decision=Decision.REDIRECT, redirected_to=norad, reason="Norad's")

    with pytest.raises(ValidationError, match="decided or moved to another unit"):
        request_decide(request=opened, user=mfa_officer, decision=Decision.APPROVE)
    assert FundingRequest.objects.get(pk=sent.pk).status == RequestStatus.REDIRECTED


def test_the_detail_shows_the_history_as_a_timeline(client, owner, sent):
    client.force_login(owner)
    response = client.get(sent.get_absolute_url())

    assert [event.status for event in response.context["events"]] == ["pending"]
    assert "Submitted to Ministry of Foreign Affairs (MFA)" in response.content.decode()
    assert "Waiting for a decision by Ministry of Foreign Affairs (MFA)." in response.content.decode()
