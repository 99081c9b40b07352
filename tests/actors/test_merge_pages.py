"""The duplicates page, the merge confirmation with its dry-run counts, "not a duplicate", and the history."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from actors.choices import MembershipRole
from actors.models import Actor, ActorMerge, NotDuplicate
from tests import factories
from tests.actors.builders import alias

pytestmark = pytest.mark.django_db


def browser(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get("/actors/merges/").content.decode()
    return client, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.fixture
def nrc():
    return factories.actor("Norwegian Refugee Council", acronym="NRC", iati_identifier="NO-BRC-977538319")


@pytest.fixture
def imported_nrc():
    return factories.actor("NORWEGIAN REFUGEE COUNCIL")


def test_a_superuser_reviews_a_pair_merges_it_and_finds_it_in_the_history(superuser, nrc, imported_nrc):
    factories.programme(reporting_actor=imported_nrc)
    factories.programme(reporting_actor=nrc, implementers=[nrc, imported_nrc])
    client, token = browser(superuser)

    listing = client.get("/actors/duplicates/").content.decode()
    assert "Same name once case, accents, punctuation" in listing
    review = f"/actors/merge/{nrc.pk}/{imported_nrc.pk}/"  # the one with an identifier is suggested as kept
    assert f'href="{review}"' in listing

    confirmation = client.get(review)
    page = confirmation.content.decode()
    assert confirmation.status_code == 200
    cells = r'<th scope="row">([^<]+)</th>\s*<td class="number">(\d+)</td>\s*<td class="number">(\d+)</td>'
    rows = {text: (moved, combined) for text, moved, combined in re.findall(cells, page)}
    # The copy's own programme moves; in the shared programme its role is already held by the kept actor.
    assert rows == {"Programmes (as reporting actor)": ("1", "0"), "Participants (as actor)": ("1", "1")}
    assert f'href="/actors/merge/{imported_nrc.pk}/{nrc.pk}/"' in page  # keep the other one instead

    response = client.post(review, {"csrfmiddlewaretoken": token}, follow=True)

    assert response.redirect_chain[-1][0].startswith("/actors/merges/")
    page = response.content.decode()
    assert "“NORWEGIAN REFUGEE COUNCIL” was merged into “Norwegian Refugee Council (NRC)”: 2 references moved." in page
    assert "“NORWEGIAN REFUGEE COUNCIL” merged into “Norwegian Refugee Council”" in page
    assert '<span class="badge">NORWEGIAN REFUGEE COUNCIL</span>' in page  # the new alias
    assert not Actor.objects.filter(pk=imported_nrc.pk).exists()
    assert ActorMerge.objects.get().merged_by == superuser


def test_the_other_actor_can_be_chosen_as_the_one_to_keep(superuser, nrc, imported_nrc):
    client, token = browser(superuser)

    client.post(f"/actors/merge/{imported_nrc.pk}/{nrc.pk}/", {"csrfmiddlewaretoken": token})

    imported_nrc.refresh_from_db()
    assert imported_nrc.iati_identifier == "NO-BRC-977538319"
    assert not Actor.objects.filter(pk=nrc.pk).exists()


def test_a_refused_merge_shows_why_and_offers_no_button(superuser, nrc, imported_nrc):
    recipient = factories.actor()
    factories.agreement(donor=nrc, recipient=recipient, reference="QZA-1")
    factories.agreement(donor=imported_nrc, recipient=recipient, reference="QZA-1")
    client, token = browser(superuser)
    url = f"/actors/merge/{nrc.pk}/{imported_nrc.pk}/"

    page = client.get(url).content.decode()
    assert "These organisations cannot be merged yet" in page
    assert "QZA-1" in page
    assert "Merge “NORWEGIAN REFUGEE COUNCIL” into" not in page

    response = client.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert "both gave funding agreements with the reference QZA-1" in response.content.decode()
    assert Actor.objects.filter(pk=imported_nrc.pk).exists()


def test_a_manager_marks_a_pair_as_not_a_duplicate_and_it_leaves_the_list(nrc):
    manager = factories.user()
    factories.member(manager, nrc, MembershipRole.MANAGER)
    namesake = factories.actor("Norwegian Refugee Council.")
    client, token = browser(manager)
    assert "Norwegian Refugee Council." in client.get("/actors/duplicates/").content.decode()

    response = client.post(
        f"/actors/not-duplicate/{nrc.pk}/{namesake.pk}/", {"csrfmiddlewaretoken": token}, follow=True
    )

    page = response.content.decode()
    assert "are marked as different organisations; they will not be offered again." in page
    assert "No possible duplicates" in page
    decision = NotDuplicate.objects.get()
    assert (decision.actor_low, decision.actor_high, decision.decided_by) == (nrc, namesake, manager)


def test_a_reviewer_sees_every_pair_but_no_not_a_duplicate_button(reviewer, nrc, imported_nrc):
    client, _ = browser(reviewer)

    page = client.get("/actors/duplicates/").content.decode()

    assert "Review and merge" in page
    assert "Not a duplicate" not in page


def test_a_manager_sees_only_the_pairs_of_the_actors_they_manage(nrc, imported_nrc):
    elsewhere = factories.actor("Danish Refugee Council", acronym="DRC")
    factories.actor("DRC")
    manager = factories.user()
    factories.member(manager, nrc, MembershipRole.MANAGER)
    client, _ = browser(manager)

    page = client.get("/actors/duplicates/").content.decode()

    assert "NORWEGIAN REFUGEE COUNCIL" in page
    assert elsewhere.name not in page


def test_the_merge_history_is_open_to_signed_in_users_only(owner_viewer, client):
    keep = factories.actor("CARE Norway")
    alias(keep, "CARE Norge", source="merge")
    ActorMerge.objects.create(kept=keep, merged_pk=77, merged_name="CARE Norge", moved={"actors.Actor.parent": 2})

    assert client.get("/actors/merges/").status_code == 302
    client.force_login(owner_viewer)
    page = client.get("/actors/merges/").content.decode()
    assert "“CARE Norge” merged into “CARE Norway”" in page
    assert "Actors (as parent actor)" in page
    assert "from the command line" in page
    assert "Possible duplicates" not in page  # not a reviewer or manager: no such tab


def make_pairs(start: int, count: int) -> None:
    for number in range(start, start + count):
        factories.actor(f"Relief Network {number}", acronym=f"RN{number}")
        factories.actor(f"RELIEF NETWORK {number}")


def test_the_duplicates_page_costs_the_same_queries_for_few_and_many_pairs(superuser, client):
    client.force_login(superuser)
    make_pairs(0, 2)
    client.get("/actors/duplicates/")  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        assert client.get("/actors/duplicates/").status_code == 200
    make_pairs(2, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/actors/duplicates/")

    assert response.context["paginator"].count == 32
    assert len(response.context["pairs"]) == 25
    assert len(many) == len(few), "\n".join(query["sql"] for query in many.captured_queries)
    assert client.get("/actors/duplicates/?page=2").context["pairs"][0].score > 0


def test_the_nav_links_to_the_organisation_pages(owner_viewer, client):
    client.force_login(owner_viewer)

    page = client.get("/").content.decode()

    assert 'href="/actors/"' in page
    assert client.get("/actors/").url == "/actors/merges/"
