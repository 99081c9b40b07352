"""The programme admin: a bad form answers with its messages (never a 500) and saves nothing."""

from datetime import date

import pytest
from django.urls import reverse

from actors.models import User
from programmes.models import Programme
from tests import factories

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:programmes_programme_add")
INLINES = ("participations", "sector_shares", "location_links")


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create(username="root", is_staff=True, is_superuser=True))  # no password: fast
    return client


def form_data(reporting_actor, **fields) -> dict:
    data = {"title": "Water for Juba", "reporting_actor": reporting_actor.pk, "status": 2, "currency": ""}
    for prefix in INLINES:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data | fields


def rows(prefix: str, *forms: dict) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": len(forms), f"{prefix}-INITIAL_FORMS": 0}
    for index, form in enumerate(forms):
        data |= {f"{prefix}-{index}-{name}": value for name, value in form.items()}
    return data


def test_posting_an_invalid_programme_shows_the_messages_and_creates_nothing(admin_client):
    data = form_data(
        factories.actor(), planned_start="2024-06-01", planned_end="2024-01-01", total_budget="1000", currency=""
    )

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "The planned end cannot be before the planned start." in response.text
    assert "Give the currency of the budget." in response.text
    assert Programme.objects.count() == 0


def test_posting_a_programme_with_a_bad_inline_creates_nothing(admin_client):
    juba = factories.area_tree()["SS0101"]
    data = form_data(factories.actor()) | rows("location_links", {"area": juba.pk}, {"area": juba.pk})

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "Please correct the duplicate data for area" in response.text
    assert Programme.objects.count() == 0


def test_sector_shares_must_add_up_to_100_per_vocabulary(admin_client):
    education, health = factories.sector("11220"), factories.sector("12220")
    shares = rows(
        "sector_shares", {"sector": education.pk, "percentage": "40"}, {"sector": health.pk, "percentage": "20"}
    )

    response = admin_client.post(ADD_URL, form_data(factories.actor()) | shares)

    assert response.status_code == 200
    assert "percentages add up to 60, not 100." in response.text
    assert Programme.objects.count() == 0


def test_a_valid_programme_is_saved_with_its_rows_and_derived_pillars(admin_client):
    areas = factories.area_tree()
    food, actor = factories.sector("72040"), factories.actor()
    data = (
        form_data(actor, planned_start="2024-01-01", planned_end="2025-12-31", pillars_explicit="")
        | rows("sector_shares", {"sector": food.pk, "percentage": "100"})
        | rows("location_links", {"area": areas["SS0101"].pk})
        | rows("participations", {"actor": actor.pk, "role": 4})
    )

    response = admin_client.post(ADD_URL, data)

    assert response.status_code == 302, response.context["errors"]
    programme = Programme.objects.get()
    assert list(programme.locations.all()) == [areas["SS0101"]]
    assert programme.participations.get().actor == actor
    assert programme.pillar_label == "H"  # DAC 720xx is humanitarian
    assert (programme.start_date, programme.end_date) == (date(2024, 1, 1), date(2025, 12, 31))


def test_explicit_pillars_are_kept_whatever_the_sectors(admin_client):
    data = form_data(factories.actor(), pillars_explicit="on", pillar_p="on") | rows(
        "sector_shares", {"sector": factories.sector("72040").pk, "percentage": "100"}
    )

    assert admin_client.post(ADD_URL, data).status_code == 302
    assert Programme.objects.get().pillar_label == "P"


def test_the_effective_dates_are_shown_but_not_editable(admin_client):
    programme = factories.programme(start=date(2024, 1, 1), actual_start=date(2024, 2, 1))

    response = admin_client.get(reverse("admin:programmes_programme_change", args=[programme.pk]))

    assert "start_date" not in response.context["adminform"].form.fields
    assert "Feb. 1, 2024" in response.text


def test_the_country_filter_finds_programmes_by_the_country_of_any_location(admin_client):
    areas = factories.area_tree()
    in_juba = factories.programme(locations=[areas["SS0101"]])
    factories.programme(locations=[areas["KE"]])

    response = admin_client.get(reverse("admin:programmes_programme_changelist"), {"country": "SS"})

    assert list(response.context["cl"].result_list) == [in_juba]
