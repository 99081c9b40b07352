"""The programme page: everything about it, limited to what the user may see."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analyses.choices import AnalysisKind, AnalysisStatus, Sensitivity
from coordination.models import Flag
from programmes.choices import LinkStatus, OrganisationRole
from programmes.models import ProgrammeParticipant
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def programme(actor_a, areas):
    programme = factories.programme(
        reporting_actor=actor_a,
        title="Water in Juba",
        description="Boreholes and hygiene.",
        locations=[areas["SS0101"]],
        sectors=[factories.sector("14030", name="Basic drinking water supply", family="WSH")],
        pillars="HD",
        start=date(2024, 1, 1),
        total_budget=1500000,
        currency="NOK",
        transition_plan="Handover to the county water office.",
    )
    ProgrammeParticipant.objects.create(programme=programme, actor=actor_a, role=OrganisationRole.FUNDING)
    return programme


def page(client, user, programme):
    client.force_login(user)
    return client.get(programme.get_absolute_url())


def test_anonymous_visitors_are_sent_to_sign_in(client, programme):
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_missing_programme_is_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("programmes:detail", args=[987654])).status_code == 404


def test_it_shows_participants_sectors_locations_dates_budget_and_pillars(client, owner, programme):
    html = page(client, owner, programme).content.decode()

    assert "<h1>Water in Juba</h1>" in html
    assert "Boreholes and hygiene." in html
    assert "Juba (SS0101) — Central Equatoria, South Sudan" in html
    assert "14030 Basic drinking water supply" in html and "100 %" in html
    assert "Actor A" in html and "Implementing" in html and "Funding" in html
    assert 'datetime="2024-01-01"' in html
    assert "1,500,000 NOK" in html
    assert "pillar-badge-H" in html and "pillar-badge-D" in html
    assert "Handover to the county water office." in html


@pytest.mark.parametrize(
    ("persona", "sees_edit"), [("owner", True), ("owner_viewer", False), ("colleague", False), ("reviewer", False)]
)
def test_only_users_who_may_change_it_see_the_edit_button(client, personas, programme, persona, sees_edit):
    response = page(client, personas[persona], programme)

    assert response.status_code == 200
    assert (reverse("programmes:update", args=[programme.pk]) in response.content.decode()) is sees_edit


def test_links_show_both_directions_with_their_status(client, owner, programme):
    later = factories.programme(title="Livelihoods after water")
    earlier = factories.programme(title="Emergency water trucking")
    factories.link(programme, later, link_type="sequenced", status=LinkStatus.PROPOSED)
    factories.link(earlier, programme, link_type="complementary", status=LinkStatus.CONFIRMED)

    html = page(client, owner, programme).content.decode()

    assert "Livelihoods after water" in html and "Proposed" in html
    assert "Emergency water trucking" in html and "Confirmed" in html
    assert later.get_absolute_url() in html and earlier.get_absolute_url() in html


def test_it_shows_the_shared_goals_it_contributes_to(client, owner, programme):
    factories.contribution(programme, factories.goal(title="Safe water for Juba by 2028"))

    assert "Safe water for Juba by 2028" in page(client, owner, programme).content.decode()


def test_it_shows_only_the_funding_agreements_the_user_may_see(client, owner, colleague, actor_a, programme):
    donor = factories.actor("Norad")
    visible = factories.agreement(donor=donor, recipient=actor_a, reference="AGR-VISIBLE")
    hidden = factories.agreement(donor=donor, recipient=factories.actor("Someone"), reference="AGR-HIDDEN")
    visible.funded_programmes.add(programme)
    hidden.funded_programmes.add(programme)

    html_owner = page(client, owner, programme).content.decode()
    html_colleague = page(client, colleague, programme).content.decode()

    assert "AGR-VISIBLE" in html_owner and "AGR-HIDDEN" not in html_owner
    assert "AGR-VISIBLE" not in html_colleague


def test_covering_analyses_show_metadata_to_all_and_content_only_to_readers(
    client, owner, colleague, actor_a, actor_b, programme, areas
):
    factories.analysis(
        title="Strict conflict analysis of Central Equatoria",
        authors=[actor_b],
        scope=[areas["SS01"]],
        kind=AnalysisKind.CONFLICT,
        sensitivity=Sensitivity.STRICT,
        conducted_on=date(2025, 3, 1),
    )
    factories.analysis(title="Kenya context", authors=[actor_a], scope=[areas["KE"]], kind=AnalysisKind.CONTEXT)
    factories.analysis(
        title="Draft needs", authors=[actor_b], scope=[areas["SS"]], kind="needs", status=AnalysisStatus.DRAFT
    )

    owner_html = page(client, owner, programme).content.decode()
    colleague_html = page(client, colleague, programme).content.decode()

    # A's editor learns that B holds a conflict analysis covering Juba, but not what it says.
    assert "Conflict analysis" in owner_html and "Actor B" in owner_html and 'datetime="2025-03-01"' in owner_html
    assert "Strict conflict analysis of Central Equatoria" not in owner_html
    assert "Content not shared with you" in owner_html
    assert "Strict conflict analysis of Central Equatoria" in colleague_html  # B's own analysis
    assert "Kenya context" not in owner_html  # does not cover Juba
    assert "Needs assessment" not in owner_html  # drafts are not listed


def test_it_shows_open_flags_about_the_programme_that_the_user_may_see(client, owner, colleague, actor_a, programme):
    flag = Flag.objects.create(
        rule="no-exit-strategy",
        subject_key=f"p{programme.pk}",
        severity="high",
        subject=programme,
        message="Humanitarian programme without an exit strategy.",
    )
    flag.responsible_actors.set([actor_a])

    assert "Humanitarian programme without an exit strategy." in page(client, owner, programme).content.decode()
    assert "Humanitarian programme without an exit strategy." not in page(client, colleague, programme).content.decode()


def test_the_page_costs_the_same_number_of_queries_with_more_related_rows(client, owner, actor_a, programme, areas):
    def related(count):
        for number in range(count):
            other = factories.programme(title=f"Other {number}")
            factories.link(programme, other)
            factories.contribution(programme, factories.goal())
            factories.analysis(authors=[actor_a, factories.actor()], scope=[areas["SS01"], areas["KE"]])
            agreement = factories.agreement(donor=factories.actor(), recipient=actor_a)
            agreement.funded_programmes.add(programme)

    client.force_login(owner)
    related(2)
    with CaptureQueriesContext(connection) as few:
        client.get(programme.get_absolute_url())
    related(10)
    with CaptureQueriesContext(connection) as many:
        client.get(programme.get_absolute_url())

    assert len(few) == len(many)
