"""The organisation picker and the pillar suggestion of the programme form."""

import pytest
from django.urls import reverse

from reference.choices import SectorVocabulary
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_organisation_picker_needs_a_sign_in(client):
    response = client.get(reverse("programmes:actor_picker"), {"q": "water"})
    assert response.status_code == 302


def test_organisations_are_found_by_name_acronym_or_iati_identifier(client, owner):
    factories.actor("Norwegian Refugee Council", acronym="NRC", iati_identifier="NO-BRC-977538319")
    factories.actor("South Sudan Water Initiative")
    client.force_login(owner)

    def labels(query):
        html = client.get(reverse("programmes:actor_picker"), {"q": query}).content.decode()
        return [chunk.split('"', 1)[0] for chunk in html.split('data-label="')[1:]]

    assert labels("refugee") == ["Norwegian Refugee Council (NRC)"]
    assert labels("nrc") == ["Norwegian Refugee Council (NRC)"]
    assert labels("NO-BRC") == ["Norwegian Refugee Council (NRC)"]
    assert labels("water") == ["South Sudan Water Initiative"]


def test_the_pillar_suggestion_follows_the_sectors_and_the_humanitarian_flag(client, owner):
    food_aid = factories.sector("72040", family="FSC")
    peace = factories.sector("15220", family="DAC3:152")
    cluster = factories.sector("FSC", vocabulary=SectorVocabulary.CLUSTER, family="FSC")
    client.force_login(owner)
    url = reverse("programmes:pillar_suggestion")

    def suggested(params):
        html = client.get(url, params).content.decode()
        return "".join(code for code in "HDP" if f"pillar-badge-{code}" in html)

    assert suggested({}) == "D"
    assert suggested({"humanitarian": "on"}) == "H"
    assert suggested({"sectors-0-sector": food_aid.pk, "sectors-1-sector": peace.pk}) == "HP"
    assert suggested({"sectors-0-sector": cluster.pk}) == "D"  # clusters do not derive pillars
    assert suggested({"sectors-0-sector": food_aid.pk, "sectors-0-DELETE": "on"}) == "D"  # a removed row
