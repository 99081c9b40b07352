"""Logging a programme: who may, what is saved, and what happens to bad input and double submits."""

from decimal import Decimal

import pytest
from django.urls import reverse

from actors.choices import MembershipRole
from programmes.choices import ActivityStatus, OrganisationRole
from programmes.models import Programme, ProgrammeParticipant, ProgrammeSector
from reference.choices import SectorVocabulary
from tests import factories

pytestmark = pytest.mark.django_db
URL = reverse("programmes:create")


def programme_data(*, actor, locations=(), sectors=(), participants=(), initial=None, **fields) -> dict:
    """POST data of the programme form; `sectors` are (sector, percentage), `participants` (actor, role)."""
    data = {
        "title": "Clean water for Juba",
        "description": "Boreholes and hygiene promotion.",
        "iati_identifier": "",
        "reporting_actor": actor.pk,
        "status": ActivityStatus.IMPLEMENTATION,
        "planned_start": "2025-01-01",
        "planned_end": "2027-12-31",
        "actual_start": "",
        "actual_end": "",
        "total_budget": "",
        "currency": "",
        "target_groups": "",
        "transition_plan": "",
        "handover_actor": "",
        "planned_handover_date": "",
        "locations": [area.pk for area in locations],
    }
    initial = initial or {}
    formsets = (("sectors", sectors, ("sector", "percentage")), ("participants", participants, ("actor", "role")))
    for prefix, rows, names in formsets:
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = initial.get(prefix, 0)
        for index, (obj, value) in enumerate(rows):
            data[f"{prefix}-{index}-{names[0]}"] = obj.pk
            data[f"{prefix}-{index}-{names[1]}"] = value
    data.update(fields)
    return {key: value for key, value in data.items() if value is not False}


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def water():
    return factories.sector("14030", name="Basic drinking water supply", family="WSH")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["owner_viewer", "reviewer"])
def test_users_who_edit_no_actor_may_not_log_programmes(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(URL).status_code == 403


def test_the_reporting_actor_choice_is_limited_to_actors_the_user_edits(client, owner, actor_a, actor_b):
    viewer_of = factories.actor("Viewed only")
    factories.member(owner, viewer_of, MembershipRole.VIEWER)
    client.force_login(owner)

    form = client.get(URL).context["form"]

    assert list(form.fields["reporting_actor"].queryset) == [actor_a]
    assert form.initial["reporting_actor"] == actor_a.pk  # the only choice is preselected


def test_an_editor_logs_a_programme_with_locations_sectors_and_participants(client, owner, actor_a, areas, water):
    ngo = factories.actor("Local water NGO")
    client.force_login(owner)
    data = programme_data(
        actor=actor_a,
        locations=[areas["SS0101"], areas["SS02"]],
        sectors=[(water, "100")],
        participants=[(actor_a, OrganisationRole.FUNDING), (ngo, OrganisationRole.IMPLEMENTING)],
        total_budget="1500000",
        currency="nok",
    )

    response = client.post(URL, data)

    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response.url == programme.get_absolute_url()
    assert programme.reporting_actor == actor_a
    assert programme.currency == "NOK"
    assert set(programme.locations.values_list("pcode", flat=True)) == {"SS0101", "SS02"}
    assert list(ProgrammeSector.objects.filter(programme=programme).values_list("sector__code", "percentage")) == [
        ("14030", Decimal("100"))
    ]
    assert set(ProgrammeParticipant.objects.filter(programme=programme).values_list("actor__name", "role")) == {
        ("Actor A", OrganisationRole.FUNDING),
        ("Local water NGO", OrganisationRole.IMPLEMENTING),
    }
    assert programme.pillar_label == "D"  # derived: a development water code, not flagged humanitarian


def test_pillars_are_derived_unless_chosen_explicitly(client, owner, actor_a, areas):
    food_aid = factories.sector("72040", family="FSC")
    client.force_login(owner)

    client.post(
        URL, programme_data(actor=actor_a, locations=[areas["SS"]], sectors=[(food_aid, "100")], title="Derived")
    )
    client.post(
        URL,
        programme_data(
            actor=actor_a,
            locations=[areas["SS"]],
            sectors=[(food_aid, "100")],
            title="Explicit",
            pillars_explicit="on",
            pillar_d="on",
            pillar_p="on",
        ),
    )

    assert Programme.objects.get(title="Derived").pillar_label == "H"
    assert Programme.objects.get(title="Explicit").pillar_label == "DP"


def test_sector_percentages_must_add_up_per_vocabulary_and_the_form_keeps_what_was_typed(
    client, owner, actor_a, areas, water
):
    education = factories.sector("11220", name="Primary education")
    client.force_login(owner)
    data = programme_data(
        actor=actor_a, locations=[areas["SS0101"]], sectors=[(water, "60"), (education, "30")], title="Kept title"
    )

    response = client.post(URL, data)

    assert response.status_code == 200
    assert not Programme.objects.exists()
    html = response.content.decode()
    assert "percentages add up to 90, not 100" in html
    assert 'value="Kept title"' in html
    assert "14030 Basic drinking water supply" in html and "11220 Primary education" in html  # rows stay
    assert 'value="60"' in html
    assert "Juba (SS0101) — Central Equatoria, South Sudan" in html  # chosen location stays


def test_errors_appear_next_to_their_fields(client, owner, actor_a, areas):
    client.force_login(owner)
    data = programme_data(
        actor=actor_a,
        locations=[],
        title="",
        planned_start="2025-06-01",
        planned_end="2025-01-01",
        total_budget="100",
        currency="",
    )

    response = client.post(URL, data)

    form = response.context["form"]
    assert form.errors["title"] and form.errors["locations"]
    assert form.errors["planned_end"] == ["The planned end cannot be before the planned start."]
    assert form.errors["currency"] == ["Give the currency of the budget."]
    html = response.content.decode()
    assert 'id="id_planned_end_error"' in html
    assert 'aria-invalid="true"' in html
    assert "The programme was not saved." in html


def test_a_taken_iati_identifier_is_refused_at_the_field(client, owner, actor_a, areas):
    factories.programme(iati_identifier="NO-BRC-1")
    client.force_login(owner)

    response = client.post(URL, programme_data(actor=actor_a, locations=[areas["SS"]], iati_identifier="NO-BRC-1"))

    assert response.context["form"].errors["iati_identifier"] == ["Another programme already has this IATI identifier."]


def test_a_participant_listed_twice_in_the_same_role_is_refused(client, owner, actor_a, areas):
    client.force_login(owner)
    data = programme_data(
        actor=actor_a,
        locations=[areas["SS"]],
        participants=[(actor_a, OrganisationRole.FUNDING), (actor_a, OrganisationRole.FUNDING)],
    )

    response = client.post(URL, data)

    assert "is listed twice as Funding" in response.content.decode()
    assert not Programme.objects.exists()


def test_a_removed_row_is_not_saved(client, owner, actor_a, areas, water):
    education = factories.sector("11220")
    client.force_login(owner)
    data = programme_data(actor=actor_a, locations=[areas["SS"]], sectors=[(water, "100"), (education, "50")])
    data["sectors-1-DELETE"] = "on"

    client.post(URL, data)

    assert list(ProgrammeSector.objects.values_list("sector__code", flat=True)) == ["14030"]


def test_a_user_cannot_report_for_an_actor_they_do_not_edit(client, owner, actor_b, areas):
    client.force_login(owner)

    response = client.post(URL, programme_data(actor=actor_b, locations=[areas["SS"]]))

    assert response.status_code == 200
    assert "reporting_actor" in response.context["form"].errors
    assert not Programme.objects.exists()


def test_a_double_submit_creates_one_programme(client, owner, actor_a, areas):
    client.force_login(owner)
    submission = client.get(URL).context["form"].initial["submission_id"]
    data = programme_data(actor=actor_a, locations=[areas["SS"]], submission_id=submission)

    first = client.post(URL, data)
    second = client.post(URL, data)

    programme = Programme.objects.get()
    assert first.url == second.url == programme.get_absolute_url()


def test_the_form_suggests_pillars_from_the_chosen_sectors(client, owner, actor_a, areas):
    peace = factories.sector("15220", family="DAC3:152")
    cluster = factories.sector("PRO", vocabulary=SectorVocabulary.CLUSTER, family="PRO")
    client.force_login(owner)
    data = programme_data(actor=actor_a, locations=[], sectors=[(peace, "100"), (cluster, "100")], humanitarian="on")

    response = client.post(URL, data)  # invalid (no location): the suggestion is shown for what was typed

    assert response.context["form"].suggested_pillars() == ["H", "P"]
