"""An HXL export re-imports cleanly: export → import into an empty portal → export gives the same sheet."""

import io

import pytest

from actors.models import Actor
from programmes.choices import ActivityStatus, OrganisationRole
from programmes.interop.hxl_apply import import_sheet
from programmes.interop.hxl_export import programme_rows, write_xlsx
from programmes.interop.hxl_read import read_sheet
from programmes.models import Programme, ProgrammeParticipant, ProgrammeSector
from tests import factories
from tests.programmes.interop.hxl_sheets import csv_bytes, reference


@pytest.fixture
def portal(db):
    ref = reference()
    implementer = factories.actor("Nile Relief", iati_identifier="SS-NGO-1")
    partner = factories.actor("Juba Women's Union", kind="local_ngo", localness="local")
    funder = factories.actor("Norad", iati_identifier="XM-DAC-7-2")
    water = factories.programme(
        reporting_actor=implementer, title="Water for Equatoria", iati_identifier="SS-NGO-1-001",
        locations=[ref["SS0101"], ref["SS02"]], total_budget=1500000,
        currency="USD", status=ActivityStatus.IMPLEMENTATION, implementers=[implementer, partner],
    )  # fmt: skip
    ProgrammeParticipant.objects.create(programme=water, actor=funder, role=OrganisationRole.FUNDING)
    for sector in (ref["WSH"], ref["14030"]):  # 100 % in each vocabulary
        ProgrammeSector.objects.create(programme=water, sector=sector, percentage=100)
    factories.programme(reporting_actor=partner, title="=1+1 food", locations=[ref["SS01"]], sectors=[ref["FSC"]],
                        status=ActivityStatus.PIPELINE, start=None)  # fmt: skip
    factories.programme(reporting_actor=implementer, title="Kenya desk", locations=[ref["KE"]], status=4)
    return ref


def export() -> list[list[str]]:
    return list(programme_rows(Programme.objects.order_by("title", "pk")))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imported_into_an_empty_portal_exports_the_same(portal, superuser, file_format):
    before = export()
    if file_format == "csv":
        content = csv_bytes(before)
    else:
        buffer = io.BytesIO()
        write_xlsx(before, buffer, title="Programmes")
        content = buffer.getvalue()
    Programme.objects.all().delete()
    Actor.objects.all().delete()

    outcome = import_sheet(read_sheet(io.BytesIO(content), name=f"export.{file_format}"), user=superuser)

    assert (outcome.created, outcome.error_rows) == (3, 0), outcome.problems
    assert Programme.objects.get(iati_identifier="SS-NGO-1-001").locations.count() == 2
    assert Programme.objects.filter(title="=1+1 food").exists()  # the neutralising apostrophe is taken off
    assert Actor.objects.get(name="Norad").iati_identifier == "XM-DAC-7-2"
    assert export() == before


def test_importing_its_own_export_again_changes_nothing(portal, superuser):
    before = export()
    stamps = dict(Programme.objects.values_list("pk", "updated_at"))

    outcome = import_sheet(read_sheet(io.BytesIO(csv_bytes(before)), name="export.csv"), user=superuser)

    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.error_rows) == (0, 0, 3, 0)
    assert dict(Programme.objects.values_list("pk", "updated_at")) == stamps
