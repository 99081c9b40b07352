"""/history/<app>/<model>/<pk>/: who changed what and when, for those who may see the record; everyone
else gets the record's 404. A fixed number of queries however long the history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analyses.choices import Sensitivity
from nexus_portal.audit import audit_context
from tests import factories
from tests.access.matrix import NO, YES, view_matrix

pytestmark = pytest.mark.django_db


def history_url(obj) -> str:
    return reverse("audit:history", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def programme(actor_a, areas):
    return factories.programme(reporting_actor=actor_a, title="Water in Juba", locations=[areas["SS0101"]])


def changes_on(response) -> str:
    """The list of changes on a history page (not its title)."""
    page = response.content.decode()
    return page[page.index('<ol class="audit-groups">') :].replace("</td>", "<")


def page_of(client, user, obj):
    client.force_login(user)
    return client.get(history_url(obj))


def test_it_shows_who_changed_which_field_from_what_to_what(client, owner, programme):
    with audit_context(user=owner, interface="api"):
        programme.title = "Water and hygiene in Juba"
        programme.total_budget, programme.currency = Decimal("1500000"), "NOK"
        programme.save()

    response = page_of(client, owner, programme)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Water in Juba" in page and "Water and hygiene in Juba" in page
    assert "Total budget" in page and "1500000.00" in page  # verbose field names, readable values
    assert "owner" in page and "API" in page


def test_it_shows_labels_of_choices_and_child_rows_on_the_parent(client, owner, programme, actor_b):
    programme.status = 3  # completion
    programme.save()
    factories.commitment(goal := factories.goal(), actor_b)

    programme_page = page_of(client, owner, programme).content.decode()
    goal_page = page_of(client, owner, goal).content.decode()

    assert "Finalisation" in programme_page
    assert "Implementation" in programme_page
    assert "Goal commitment" in goal_page and "Actor B" in goal_page


def test_it_says_that_analysis_content_changed_without_showing_it(client, owner, actor_a):
    analysis = factories.analysis(authors=[actor_a], summary="The old confidential summary")
    analysis.summary = "The new confidential summary"
    analysis.save()

    page = page_of(client, owner, analysis).content.decode()

    assert "confidential summary" not in page
    assert "the content is not kept in the history" in page


def test_it_shows_newest_first_and_pages_through_older_changes(client, owner, programme):
    for number in range(35):
        programme.title = f"Title {number}"
        programme.save()

    first = changes_on(page_of(client, owner, programme))
    second = changes_on(client.get(history_url(programme), {"page": 2}))

    assert first.index("Title 34") < first.index("Title 32")  # newest first
    assert "Title 34" not in second and "Title 1<" in second


def test_it_is_404_for_a_kind_of_record_without_a_history_page(client, owner, programme):
    participant = programme.participations.get()

    assert page_of(client, owner, participant).status_code == 404  # shown on the programme's page
    assert client.get("/history/actors/nosuchmodel/1/").status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client, programme):
    response = client.get(history_url(programme))

    assert response.status_code == 302 and reverse("login") in response.url


AGREEMENT_HISTORY = view_matrix(
    ("owner", YES),
    ("owner_viewer", YES),
    ("colleague", NO),
    ("reviewer", YES),
    ("superuser", YES),
)


@pytest.mark.parametrize(("persona", "action", "expected"), AGREEMENT_HISTORY)
def test_an_agreements_history_is_for_its_parties_and_reviewers(client, personas, actor_a, persona, action, expected):
    agreement = factories.agreement(donor=actor_a, recipient=factories.actor(), reference="SECRET-REF")
    missing = reverse("audit:history", args=["funding", "fundingagreement", agreement.pk + 1000])

    response = page_of(client, personas[persona], agreement)

    assert response.status_code == (200 if expected else 404)
    if not expected:
        assert client.get(missing).status_code == 404
        assert "SECRET-REF" not in response.content.decode()


NAMED_ANALYSIS_HISTORY = view_matrix(
    ("owner", YES),  # named
    ("owner_manager", NO),  # an author's manager, not named
    ("owner_viewer", NO),
    ("colleague", NO),
    ("reviewer", NO),
    ("superuser", NO),  # no administrator bypass for named (RED) analyses
)


@pytest.mark.parametrize(("persona", "action", "expected"), NAMED_ANALYSIS_HISTORY)
def test_a_named_analysis_history_is_only_for_the_named_people(client, personas, actor_a, persona, action, expected):
    analysis = factories.analysis(
        authors=[actor_a], sensitivity=Sensitivity.NAMED, shared_with_users=[personas["owner"]], title="Red title"
    )

    response = page_of(client, personas[persona], analysis)

    assert response.status_code == (200 if expected else 404)
    assert "Red title" not in response.content.decode() or expected


def test_a_reference_to_a_record_the_reader_cannot_see_is_not_named(client, owner, colleague, actor_a, actor_b):
    parent = factories.agreement(donor=factories.actor("Big donor"), recipient=actor_a, reference="HIDDEN-PARENT")
    sub_grant = factories.agreement(donor=actor_a, recipient=actor_b, parent=parent, reference="SUB-1")

    page = page_of(client, colleague, sub_grant).content.decode()  # B is the sub-grant's recipient only

    assert "HIDDEN-PARENT" not in page
    assert "a record you cannot see" in page
    assert "HIDDEN-PARENT" in page_of(client, owner, sub_grant).content.decode()  # A is party to both


def build_history(programme, user, changes: int) -> None:
    areas = factories.area_tree()
    for number in range(changes):
        with audit_context(user=user, interface="ui"):
            programme.title = f"Title {number}"
            programme.planned_end = programme.planned_start + timedelta(days=400 + number)
            programme.save()
            programme.locations.add(areas["SS02"] if number % 2 else areas["KE"])
            programme.locations.remove(areas["KE"] if number % 2 else areas["SS02"])
        factories.commitment(factories.goal(), factories.actor())


def test_the_page_costs_the_same_queries_for_a_short_and_a_long_history(
    client, owner, colleague, programme, django_assert_num_queries
):
    client.force_login(owner)
    build_history(programme, colleague, 2)
    client.get(history_url(programme))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        assert client.get(history_url(programme)).status_code == 200

    build_history(programme, owner, 20)
    # session, user, actor ids, the programme, count, one page of entries with their users,
    # and one query per kind of private record referenced (none here)
    with django_assert_num_queries(len(few)):
        response = client.get(history_url(programme))

    assert len(response.context["page_obj"].object_list) == 30


def test_the_detail_pages_link_to_the_history(client, owner, actor_a, actor_b, programme):
    goal = factories.goal(convening_actor=actor_a)
    analysis = factories.analysis(authors=[actor_a])
    agreement = factories.agreement(donor=actor_a, recipient=actor_b)
    request = factories.funding_request(applicant=actor_a, submitted_to=actor_b)
    client.force_login(owner)

    for obj in (programme, goal, analysis, agreement, request):
        page = client.get(obj.get_absolute_url()).content.decode()
        assert history_url(obj) in page, type(obj).__name__


def test_anonymous_readers_of_a_public_analysis_get_no_history_link(client, actor_a):
    analysis = factories.analysis(authors=[actor_a], sensitivity=Sensitivity.PUBLIC)

    page = client.get(analysis.get_absolute_url()).content.decode()

    assert history_url(analysis) not in page
