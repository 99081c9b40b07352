"""Journeys 5 and 6: a Norad reviewer reads the dashboard for South Sudan and triages a flag from it."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from actors.choices import Localness
from coordination.dirty import deferred_rechecks
from coordination.engine.runner import execute_run, start_run
from coordination.models import Flag, FlagRun
from funding.choices import Stream
from reference.choices import SectorVocabulary
from tests import factories
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def south_sudan_and_kenya():
    """Humanitarian and development water programmes side by side in Juba with no link, funding that mostly
    stays with international agencies, and one programme in Kenya; the rule engine then finds the gaps."""
    with deferred_rechecks():
        areas = factories.area_tree()
        wash = factories.sector(
            "WSH", vocabulary=SectorVocabulary.CLUSTER, family="WSH", name="Water Sanitation Hygiene"
        )
        health = factories.sector("HEA", vocabulary=SectorVocabulary.CLUSTER, family="HEA", name="Health")
        started = date.today() - timedelta(days=500)
        wfp = factories.actor("World Food Programme", acronym="WFP")
        undp = factories.actor("UN Development Programme", acronym="UNDP")
        local = factories.actor("Juba Women's Association", acronym="JWA", localness=Localness.LOCAL)
        mfa = factories.actor("Norwegian Ministry of Foreign Affairs", acronym="MFA")
        factories.programme(
            title="Juba: emergency water trucking", pillars="H", locations=[areas["SS0101"]], sectors=[wash],
            start=started, reporting_actor=wfp,
        )  # fmt: skip
        factories.programme(
            title="Juba: urban water utility reform", pillars="D", locations=[areas["SS0101"]], sectors=[wash],
            start=started, reporting_actor=undp, transition_plan="",
        )  # fmt: skip
        clinics = factories.programme(
            title="Kajo-Keji: mobile clinics", pillars="HD", locations=[areas["SS0102"]], sectors=[health],
            start=started, reporting_actor=local,
        )  # fmt: skip
        factories.contribution(clinics, factories.goal(areas=[areas["SS01"]], convening_actor=local))
        factories.analysis(scope=[areas["SS"]], authors=[local], conducted_on=date.today() - timedelta(days=100))
        for donor, recipient, stream, amount in (
            (mfa, wfp, Stream.HUMANITARIAN, 30_000_000),
            (mfa, local, Stream.HUMANITARIAN, 2_000_000),
            (mfa, undp, Stream.DEVELOPMENT, 8_000_000),
        ):
            agreement = factories.agreement(
                donor=donor, recipient=recipient, stream=stream, amount=Decimal(amount),
                start=date(date.today().year - 2, 1, 1), end=date(date.today().year, 12, 31),
            )  # fmt: skip
            agreement.countries.set([areas["SS"]])
        factories.programme(title="Turkana: borehole rehabilitation", locations=[areas["KE"]], sectors=[wash])
    execute_run(start_run(trigger=FlagRun.Trigger.MANUAL, full=True))
    # Some gaps are old: the trend chart shows how long they have waited.
    for flag, days in zip(Flag.objects.filter(country__pcode="SS").order_by("pk"), (300, 200, 120), strict=False):
        Flag.objects.filter(pk=flag.pk).update(first_seen=flag.first_seen - timedelta(days=days))
        flag.events.update(created_at=flag.first_seen - timedelta(days=days))
    return areas


def test_a_reviewer_finds_a_gap_on_the_dashboard_and_dismisses_it_with_a_reason(page, south_sudan_and_kenya):
    factories.user("norad", first_name="Nora", reviewer=True)
    open_in_south_sudan = Flag.objects.filter(country__pcode="SS").open().count()
    assert open_in_south_sudan >= 2

    sign_in(page, "norad")
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_role("combobox", name="Country").select_option(label="South Sudan")
    page.get_by_role("button", name="Show the figures").click()
    page.get_by_role("heading", name="Coordination dashboard: South Sudan").wait_for()
    page.wait_for_function("document.querySelectorAll('canvas[data-drawn]').length === 7")
    assert page.get_by_text("as computed after flag run #").is_visible()
    screenshot(page, "dashboard")

    open_flags = page.locator("article", has=page.get_by_role("heading", name="Open flags"))
    open_flags.locator(".scorecard-value a").click()
    page.get_by_role("heading", name="Flags", exact=True).wait_for()
    assert page.get_by_text(f"{open_in_south_sudan} flags").is_visible()
    screenshot(page, "flag-inbox")

    page.get_by_role("link", name=re.compile("work side by side in Juba")).click()
    page.get_by_role("heading", name="Evidence").wait_for()
    page.get_by_text("Dismiss this flag…").click()
    page.get_by_role("button", name="Dismiss the flag").click()
    assert page.get_by_text("Give a reason: a flag cannot be dismissed without one.").is_visible()

    page.get_by_label("Reason for dismissing").fill("The two programmes agreed a joint water plan in October.")
    page.get_by_role("button", name="Dismiss the flag").click()
    assert page.get_by_text("Dismissed. It reopens by itself if the evidence behind it changes.").is_visible()
    history = page.locator("ol.history")
    assert history.get_by_text("Dismissed").is_visible()
    assert history.get_by_text("by Nora").is_visible()
    assert history.get_by_text("The two programmes agreed a joint water plan in October.").is_visible()
    screenshot(page, "flag-detail")
    assert Flag.objects.filter(country__pcode="SS").open().count() == open_in_south_sudan - 1
