"""Builders for HXL 3W test sheets (CSV and XLSX bytes) and the reference data they name."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from reference.choices import SectorVocabulary
from tests import factories

HEADERS = ["Organisation", "Project", "Cluster", "State", "County p-code", "Start", "End", "Status"]
TAGS = ["#org+impl", "#activity", "#sector", "#adm1+name", "#adm2+code", "#date+start", "#date+end", "#status"]


def csv_bytes(rows, *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet(*rows, headers=HEADERS, tags=TAGS) -> list[list]:
    return [headers, tags, *[list(row) for row in rows]]


def upload(content: bytes, name: str = "3w.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def reference() -> dict:
    """The area tree (SS ⊃ SS01 Central Equatoria ⊃ SS0101 Juba, SS0102 Kajo-Keji; SS02; KE) and sectors."""
    areas = factories.area_tree()
    return {
        **areas,
        "WSH": factories.sector(
            "WSH", vocabulary=SectorVocabulary.CLUSTER, name="Water Sanitation Hygiene", family="WSH"
        ),
        "FSC": factories.sector("FSC", vocabulary=SectorVocabulary.CLUSTER, name="Food Security", family="FSC"),
        "14030": factories.sector("14030", name="Basic drinking water supply", family="WSH"),
    }
