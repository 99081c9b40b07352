"""Programme links: one side proposes, the other side answers, either side removes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.choices import LinkStatus, LinkType
from programmes.models import ProgrammeLink
from tests import factories

pytestmark = pytest.mark.django_db
LIST = reverse("links:list")
PROPOSE = reverse("links:propose")


@pytest.fixture
def ours(actor_a):
    return factories.programme(reporting_actor=actor_a, title="Food distribution Juba", pillars="H")


@pytest.fixture
def theirs(actor_b):
    return factories.programme(reporting_actor=actor_b, title="Livelihoods Juba", pillars="D")


def proposal(ours, theirs, **extra) -> ProgrammeLink:
    return factories.link(ours, theirs, status=LinkStatus.PROPOSED, **extra)


def link_ids(response) -> list[int]:
    return [link.pk for link in response.context["links"]]


def test_the_pages_send_anonymous_users_to_sign_in(client):
    for page in (LIST, PROPOSE, reverse("links:programme_search")):
        assert client.get(page).status_code == 302


def test_an_editor_proposes_a_link_from_their_programme(client, owner, ours, theirs):
    client.force_login(owner)
    page = client.get(PROPOSE, {"from": ours.pk})
    assert page.context["form"].initial["from_programme"] == str(ours.pk)
    data = {"from_programme": ours.pk, "to_programme": theirs.pk, "link_type": LinkType.SEQUENCED, "note": "Handover"}
    response = client.post(PROPOSE, data)
    assert response.url == LIST + "?show=sent"
    link = ProgrammeLink.objects.get()
    assert (link.from_programme, link.to_programme, link.status) == (ours, theirs, LinkStatus.PROPOSED)
    assert link.proposed_by == owner


def test_a_link_between_two_of_your_own_programmes_is_confirmed_at_once(client, owner, ours, actor_a):
    other = factories.programme(reporting_actor=actor_a)
    client.force_login(owner)
    client.post(PROPOSE, {"from_programme": ours.pk, "to_programme": other.pk, "link_type": LinkType.JOINT})
    assert ProgrammeLink.objects.get().status == LinkStatus.CONFIRMED


def test_nobody_proposes_from_a_programme_they_do_not_edit(client, colleague, ours, theirs):
    client.force_login(colleague)
    response = client.post(PROPOSE, {"from_programme": ours.pk, "to_programme": theirs.pk, "link_type": "joint"})
    assert "from_programme" in response.context["form"].errors
    assert not ProgrammeLink.objects.exists()


def test_a_pair_has_one_link_per_type_whichever_side_proposed(client, colleague, ours, theirs):
    proposal(ours, theirs, link_type=LinkType.JOINT)
    client.force_login(colleague)
    response = client.post(PROPOSE, {"from_programme": theirs.pk, "to_programme": ours.pk, "link_type": "joint"})
    assert "already have a link of this type" in response.text
    assert ProgrammeLink.objects.count() == 1


def test_a_programme_is_not_linked_to_itself(client, owner, ours):
    client.force_login(owner)
    response = client.post(PROPOSE, {"from_programme": ours.pk, "to_programme": ours.pk, "link_type": "joint"})
    assert "cannot be linked to itself" in response.text


def test_bad_input_keeps_the_choices_and_the_note(client, owner, ours, theirs):
    client.force_login(owner)
    response = client.post(PROPOSE, {"from_programme": ours.pk, "to_programme": theirs.pk, "note": "We refer cases"})
    assert "link_type" in response.context["form"].errors
    assert f'<option value="{theirs.pk}" selected>' in response.text
    assert "We refer cases</textarea>" in response.text


def test_the_search_finds_other_programmes_by_title_or_organisation(client, owner, ours, theirs):
    client.force_login(owner)
    by_title = client.get(reverse("links:programme_search"), {"q": "livelihoods", "from_programme": ours.pk})
    assert f'<option value="{theirs.pk}">Livelihoods Juba — Actor B</option>' in by_title.text
    by_actor = client.get(reverse("links:programme_search"), {"q": "Actor", "from_programme": ours.pk})
    assert "Livelihoods Juba" in by_actor.text
    assert "Food distribution Juba" not in by_actor.text  # the "from" programme itself is left out
    assert "type at least 2 letters" in client.get(reverse("links:programme_search"), {"q": "L"}).text


def test_a_search_without_javascript_reloads_the_form_with_the_matches(client, owner, ours, theirs):
    client.force_login(owner)
    response = client.get(PROPOSE, {"from_programme": ours.pk, "q": "Livelihoods"})
    assert f'<option value="{theirs.pk}">Livelihoods Juba — Actor B</option>' in response.text
    assert 'value="Livelihoods"' in response.text


def test_the_other_side_sees_the_proposal_and_confirms_it(client, colleague, ours, theirs):
    link = proposal(ours, theirs)
    client.force_login(colleague)
    listing = client.get(LIST)
    assert link_ids(listing) == [link.pk]
    assert "Food distribution Juba" in listing.text
    response = client.post(reverse("links:confirm", args=[link.pk]))
    assert response.url == LIST
    link.refresh_from_db()
    assert link.status == LinkStatus.CONFIRMED


def test_the_other_side_declines(client, colleague, ours, theirs):
    link = proposal(ours, theirs)
    client.force_login(colleague)
    client.post(reverse("links:decline", args=[link.pk]))
    link.refresh_from_db()
    assert link.status == LinkStatus.DECLINED


@pytest.mark.parametrize("persona", ["owner", "owner_viewer", "reviewer"])
def test_the_proposer_and_others_cannot_answer(client, personas, ours, theirs, persona):
    link = proposal(ours, theirs)
    client.force_login(personas[persona])
    assert client.post(reverse("links:confirm", args=[link.pk])).status_code == 404
    assert client.post(reverse("links:decline", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.status == LinkStatus.PROPOSED


def test_answering_needs_a_post(client, colleague, ours, theirs):
    link = proposal(ours, theirs)
    client.force_login(colleague)
    assert client.get(reverse("links:confirm", args=[link.pk])).status_code == 405


def test_the_proposer_sees_the_proposal_and_its_answer_under_sent(client, owner, colleague, ours, theirs):
    link = proposal(ours, theirs)
    client.force_login(owner)
    assert link_ids(client.get(LIST)) == []
    assert link_ids(client.get(LIST, {"show": "sent"})) == [link.pk]
    ProgrammeLink.objects.filter(pk=link.pk).update(status=LinkStatus.DECLINED)
    assert "Declined" in client.get(LIST, {"show": "sent"}).text


def test_a_declined_link_may_be_proposed_again(client, owner, ours, theirs):
    proposal(ours, theirs, link_type=LinkType.REFERRAL).__class__.objects.update(status=LinkStatus.DECLINED)
    client.force_login(owner)
    client.post(PROPOSE, {"from_programme": ours.pk, "to_programme": theirs.pk, "link_type": "referral"})
    assert ProgrammeLink.objects.get().status == LinkStatus.PROPOSED


@pytest.mark.parametrize("persona", ["owner", "colleague"])
def test_either_side_removes_a_confirmed_link_after_confirming(client, personas, ours, theirs, persona):
    link = factories.link(ours, theirs)
    client.force_login(personas[persona])
    assert link_ids(client.get(LIST, {"show": "confirmed"})) == [link.pk]
    page = client.get(reverse("links:remove", args=[link.pk]))
    assert "Remove this link?" in page.text
    assert ProgrammeLink.objects.exists()
    response = client.post(reverse("links:remove", args=[link.pk]))
    assert response.url == LIST + "?show=confirmed"
    assert not ProgrammeLink.objects.exists()


@pytest.mark.parametrize("persona", ["owner_viewer", "reviewer"])
def test_others_cannot_remove_a_link(client, personas, ours, theirs, persona):
    link = factories.link(ours, theirs)
    client.force_login(personas[persona])
    assert client.get(reverse("links:remove", args=[link.pk])).status_code == 404
    assert client.post(reverse("links:remove", args=[link.pk])).status_code == 404
    assert ProgrammeLink.objects.exists()


def test_removal_only_returns_to_a_page_of_this_site(client, owner, ours, theirs):
    link = factories.link(ours, theirs)
    client.force_login(owner)
    response = client.post(reverse("links:remove", args=[link.pk]), {"next": "https://evil.example/"})
    assert response.url == LIST + "?show=confirmed"


def test_empty_tabs_say_what_to_do(client, owner):
    client.force_login(owner)
    assert "No proposals wait for your answer" in client.get(LIST).text
    assert "You have no open proposals" in client.get(LIST, {"show": "sent"}).text


def test_the_list_costs_the_same_queries_for_3_and_30_proposals(client, colleague, actor_a, theirs):
    def queries_for(count: int) -> int:
        ProgrammeLink.objects.all().delete()
        for _ in range(count):
            proposal(factories.programme(reporting_actor=actor_a), theirs)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert len(link_ids(response)) == min(count, 25)
        return len(queries)

    client.force_login(colleague)
    assert queries_for(3) == queries_for(30)
