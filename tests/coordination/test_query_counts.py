"""Coordination pages and API lists cost the same number of queries with few and with many related rows.

(The dashboard, the flag inbox, the goal list and detail and the invitations have theirs beside their
other tests; this file covers the rest.)"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from coordination.choices import FlagAction, Severity
from coordination.models import Flag, FlagEvent
from tests import factories
from tests.querycounts import assert_same_count, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(db):
    return factories.area_tree()


def flag_with(areas, actors, programmes, events: int, reviewer) -> Flag:
    flag = Flag.objects.create(
        rule="overlap", subject_key=factories.unique("pair"), severity=Severity.MEDIUM, message="Side by side",
        country=areas["SS"], area=areas["SS0101"],
        evidence={"programmes": [programme.pk for programme in programmes], "areas": ["SS0101", "SS0102"]},
    )  # fmt: skip
    flag.responsible_actors.set(actors)
    for index in range(events):
        FlagEvent.objects.create(flag=flag, action=FlagAction.NOTE, user=reviewer, note=f"Note {index}")
    return flag


def test_a_flag_page_costs_the_same_with_more_evidence_actors_and_history(client, reviewer, areas):
    client.force_login(reviewer)

    def page(size):
        actors = [factories.actor() for _ in range(size)]
        programmes = [factories.programme(reporting_actor=actors[0], locations=[areas["SS0101"]]) for _ in range(size)]
        flag = flag_with(areas, actors, programmes, size, reviewer)
        return queries_for(client, reverse("coordination:flag_detail", args=[flag.pk]))

    assert_same_count(page(2), page(20))


def test_the_dashboard_api_costs_the_same_with_more_programmes_once_cached(reviewer, areas):
    api = APIClient()
    api.force_authenticate(reviewer)

    def cached_call():
        api.get("/api/dashboard/", {"country": "SS"})  # computes and caches the figures
        return queries_for(api, "/api/dashboard/", {"country": "SS"})

    for _ in range(2):
        factories.programme(locations=[areas["SS0101"]])
    small = cached_call()
    for _ in range(20):
        factories.programme(locations=[areas["SS0102"]])

    assert_same_count(small, cached_call())
