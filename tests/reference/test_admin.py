"""Reference data in the admin: every staff user reads it, only superusers change it, paths stay consistent."""

import json

import pytest
from django.urls import reverse

from actors.models import User
from reference.choices import AreaLevel
from reference.models import Area
from tests import factories

pytestmark = pytest.mark.django_db

ADD_AREA = reverse("admin:reference_area_add")


def made_up_tree() -> dict[str, Area]:
    """Made-up p-codes, so the tests hold whether or not the official areas are loaded."""
    country = factories.area("QX", name="Qxland")
    region = factories.area("QX01", name="Qxland North", parent=country)
    return {"QX": country, "QX01": region, "QX0101": factories.area("QX0101", name="Qx town", parent=region)}


def logged_in(client, **flags):
    client.force_login(User.objects.create(username=factories.unique("staff"), is_staff=True, **flags))
    return client


def test_staff_read_areas_but_cannot_add_or_change_them(client):
    staff = logged_in(client)
    town = made_up_tree()["QX0101"]

    assert staff.get(reverse("admin:reference_area_changelist")).status_code == 200
    assert staff.get(ADD_AREA).status_code == 403
    response = staff.get(reverse("admin:reference_area_change", args=[town.pk]))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]


def test_a_superuser_adds_an_area_whose_level_path_and_country_follow_its_parent(client):
    region = made_up_tree()["QX01"]

    response = logged_in(client, is_superuser=True).post(
        ADD_AREA, {"pcode": "QX0199", "name": "New county", "parent": region.pk}
    )

    assert response.status_code == 302
    area = Area.objects.get(pcode="QX0199")
    assert (area.level, area.path, area.country_code) == (AreaLevel.ADMIN2, "/QX/QX01/QX0199/", "QX")


def test_a_superuser_adds_a_country(client):
    response = logged_in(client, is_superuser=True).post(ADD_AREA, {"pcode": "QY", "name": "Test country"})

    assert response.status_code == 302
    country = Area.objects.get(pcode="QY")
    assert (country.level, country.path, country.parent) == (AreaLevel.COUNTRY, "/QY/", None)


def test_there_is_no_level_below_admin_2(client):
    town = made_up_tree()["QX0101"]

    response = logged_in(client, is_superuser=True).post(
        ADD_AREA, {"pcode": "QX010101", "name": "x", "parent": town.pk}
    )

    assert response.status_code == 200
    assert "Areas go down to admin level 2" in response.text
    assert not Area.objects.filter(pcode="QX010101").exists()


def test_an_existing_area_cannot_be_moved_or_recoded(client):
    areas = made_up_tree()
    town = areas["QX0101"]
    other_region = factories.area("QX02", parent=areas["QX"])

    response = logged_in(client, is_superuser=True).post(
        reverse("admin:reference_area_change", args=[town.pk]),
        {"pcode": "XX", "name": "Renamed town", "parent": other_region.pk},
    )

    assert response.status_code == 302
    town.refresh_from_db()
    assert (town.name, town.pcode, town.parent, town.path) == (
        "Renamed town",
        "QX0101",
        areas["QX01"],
        "/QX/QX01/QX0101/",
    )


def test_the_countries_of_an_actor_are_picked_from_countries_only(client):
    made_up_tree()
    staff = logged_in(client, is_superuser=True)

    response = staff.get(
        reverse("admin:autocomplete"),
        {"app_label": "actors", "model_name": "actor", "field_name": "countries", "term": "Qx"},
    )

    assert [result["text"] for result in json.loads(response.content)["results"]] == ["Qxland (QX)"]
