"""Aliases entered in the admin get the normalised name the finder and the importers match on."""

import pytest
from django.urls import reverse

from actors.dedup import likely_duplicates
from actors.models import ActorAlias, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create(username="root", is_staff=True, is_superuser=True))
    return client


def test_an_alias_added_in_the_admin_is_normalised_and_used_by_the_finder(admin_client):
    kept = factories.actor("Norwegian People's Aid")
    imported = factories.actor("Norsk Folkehjelp")
    assert likely_duplicates(imported) == []

    response = admin_client.post(
        reverse("admin:actors_actoralias_add"), {"actor": kept.pk, "name": "NORSK  Folkehjelp!", "source": "manual"}
    )

    assert response.status_code == 302
    assert ActorAlias.objects.get().normalised == "norsk folkehjelp"
    assert [found for found, _ in likely_duplicates(imported)] == [kept]


def test_the_admin_refuses_an_alias_the_actor_already_has(admin_client):
    kept = factories.actor("CARE Norway")
    ActorAlias.objects.create(actor=kept, name="CARE Norge", normalised="care norge")

    response = admin_client.post(
        reverse("admin:actors_actoralias_add"), {"actor": kept.pk, "name": "Care norge", "source": "manual"}
    )

    assert response.status_code == 200
    assert "This actor already has this alias." in response.content.decode()
    assert ActorAlias.objects.count() == 1
