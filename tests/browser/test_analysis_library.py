"""Journeys 3 and 4 in a real browser: sharing an analysis safely, and following money and requests."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from actors.choices import ActorKind, Localness, MembershipRole
from analyses.choices import AnalysisKind, Sensitivity
from funding.choices import Stream, TrancheKind
from funding.services import Decision, request_create, request_decide
from tests import factories
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = date.today()
# A minimal valid PDF, made here: header, one catalog object, a trailer, the end marker.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
    b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_an_analysis_is_shared_as_metadata_with_whom_to_ask(page):
    areas = factories.area_tree()
    nca = factories.actor("Norwegian Church Aid", acronym="NCA")
    save = factories.actor("Save the Children Norway")
    ingrid = factories.user("ingrid", first_name="Ingrid")
    factories.member(ingrid, nca, MembershipRole.EDITOR)
    factories.member(factories.user("ola", first_name="Ola"), save, MembershipRole.EDITOR)
    factories.analysis(
        authors=[save], scope=[areas["SS02"]], kind=AnalysisKind.CONTEXT, sensitivity=Sensitivity.PARTNERS,
        title="Eastern Equatoria context update", conducted_on=TODAY - timedelta(days=90),
    )  # fmt: skip
    factories.analysis(
        authors=[save], scope=[areas["SS"]], kind=AnalysisKind.RISK, sensitivity=Sensitivity.PUBLIC,
        title="South Sudan risk overview", conducted_on=TODAY - timedelta(days=420),
    )  # fmt: skip

    sign_in(page, "ingrid")
    page.get_by_role("link", name="Analyses", exact=True).click()
    page.get_by_role("link", name="Add an analysis").click()
    page.get_by_label("Title").fill("Kajo-Keji conflict analysis")
    page.get_by_label("Kind").select_option("conflict")
    page.get_by_label("Type to narrow the list of areas").fill("Central")
    page.locator("#id_scope_areas").select_option(label="— Central Equatoria (SS01)")
    page.get_by_label("Conducted on").fill((TODAY - timedelta(days=14)).isoformat())
    assert "months after it was conducted" in page.locator("#review-due-default").inner_text()
    page.get_by_label("Status").select_option("published")
    page.get_by_label("Summary").fill("Disputes over grazing land between returnees and host communities.")
    page.get_by_label("File").set_input_files(
        files=[{"name": "Kajo-Keji analysis.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}]
    )
    assert page.get_by_label("Restricted (TLP:AMBER)").is_checked(), "restricted is the default"
    screenshot(page, "analysis-form")
    page.get_by_role("button", name="Add the analysis").click()

    assert page.get_by_role("heading", name="Kajo-Keji conflict analysis").is_visible()
    assert page.get_by_role("link", name="Download the file (PDF)").is_visible()
    page.get_by_role("link", name="Analyses", exact=True).first.click()
    assert page.get_by_role("link", name="Kajo-Keji conflict analysis").is_visible()

    page.context.clear_cookies()
    sign_in(page, "ola")
    page.goto("/analyses/")
    hidden_row = page.locator("tr", has_text="Ask Norwegian Church Aid (NCA) for access")
    assert hidden_row.is_visible()
    assert "Conflict analysis" in hidden_row.inner_text()
    assert "Central Equatoria" in hidden_row.inner_text()
    assert "Kajo-Keji conflict analysis" not in page.content()
    assert page.get_by_role("link", name="Eastern Equatoria context update").is_visible()
    screenshot(page, "analysis-library")

    page.get_by_label("Kind").select_option("context")  # htmx swaps the results in place
    page.wait_for_url("**kind=context**")
    page.get_by_role("heading", name="1 analysis").wait_for()
    assert not page.get_by_text("Ask Norwegian Church Aid (NCA) for access").is_visible()


def test_a_donor_follows_its_money_to_a_local_partner(page):
    areas = factories.area_tree()
    mfa = factories.actor("Ministry of Foreign Affairs", acronym="MFA", kind=ActorKind.DONOR_MINISTRY)
    ngo = factories.actor("Norwegian Refugee Council", acronym="NRC")
    local = factories.actor("Kajo-Keji Women's Association", kind=ActorKind.LOCAL_NGO, localness=Localness.LOCAL)
    officer = factories.user("kari", first_name="Kari")
    factories.member(officer, mfa, MembershipRole.EDITOR)
    top = factories.agreement(
        donor=mfa, recipient=ngo, reference="SSD-24/0012", stream=Stream.HUMANITARIAN, amount=Decimal("12000000"),
        start=date(TODAY.year - 1, 1, 1), end=date(TODAY.year + 1, 12, 31), crisis_modifier=True,
        crisis_modifier_share=Decimal("15"), responsible_unit="Section for humanitarian affairs",
    )  # fmt: skip
    top.countries.set([areas["SS"]])
    top.funded_programmes.set([factories.programme(title="Emergency WASH in Central Equatoria", reporting_actor=ngo)])
    for year, kind in ((TODAY.year - 1, TrancheKind.DISBURSED), (TODAY.year, TrancheKind.DISBURSED),
                       (TODAY.year + 1, TrancheKind.PLANNED)):  # fmt: skip
        factories.tranche(top, year, Decimal("4000000"), kind=kind)
    factories.agreement(
        donor=ngo, recipient=local, parent=top, reference="NRC-SSD-SG-07", amount=Decimal("1800000"),
        start=date(TODAY.year, 1, 1), end=date(TODAY.year, 12, 31),
    )  # fmt: skip

    sign_in(page, "kari")
    page.get_by_role("link", name="Funding", exact=True).click()
    page.get_by_role("link", name="SSD-24/0012").click()

    assert page.get_by_role("heading", name="Agreement SSD-24/0012").is_visible()
    assert page.get_by_text("Tier 2: through one intermediary").is_visible()
    assert page.get_by_role("link", name="NRC-SSD-SG-07").is_visible()
    screenshot(page, "agreement-detail")


def test_a_unit_redirects_a_request_and_the_history_shows_every_step(page):
    mfa = factories.actor("Ministry of Foreign Affairs", acronym="MFA", kind=ActorKind.DONOR_MINISTRY)
    norad = factories.actor("Norad", kind=ActorKind.DEVELOPMENT_AGENCY)
    ngo = factories.actor("CARE Norway")
    applicant = factories.user("siri")
    factories.member(applicant, ngo, MembershipRole.EDITOR)
    mfa_officer = factories.user("kari", first_name="Kari")
    factories.member(mfa_officer, mfa, MembershipRole.EDITOR)
    factories.member(factories.user("per", first_name="Per"), norad, MembershipRole.EDITOR)
    funding_request = request_create(
        user=applicant, title="Resilient livelihoods in Torit", applicant=ngo, submitted_to=mfa,
        submitted_on=TODAY - timedelta(days=40), amount=Decimal("3500000"),
    )  # fmt: skip
    request_decide(
        request=funding_request, user=mfa_officer, decision=Decision.REDIRECT, redirected_to=norad,
        reason="Long-term livelihoods are development work: Norad's civil society section.",
        on=TODAY - timedelta(days=20),
    )  # fmt: skip

    sign_in(page, "per")
    page.goto(funding_request.get_absolute_url())
    page.get_by_role("link", name="Decide").click()
    page.get_by_label("Decline").check()
    page.get_by_label("Outside our mandate").check()
    page.get_by_label("Reason").fill("The proposal answers an acute crisis: humanitarian funding fits better.")
    page.get_by_role("button", name="Record the decision").click()

    assert page.get_by_text("The request is declined.").is_visible()
    assert page.get_by_text("Redirected by Ministry of Foreign Affairs (MFA) to Norad").is_visible()
    assert page.get_by_text("Declined by Norad as outside its mandate").is_visible()
    screenshot(page, "request-detail")
