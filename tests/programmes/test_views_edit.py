"""Editing a programme: owners and funders edit, everyone else gets 404; stale edits are refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.choices import OrganisationRole
from programmes.models import Programme, ProgrammeParticipant, ProgrammeSector
from tests import factories
from tests.programmes.test_views_create import programme_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def programme(actor_a, areas):
    return factories.programme(
        reporting_actor=actor_a,
        title="Water in Juba",
        locations=[areas["SS0101"]],
        sectors=[factories.sector("14030", family="WSH")],
    )


def edit_url(programme) -> str:
    return reverse("programmes:update", args=[programme.pk])


def current_data(client, programme, **changes) -> dict:
    """What the opened form would send back, with `changes` typed in."""
    form = client.get(edit_url(programme)).context["form"]
    sectors = [(row.sector, row.percentage) for row in ProgrammeSector.objects.filter(programme=programme)]
    participants = [(row.actor, row.role) for row in ProgrammeParticipant.objects.filter(programme=programme)]
    data = programme_data(
        actor=programme.reporting_actor,
        locations=list(programme.locations.all()),
        sectors=sectors,
        participants=participants,
        initial={"sectors": len(sectors), "participants": len(participants)},
        title=programme.title,
        version=form.initial["version"],
    )
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", ["owner", "owner_manager", "superuser"])
def test_editors_of_the_reporting_actor_edit_it(client, personas, programme, persona):
    client.force_login(personas[persona])

    response = client.post(edit_url(programme), current_data(client, programme, title="Water and hygiene in Juba"))

    assert response.status_code == 302
    assert response.url == programme.get_absolute_url()
    programme.refresh_from_db()
    assert programme.title == "Water and hygiene in Juba"


def test_an_editor_of_a_funding_participant_edits_it_and_keeps_the_reporting_actor(
    client, colleague, actor_b, programme
):
    ProgrammeParticipant.objects.create(programme=programme, actor=actor_b, role=OrganisationRole.FUNDING)
    client.force_login(colleague)

    form = client.get(edit_url(programme)).context["form"]
    response = client.post(edit_url(programme), current_data(client, programme, title="Funded by B"))

    assert set(form.fields["reporting_actor"].queryset) == {programme.reporting_actor, actor_b}
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.title, programme.reporting_actor.name) == ("Funded by B", "Actor A")


@pytest.mark.parametrize("persona", ["owner_viewer", "colleague", "reviewer"])
def test_anyone_else_gets_404_for_the_form_and_the_post(client, personas, programme, persona):
    client.force_login(personas[persona])

    assert client.get(edit_url(programme)).status_code == 404
    assert client.post(edit_url(programme), {"title": "Hijacked"}).status_code == 404
    programme.refresh_from_db()
    assert programme.title == "Water in Juba"


def test_anonymous_visitors_are_sent_to_sign_in(client, programme):
    response = client.get(edit_url(programme))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_form_opens_with_the_current_sectors_participants_and_locations(client, owner, programme):
    client.force_login(owner)

    html = client.get(edit_url(programme)).content.decode()

    assert 'value="Water in Juba"' in html
    assert "Juba (SS0101) — Central Equatoria, South Sudan" in html
    assert 'name="sectors-0-percentage" value="100"' in html
    assert 'name="participants-INITIAL_FORMS" value="1"' in html


def test_a_stale_edit_is_refused_with_a_clear_message(client, owner, programme):
    client.force_login(owner)
    data = current_data(client, programme, title="My change")
    # Someone else saves in between.
    Programme.objects.filter(pk=programme.pk).update(title="Their change", updated_at=timezone.now() + timedelta(1))

    response = client.post(edit_url(programme), data)

    assert response.status_code == 200
    assert "Someone else changed this record after you opened it" in response.content.decode()
    assert 'value="My change"' in response.content.decode()  # what the user typed is still there to copy
    programme.refresh_from_db()
    assert programme.title == "Their change"


def test_changing_sectors_updates_pillars_and_the_timestamp(client, owner, programme):
    before = programme.updated_at
    food_aid = factories.sector("72040", family="FSC")
    client.force_login(owner)
    data = current_data(client, programme)
    data.update({"sectors-0-DELETE": "on", "sectors-1-sector": food_aid.pk, "sectors-1-percentage": "100"})
    data["sectors-TOTAL_FORMS"] = 2
    data["pillars_explicit"] = ""

    response = client.post(edit_url(programme), data)

    assert response.status_code == 302
    programme.refresh_from_db()
    assert list(ProgrammeSector.objects.filter(programme=programme).values_list("sector__code", "percentage")) == [
        ("72040", Decimal("100"))
    ]
    assert programme.pillar_label == "H"
    assert programme.updated_at > before


def test_moving_a_programme_replaces_its_locations(client, owner, programme, areas):
    client.force_login(owner)

    client.post(edit_url(programme), current_data(client, programme, locations=[areas["KE"].pk, areas["SS0102"].pk]))

    assert set(programme.locations.values_list("pcode", flat=True)) == {"KE", "SS0102"}
