"""Users and actors in the admin: reviewers and memberships are managed here, and loops are refused."""

import pytest
from django.urls import reverse

from actors.choices import MembershipRole
from actors.models import User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create(username="root", is_staff=True, is_superuser=True))  # no password: fast
    return client


def memberships(*rows: dict) -> dict:
    data = {"memberships-TOTAL_FORMS": len(rows), "memberships-INITIAL_FORMS": 0}
    for index, row in enumerate(rows):
        data |= {f"memberships-{index}-{name}": value for name, value in row.items()}
    return data


def test_a_superuser_adds_a_reviewer_with_a_membership(admin_client):
    norad = factories.actor(name="Norad")
    data = {
        "username": "kari",
        "email": "kari@example.org",
        "usable_password": "false",
        "is_reviewer": "on",
    } | memberships({"actor": norad.pk, "role": MembershipRole.MANAGER})

    response = admin_client.post(reverse("admin:actors_user_add"), data)

    assert response.status_code == 302, response.context["errors"]
    kari = User.objects.get(username="kari")
    assert kari.is_reviewer
    assert not kari.has_usable_password()
    assert list(kari.memberships.values_list("actor__name", "role")) == [("Norad", MembershipRole.MANAGER)]


def test_the_user_page_shows_the_reviewer_flag_and_memberships(admin_client):
    user = User.objects.create(username="kari")
    factories.member(user, factories.actor(name="Norad"))

    response = admin_client.get(reverse("admin:actors_user_change", args=[user.pk]))

    assert "is_reviewer" in response.context["adminform"].form.fields
    assert "Norad" in response.text


def test_the_reviewer_filter_lists_reviewers(admin_client):
    reviewer = User.objects.create(username="reviewer", is_reviewer=True)
    User.objects.create(username="other")

    response = admin_client.get(reverse("admin:actors_user_changelist"), {"is_reviewer__exact": "1"})

    assert list(response.context["cl"].result_list) == [reviewer]


def test_a_parent_loop_is_refused_with_its_message(admin_client):
    headquarters = factories.actor(name="HQ")
    office = factories.actor(name="Office", parent=headquarters)
    data = {"name": "HQ", "kind": headquarters.kind, "localness": headquarters.localness, "parent": office.pk}
    data |= {"memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0}

    response = admin_client.post(reverse("admin:actors_actor_change", args=[headquarters.pk]), data)

    assert response.status_code == 200
    assert "The parent chain would loop back to this actor." in response.text
    headquarters.refresh_from_db()
    assert headquarters.parent is None


def test_a_duplicate_iati_identifier_is_refused_with_its_message(admin_client):
    factories.actor(iati_identifier="NO-BRC-971277882")
    data = {"name": "Copy", "kind": "national_ngo", "localness": "national", "iati_identifier": "NO-BRC-971277882"}
    data |= {"memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0}

    response = admin_client.post(reverse("admin:actors_actor_add"), data)

    assert response.status_code == 200
    assert "Another actor already has this IATI organisation identifier." in response.text
