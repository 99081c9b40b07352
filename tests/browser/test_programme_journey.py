"""Journey 1: an embassy editor logs a programme with the area, sector and organisation pickers."""

from datetime import date

import pytest

from actors.choices import ActorKind, Localness
from coordination.models import Flag
from programmes.choices import ActivityStatus, OrganisationRole
from programmes.models import Programme, ProgrammeParticipant
from reference.choices import SectorVocabulary
from tests import factories
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def embassy():
    areas = factories.area_tree()
    factories.sector("14030", name="Basic drinking water supply", family="WSH")
    factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER, name="Water Sanitation Hygiene", family="WSH")
    embassy = factories.actor("Royal Norwegian Embassy in Juba", kind=ActorKind.EMBASSY)
    factories.member(factories.user("ingrid", first_name="Ingrid"), embassy)
    factories.actor("South Sudan Water Initiative", acronym="SSWI", localness=Localness.NATIONAL)
    nrc = factories.actor("Norwegian Refugee Council", acronym="NRC")
    food = factories.sector("72040", name="Emergency food assistance", family="FSC")
    existing = [
        factories.programme(
            title="Emergency food assistance in Juba",
            reporting_actor=nrc,
            pillars="H",
            locations=[areas["SS0101"]],
            sectors=[food],
            start=date(2023, 5, 1),
        ),
        factories.programme(
            title="Livelihoods and markets in Kajo-Keji",
            reporting_actor=embassy,
            pillars="D",
            locations=[areas["SS0102"]],
            start=date(2022, 9, 1),
            end=date(2026, 8, 31),
        ),
        factories.programme(
            title="Community peacebuilding in Eastern Equatoria",
            reporting_actor=embassy,
            pillars="DP",
            locations=[areas["SS02"]],
            status=ActivityStatus.PIPELINE,
            start=date(2026, 1, 1),
        ),
    ]
    ProgrammeParticipant.objects.create(programme=existing[0], actor=embassy, role=OrganisationRole.FUNDING)
    flag = Flag.objects.create(
        rule="stale-record",
        subject_key="browser",
        severity="low",
        subject=existing[1],
        message="Not updated in 6 months.",
    )
    flag.responsible_actors.set([embassy])
    return embassy


def test_an_embassy_editor_logs_a_programme_with_the_pickers(page, embassy):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, "ingrid")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Programmes").click()
    page.get_by_role("heading", name="Programmes", exact=True).wait_for()
    assert page.get_by_role("link", name="Emergency food assistance in Juba").is_visible()
    screenshot(page, "programme-list")

    page.get_by_role("link", name="Log a programme").first.click()
    page.get_by_label("Title").fill("Clean water for Juba")
    page.get_by_label("Description").fill("Boreholes, water committees and hygiene promotion in Juba County.")
    page.get_by_label("Activity status").select_option(label="Implementation")

    page.get_by_label("Find an area").press_sequentially("Juba", delay=30)
    page.get_by_role("button", name="Juba (SS0101) — Central Equatoria, South Sudan").click()
    assert page.get_by_role("checkbox", name="Juba (SS0101) — Central Equatoria, South Sudan").is_checked()

    page.get_by_label("Find a sector").press_sequentially("drinking", delay=30)
    page.get_by_role("button", name="14030 Basic drinking water supply").click()
    assert page.get_by_label("Percentage for 14030 Basic drinking water supply").input_value() == "100"

    page.get_by_label("Find an organisation").press_sequentially("Water Init", delay=30)
    page.get_by_role("button", name="South Sudan Water Initiative (SSWI)").click()
    page.get_by_label("Role of South Sudan Water Initiative (SSWI)").select_option(label="Implementing")
    page.get_by_label("Planned start").fill("2025-03-01")
    page.get_by_label("Total budget").fill("12000000")
    page.get_by_label("Currency").fill("NOK")
    page.get_by_label("Humanitarian work (IATI humanitarian flag)").check()
    page.locator("#pillar-suggestion .pillar-badge-H").wait_for()
    screenshot(page, "programme-form")

    page.get_by_role("button", name="Save programme").click()
    page.get_by_role("heading", name="Clean water for Juba").wait_for()

    programme = Programme.objects.get(title="Clean water for Juba")
    assert page.url.endswith(programme.get_absolute_url())
    assert list(programme.locations.values_list("pcode", flat=True)) == ["SS0101"]
    assert programme.pillar_label == "H"
    assert page.get_by_text("Juba (SS0101) — Central Equatoria, South Sudan").is_visible()
    assert page.get_by_text("South Sudan Water Initiative (SSWI)").is_visible()
    screenshot(page, "programme-detail")
    assert errors == []


def test_the_list_filters_with_the_area_picker_and_pillar_boxes_without_reloading(page, embassy):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, "ingrid")
    page.goto("/programmes/")

    page.get_by_label("Area").press_sequentially("Central", delay=30)
    page.get_by_role("button", name="Central Equatoria (SS01) — South Sudan").click()
    assert page.get_by_label("Area").input_value() == "SS01"
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("heading", name="2 programmes").wait_for()
    assert "area=SS01" in page.url and "q=" not in page.url  # empty fields stay out of the address

    page.get_by_label("Development").check()  # a tick box applies at once
    page.get_by_role("heading", name="1 programme", exact=True).wait_for()
    assert page.get_by_role("link", name="Livelihoods and markets in Kajo-Keji").is_visible()

    page.get_by_role("link", name="Start").click()
    page.wait_for_url("**sort=start**")
    assert page.get_by_role("link", name="Start (sorted ascending)").is_visible()

    page.get_by_label("Development").uncheck()  # the sort chosen in the table survives a filter change
    page.get_by_role("heading", name="2 programmes").wait_for()
    assert "sort=start" in page.url and "pillar" not in page.url
    assert page.get_by_role("status").filter(has_text="2 programmes").count() == 1  # announced
    assert errors == []
