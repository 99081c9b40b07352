"""HXL exports of programmes and flags: tags, one row per location, formula neutralisation, access, filters and
a fixed number of queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from coordination.choices import Severity
from coordination.models import Flag
from programmes.choices import OrganisationRole
from programmes.interop.hxl_export import flag_rows, neutralise, programme_rows
from programmes.models import Programme, ProgrammeParticipant
from tests import factories
from tests.programmes.interop.hxl_sheets import reference

pytestmark = pytest.mark.django_db
CSV_URL = reverse("programmes:export_hxl_csv")
XLSX_URL = reverse("programmes:export_hxl_xlsx")
FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1:A2)", "\tTab", "\rReturn"]


@pytest.fixture
def ref(db):
    return reference()


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def xlsx_sheet(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.worksheets[0]


def make_flag(actor, *, area, **fields) -> Flag:
    flag = Flag.objects.create(
        rule=fields.pop("rule", "overlap"),
        severity=fields.pop("severity", Severity.MEDIUM),
        message=fields.pop("message", "Two programmes work side by side"),
        subject_key=factories.unique("subject"),
        area=area,
        country=area.parent.parent if area.level == 2 else area.parent if area.level == 1 else area,
        **fields,
    )
    flag.responsible_actors.set([actor])
    return flag


def test_programmes_export_with_headers_hashtags_and_one_row_per_location(ref, client, owner, actor_a):
    funder = factories.actor("Norad", iati_identifier="XM-DAC-7-2")
    programme = factories.programme(reporting_actor=actor_a, title="Water", iati_identifier="XM-1-001",
                                    locations=[ref["SS0101"], ref["SS02"]], sectors=[ref["WSH"]])  # fmt: skip
    ProgrammeParticipant.objects.create(programme=programme, actor=funder, role=OrganisationRole.FUNDING)
    client.force_login(owner)

    rows = csv_rows(client.get(CSV_URL))

    assert rows[0][:3] == ["IATI identifier", "Title", "Implementing organisations"]
    tags = rows[1]
    assert {"#org+impl", "#org+funding", "#sector", "#subsector", "#activity", "#adm1+code", "#adm2+code",
            "#adm1+name", "#adm2+name", "#date+start", "#date+end", "#status"} <= set(tags)  # fmt: skip
    data = [dict(zip(tags, row, strict=True)) for row in rows[2:]]
    assert [(row["#adm1+code"], row["#adm2+code"], row["#adm2+name"]) for row in data] == [
        ("SS01", "SS0101", "Juba"),
        ("SS02", "", ""),
    ]
    assert {row["#activity+code"] for row in data} == {"XM-1-001"}
    assert data[0]["#org+funding"] == "Norad"
    assert data[0]["#org+funding+code"] == "XM-DAC-7-2"
    assert data[0]["#sector"] == "WSH"
    assert data[0]["#status"] == "Implementation"


def test_formula_cells_are_neutralised_in_csv(ref, client, owner, actor_a):
    for title in FORMULAS:
        factories.programme(reporting_actor=actor_a, title=title, locations=[ref["SS0101"]])
    client.force_login(owner)

    titles = [row[1] for row in csv_rows(client.get(CSV_URL))[2:]]

    assert sorted(titles) == sorted(f"'{title}" for title in FORMULAS)


def test_formula_cells_are_neutralised_and_every_xlsx_cell_is_a_string(ref, client, owner, actor_a):
    for title in FORMULAS:
        factories.programme(reporting_actor=actor_a, title=title, locations=[ref["SS0101"]], total_budget=12,
                            currency="USD")  # fmt: skip
    client.force_login(owner)

    response = client.get(XLSX_URL)

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = xlsx_sheet(response)
    assert [cell.value for cell in sheet[2]][:2] == ["#activity+code", "#activity"]
    titles = [row[1] for row in sheet.iter_rows(min_row=3)]
    assert sorted(cell.value for cell in titles) == sorted(f"'{title}" for title in FORMULAS)
    assert {cell.data_type for row in sheet.iter_rows() for cell in row if cell.value is not None} == {"s"}


def test_nul_characters_are_neutralised_and_dropped_where_xml_cannot_hold_them():
    from programmes.interop.hxl_export import write_xlsx

    assert neutralise("\x00rm -rf") == "'\x00rm -rf"
    assert neutralise("2024-01-01") == "2024-01-01"
    for value in ("\x00=1+1", neutralise("\x00=1+1"), "\x01=1+1"):
        buffer = io.BytesIO()
        write_xlsx([[value]], buffer, title="T")
        cell = load_workbook(buffer).worksheets[0]["A1"]
        assert (cell.value, cell.data_type) == ("'=1+1", "s")


def test_the_export_keeps_the_list_filters(ref, client, owner, actor_a):
    factories.programme(reporting_actor=actor_a, title="In Juba", locations=[ref["SS0101"]])
    factories.programme(reporting_actor=actor_a, title="In Kenya", locations=[ref["KE"]])
    client.force_login(owner)

    rows = csv_rows(client.get(CSV_URL, {"country": "KE"}))

    assert [row[1] for row in rows[2:]] == ["In Kenya"]


def test_signed_out_visitors_get_no_export(client):
    assert client.get(CSV_URL).status_code == 302
    assert client.get(reverse("coordination:flag_export_hxl_csv")).status_code == 302


def test_programme_export_queries_do_not_grow_with_the_number_of_programmes(ref, actor_a):
    def export(count: int) -> int:
        Programme.objects.all().delete()
        for n in range(count):
            programme = factories.programme(reporting_actor=actor_a, locations=[ref["SS0101"], ref["SS0102"]],
                                            sectors=[ref["WSH"], ref["14030"]], title=f"P{n}")  # fmt: skip
            ProgrammeParticipant.objects.create(programme=programme, actor=factories.actor(), role=1)
        with CaptureQueriesContext(connection) as queries:
            rows = list(programme_rows(Programme.objects.order_by("pk")))
        assert len(rows) == 2 + 2 * count
        return len(queries)

    small = export(2)
    assert export(12) == small
    assert small == 4  # programmes with reporting actor, participants with actors, sectors, locations with parents


def test_flag_export_queries_do_not_grow_with_the_number_of_flags(ref, actor_a, django_assert_num_queries):
    for _ in range(2):
        make_flag(actor_a, area=ref["SS0101"], assigned_to=actor_a)
    with CaptureQueriesContext(connection) as small:
        assert len(list(flag_rows(Flag.objects.all()))) == 4
    for _ in range(10):
        make_flag(actor_a, area=ref["SS0101"], assigned_to=actor_a)

    with django_assert_num_queries(len(small)):
        assert len(list(flag_rows(Flag.objects.all()))) == 14


def test_the_flag_export_has_only_the_flags_the_user_may_see_with_the_inbox_filters(ref, client, owner, actor_a,
                                                                                    actor_b, reviewer):  # fmt: skip
    mine = make_flag(actor_a, area=ref["SS0101"], severity=Severity.HIGH, message='=HYPERLINK("x")')
    make_flag(actor_a, area=ref["SS02"], severity=Severity.LOW)
    hidden = make_flag(actor_b, area=ref["SS0101"], severity=Severity.HIGH)
    url = reverse("coordination:flag_export_hxl_csv")

    client.force_login(owner)
    rows = csv_rows(client.get(url, {"severity": "high"}))
    tags = rows[1]
    data = [dict(zip(tags, row, strict=True)) for row in rows[2:]]
    assert [row["#meta+id"] for row in data] == [str(mine.pk)]
    assert data[0]["#indicator+code"] == "overlap"
    assert data[0]["#adm2+code"] == "SS0101"
    assert data[0]["#description"] == '\'=HYPERLINK("x")'
    assert data[0]["#meta+url"].endswith(mine.get_absolute_url())

    client.force_login(reviewer)
    ids = {row[0] for row in csv_rows(client.get(url, {"severity": "high"}))[2:]}
    assert ids == {str(mine.pk), str(hidden.pk)}


def test_the_flag_export_as_xlsx(ref, client, reviewer, actor_a):
    make_flag(actor_a, area=ref["SS01"])
    client.force_login(reviewer)

    sheet = xlsx_sheet(client.get(reverse("coordination:flag_export_hxl_xlsx")))

    assert sheet["B2"].value == "#indicator+code"
    assert sheet["B3"].value == "overlap"


def test_the_list_pages_link_to_the_exports_with_their_filters(ref, client, owner, actor_a):
    factories.programme(reporting_actor=actor_a, locations=[ref["SS0101"]])
    make_flag(actor_a, area=ref["SS0101"])
    client.force_login(owner)

    programmes = client.get(reverse("programmes:list"), {"country": "SS"}).content.decode()
    flags = client.get(reverse("coordination:flag_list"), {"severity": "medium"}).content.decode()

    assert f"{CSV_URL}?country=SS" in programmes
    assert f"{XLSX_URL}?country=SS" in programmes
    assert f"{reverse('coordination:flag_export_hxl_csv')}?severity=medium" in flags
    assert f"{reverse('coordination:flag_export_hxl_xlsx')}?severity=medium" in flags
