"""Analyses in the admin keep their sensitivity: a named (TLP:RED) analysis is for the named people only."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from actors.models import User
from analyses.choices import AnalysisKind, Sensitivity
from analyses.models import Analysis
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:analyses_analysis_changelist")
ADD = reverse("admin:analyses_analysis_add")


@pytest.fixture
def superuser():
    return User.objects.create(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def change_url(analysis: Analysis) -> str:
    return reverse("admin:analyses_analysis_change", args=[analysis.pk])


def test_a_named_analysis_is_hidden_from_a_superuser_it_does_not_name(admin_client):
    named = factories.analysis(title="Red analysis", sensitivity=Sensitivity.NAMED, shared_with_users=[])
    strict = factories.analysis(title="Strict analysis", sensitivity=Sensitivity.STRICT)

    listed = admin_client.get(CHANGELIST).context["cl"].result_list

    assert list(listed) == [strict]
    response = admin_client.get(change_url(named), follow=True)
    assert "Red analysis" not in response.text
    assert "doesn’t exist" in response.text


def test_a_named_analysis_is_open_to_a_superuser_it_names(admin_client, superuser):
    named = factories.analysis(title="Red analysis", sensitivity=Sensitivity.NAMED, shared_with_users=[superuser])

    assert list(admin_client.get(CHANGELIST).context["cl"].result_list) == [named]
    assert admin_client.get(change_url(named)).status_code == 200


def form_data(**fields) -> dict:
    author, juba = factories.actor(), factories.area_tree()["SS0101"]
    data = {
        "title": "Juba conflict analysis",
        "kind": AnalysisKind.CONFLICT,
        "status": "draft",
        "sensitivity": Sensitivity.RESTRICTED,
        "scope_areas": [juba.pk],
        "author_actors": [author.pk],
        "conducted_on": "2024-01-31",
        "review_due": "",
    }
    return data | fields


def test_an_empty_review_date_gets_the_default_and_the_creator_is_recorded(admin_client, superuser):
    response = admin_client.post(ADD, form_data())

    assert response.status_code == 302, response.context["errors"]
    analysis = Analysis.objects.get()
    assert analysis.review_due == date(2024, 7, 31)
    assert analysis.created_by == superuser


def test_an_analysis_conducted_in_the_future_is_refused_with_its_message(admin_client):
    response = admin_client.post(ADD, form_data(conducted_on=(date.today() + timedelta(days=1)).isoformat()))

    assert response.status_code == 200
    assert "An analysis cannot be conducted in the future." in response.text
    assert not Analysis.objects.exists()


def test_a_review_before_the_analysis_is_refused_with_its_message(admin_client):
    response = admin_client.post(ADD, form_data(review_due="2024-01-30"))

    assert response.status_code == 200
    assert "The review cannot be due before the analysis was conducted." in response.text
    assert not Analysis.objects.exists()
