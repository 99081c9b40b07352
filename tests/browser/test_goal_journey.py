"""Journey 2: an NGO registers a shared goal, commits, links a programme, reports progress; a partner
organisation accepts its invitation."""

from datetime import date, timedelta

import pytest

from actors.choices import ActorKind, Localness
from coordination.choices import CommitmentStatus
from coordination.models import GoalCommitment, SharedGoal
from tests import factories
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    areas = factories.area_tree()
    ngo = factories.actor("Hope for Water", acronym="HfW", kind=ActorKind.NATIONAL_NGO, localness=Localness.NATIONAL)
    ngo.countries.set([areas["SS"]])
    partner = factories.actor("Juba Development Agency", kind=ActorKind.DEVELOPMENT_AGENCY)
    amina = factories.user("amina", first_name="Amina")
    joseph = factories.user("joseph", first_name="Joseph")
    factories.member(amina, ngo)
    factories.member(joseph, partner)
    factories.programme(reporting_actor=ngo, title="Boreholes for Juba", locations=[areas["SS0101"]], pillars="H")
    return {"ngo": ngo, "partner": partner}


def test_an_ngo_registers_a_goal_and_a_partner_accepts_its_invitation(page, people):
    today = date.today()
    page.emulate_media(reduced_motion="reduce")  # the chart draws at once, so the screenshot shows its final state
    sign_in(page, "amina")
    page.get_by_role("link", name="Shared goals").click()
    assert page.get_by_text("No shared goals yet — propose one").is_visible()

    # Create the goal.
    page.get_by_role("link", name="Propose a shared goal").first.click()
    page.get_by_label("Title").fill("Safe water within 500 m for Juba households")
    page.get_by_label("Description").fill("Humanitarian water trucking hands over to piped schemes by 2029.")
    page.get_by_label("Convening actor").select_option(label="Hope for Water (HfW)")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Find an area").fill("juba")
    page.get_by_label("Juba (SS0101)").check()
    # Areas outside the organisation's countries come from the reference search.
    page.get_by_label("Find an area").fill("Kenya")
    page.get_by_role("button", name="Kenya (KE)").click()
    assert page.get_by_label("Kenya (KE)").is_checked()
    page.get_by_label("Kenya (KE)").uncheck()
    page.get_by_label("Humanitarian").check()
    page.get_by_label("Development").check()
    page.get_by_label("Indicator").fill("Households with safe water within 500 m")
    page.get_by_label("Unit").fill("households")
    page.get_by_label("Baseline value").fill("1200")
    page.get_by_label("Baseline date").fill((today - timedelta(days=400)).isoformat())
    page.get_by_label("Target value").fill("5000")
    page.get_by_label("Target date").fill((today + timedelta(days=1000)).isoformat())
    page.get_by_label("Horizon start").fill((today - timedelta(days=400)).isoformat())
    page.get_by_label("Horizon end").fill((today + timedelta(days=1100)).isoformat())
    page.get_by_label("Find an area").fill("")
    screenshot(page, "goal-form")
    page.get_by_role("button", name="Create the goal").click()
    page.wait_for_url("**/coordination/goals/*/")
    assert page.get_by_role("heading", name="Safe water within 500 m for Juba households").is_visible()

    # Commit our own organisation.
    page.get_by_role("link", name="Join this goal").click()
    page.get_by_label("Role").select_option("lead")
    page.get_by_label("What your organisation commits to").fill("Convene the water partners monthly")
    page.get_by_role("button", name="Commit").click()
    page.wait_for_url("**/coordination/goals/*/#commitments")
    assert page.get_by_role("cell", name="Convene the water partners monthly").is_visible()

    # Invite the partner.
    page.get_by_role("link", name="Invite an actor").click()
    page.get_by_label("Actor to invite").select_option(label="Juba Development Agency")
    page.get_by_label("What you ask them to commit to").fill("Extend the piped network")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url("**/coordination/goals/*/#commitments")
    assert page.get_by_text("Juba Development Agency is invited").is_visible()

    # Our programme contributes.
    page.get_by_role("link", name="Link one of your programmes").click()
    page.get_by_label("Your programme").select_option(label="Boreholes for Juba (Hope for Water (HfW))")
    page.get_by_label("How it contributes").fill("Forty boreholes within 500 m of households")
    page.get_by_role("button", name="Link the programme").click()
    page.wait_for_url("**/coordination/goals/*/#contributions")
    assert page.get_by_role("cell", name="Forty boreholes within 500 m of households").is_visible()

    # Two progress reports draw the line on the chart.
    for days_ago, value in ((200, "1900"), (20, "2650")):
        page.get_by_role("link", name="Report progress").click()
        page.get_by_label("Date").fill((today - timedelta(days=days_ago)).isoformat())
        page.get_by_label("Value").fill(value)
        page.get_by_label("Source").fill("WASH cluster survey")
        page.get_by_role("button", name="Record progress").click()
        page.wait_for_url("**/coordination/goals/*/#progress")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('goal-chart'))")
    drawn = page.evaluate("() => Chart.getChart(document.getElementById('goal-chart')).data.datasets.length")
    assert drawn == 3  # reported values, baseline, target
    page.get_by_role("heading", name="Progress to target").scroll_into_view_if_needed()
    screenshot(page, "goal-detail")

    page.get_by_role("link", name="Shared goals").first.click()
    assert page.get_by_role("link", name="Safe water within 500 m for Juba households").is_visible()
    screenshot(page, "goal-list")

    # The partner's editor accepts the invitation.
    page.context.clear_cookies()
    sign_in(page, "joseph")
    page.goto("/coordination/goals/invitations/")
    page.get_by_role("link", name="Answer").click()
    page.get_by_label("Your commitment, or why you decline").fill("We extend the piped network to Munuki")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_url("**/coordination/goals/*/#commitments")
    assert page.get_by_text("Juba Development Agency has committed to the goal.").is_visible()
    assert page.get_by_text("We extend the piped network to Munuki").is_visible()

    goal = SharedGoal.objects.get()
    statuses = dict(GoalCommitment.objects.filter(goal=goal).values_list("actor__name", "status"))
    assert statuses == {
        "Hope for Water": CommitmentStatus.ACCEPTED,
        "Juba Development Agency": CommitmentStatus.ACCEPTED,
    }
    assert goal.contributions.count() == 1
    assert goal.progress_reports.count() == 2


def test_an_ngo_proposes_a_programme_link_and_the_other_side_confirms(page, people):
    from programmes.choices import LinkStatus
    from programmes.models import Programme, ProgrammeLink

    ours = Programme.objects.get(title="Boreholes for Juba")
    factories.programme(reporting_actor=people["partner"], title="Piped water network Juba", pillars="D")
    sign_in(page, "amina")
    page.goto(f"/links/propose/?from={ours.pk}")
    page.get_by_label("Find the other programme").fill("piped")
    other = page.get_by_label("Programme to link to")
    other.locator("option", has_text="Piped water network Juba").wait_for(state="attached")  # htmx filled it
    other.select_option(label="Piped water network Juba — Juba Development Agency")
    page.get_by_label("Type of link").select_option("sequenced")
    page.get_by_label("Note").fill("Boreholes hand over to the piped network in 2028")
    screenshot(page, "link-propose")
    page.get_by_role("button", name="Propose the link").click()
    page.wait_for_url("**/links/?show=sent")
    assert page.get_by_text("Proposed", exact=True).is_visible()

    page.context.clear_cookies()
    sign_in(page, "joseph")
    page.goto("/links/")
    assert page.get_by_role("cell", name="Boreholes hand over to the piped network in 2028").is_visible()
    screenshot(page, "link-proposals")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/links/")
    assert page.get_by_text("Link confirmed").is_visible()
    assert ProgrammeLink.objects.get().status == LinkStatus.CONFIRMED
