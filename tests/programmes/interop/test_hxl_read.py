"""Reading 3W sheets with libhxl: hashtag row, headers, encodings, XLSX, limits, and cell values."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from programmes.choices import ActivityStatus
from programmes.interop import hxl_read
from programmes.interop.hxl_read import missing_columns, parse_amount, parse_date, parse_status, read_sheet
from tests.programmes.interop.hxl_sheets import csv_bytes, sheet, xlsx_bytes

ROW = ["NRC", "Water for Juba", "WASH", "Central Equatoria", "SS0101", "2024-01-31", "2025-12-31", "ongoing"]


def read(content: bytes, name: str = "3w.csv"):
    return read_sheet(io.BytesIO(content), name=name)


def test_it_finds_the_hashtag_row_under_several_header_rows_and_says_which_row_it_was():
    content = csv_bytes([["Who does what where, South Sudan"], ["Updated March"], *sheet(ROW)])

    result = read(content)

    assert result.hashtag_row == 4
    assert [column.header for column in result.columns][:2] == ["Organisation", "Project"]
    assert [row.number for row in result.rows] == [5]
    assert result.rows[0].values["org_impl"] == "NRC"
    assert result.rows[0].values["adm2_code"] == "SS0101"


def test_it_lists_extra_columns_as_not_used_and_does_not_read_them():
    content = csv_bytes(
        [
            [*sheet()[0], "Beneficiaries", "Notes"],
            [*sheet()[1], "#affected", ""],
            [*ROW, "1200", "secret note"],
        ]
    )

    result = read(content)

    notes = {column.header: column.note for column in result.columns}
    assert notes["Beneficiaries"] == hxl_read.NOT_USED
    assert notes["Notes"] == hxl_read.NO_HASHTAG
    assert notes["Organisation"] == ""
    assert "secret note" not in result.rows[0].values.values()


def test_a_second_column_with_the_same_hashtag_is_not_used():
    content = csv_bytes([["Org", "Org again", "Project", "State"], ["#org", "#org+impl", "#activity", "#adm1+name"],
                         ["NRC", "CARE", "Water", "Central Equatoria"]])  # fmt: skip

    result = read(content)

    assert [column.note for column in result.columns[:2]] == ["", hxl_read.DUPLICATE]
    assert result.rows[0].values["org_impl"] == "NRC"


def test_it_names_the_hashtags_that_are_missing():
    content = csv_bytes([["Org", "Budget"], ["#org+funding", "#value+budget"], ["Norad", "100"]])

    missing = missing_columns(read(content))

    assert len(missing) == 3
    assert "#org+impl" in missing[0]
    assert "#activity" in missing[1]
    assert "#adm1+code" in missing[2] and "#adm2+name" in missing[2]


def test_a_sheet_without_any_hashtag_row_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as refused:
        read(csv_bytes([["Organisation", "Project"], ["NRC", "Water"]]))

    assert "No HXL hashtag row" in refused.value.messages[0]


def test_it_reads_windows_1252_csv_and_warns():
    content = csv_bytes(sheet(["Médecins du Monde", "Santé à Juba", "", "Central Equatoria", "", "", "", ""]),
                        encoding="cp1252")  # fmt: skip
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    result = read(content)

    assert result.encoding == "cp1252"
    assert result.rows[0].values["org_impl"] == "Médecins du Monde"
    assert result.rows[0].values["title"] == "Santé à Juba"
    assert "Windows-1252" in result.warnings[0]


def test_it_reads_utf8_with_a_byte_order_mark_without_warning():
    content = "\ufeff".encode() + csv_bytes(
        sheet(["Médecins du Monde", "Santé", "", "Central Equatoria", "", "", "", ""])
    )

    result = read(content)

    assert result.encoding == "utf-8"
    assert result.warnings == []
    assert result.columns[0].header == "Organisation"
    assert result.rows[0].values["org_impl"] == "Médecins du Monde"


def test_it_reads_semicolon_separated_csv():
    result = read(csv_bytes(sheet(ROW), delimiter=";"))

    assert result.rows[0].values["title"] == "Water for Juba"


def test_empty_rows_are_skipped_and_counted_and_row_numbers_stay_those_of_the_sheet():
    content = csv_bytes(sheet(ROW, [""] * 8, ["", " ", "", "", "", "", "", ""], ROW))

    result = read(content)

    assert result.empty_rows == 2
    assert [row.number for row in result.rows] == [3, 6]


def test_it_reads_the_first_sheet_of_a_workbook_that_has_hashtags():
    content = xlsx_bytes(
        {
            "Read me": [["How to fill in this sheet"], ["Use one row per place"]],
            "3W": [["3W March"], *sheet(ROW)],
            "Lists": [["#org"], ["NRC"]],
        }
    )

    result = read(content, "3w.xlsx")

    assert result.file_format == "xlsx"
    assert result.sheet_name == "3W"
    assert result.hashtag_row == 3
    assert [row.number for row in result.rows] == [4]
    assert result.rows[0].values["title"] == "Water for Juba"
    assert "3W" in result.warnings[0]


def test_xlsx_dates_and_numbers_keep_their_types():
    row = ["NRC", "Water", "WASH", "Central Equatoria", "SS0101", datetime(2024, 1, 31), 45657, 2]

    result = read(xlsx_bytes({"Data": sheet(row)}), "3w.xlsx")

    values = result.rows[0].values
    assert parse_date(values["start"]) == date(2024, 1, 31)
    assert parse_date(values["end"]) == date(2024, 12, 31)
    assert parse_status(values["status"]) == ActivityStatus.IMPLEMENTATION


def test_an_xlsx_formula_gives_its_value_never_the_formula():
    row = ["NRC", '=HYPERLINK("http://evil")', "", "Central Equatoria", "", "", "", ""]

    result = read(xlsx_bytes({"Data": sheet(row)}), "3w.xlsx")

    assert not str(result.rows[0].values["title"]).startswith("=")


def test_a_csv_that_is_really_a_workbook_is_refused():
    with pytest.raises(ValidationError) as refused:
        read(xlsx_bytes({"Data": sheet(ROW)}), "3w.csv")

    assert "named .csv" in refused.value.messages[0]


def test_an_xlsx_that_is_really_text_is_refused():
    with pytest.raises(ValidationError) as refused:
        read(csv_bytes(sheet(ROW)), "3w.xlsx")

    assert "named .xlsx" in refused.value.messages[0]


def test_other_extensions_and_old_excel_files_are_refused():
    with pytest.raises(ValidationError, match="neither"):
        read(csv_bytes(sheet(ROW)), "3w.json")
    with pytest.raises(ValidationError, match=r"\.xls"):
        read(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "3w.xls")


def test_binary_data_named_csv_is_refused():
    with pytest.raises(ValidationError) as refused:
        read(b"\x00\x01\x02garbage\x00" * 50, "3w.csv")

    assert refused.value.code == "binary"


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_unpacked(settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"\0" * (hxl_read.XLSX_MAX_SHARED_STRINGS_BYTES + 1))
    assert len(buffer.getvalue()) < 1024 * 1024  # small on disk, huge unpacked

    with pytest.raises(ValidationError) as refused:
        read(buffer.getvalue(), "bomb.xlsx")

    assert refused.value.code == "xlsx_too_big"


def test_a_damaged_workbook_is_refused():
    with pytest.raises(ValidationError) as refused:
        read(b"PK\x03\x04" + b"not really a zip" * 10, "3w.xlsx")

    assert refused.value.code == "damaged"


def test_files_over_the_size_limit_are_refused(settings):
    settings.HXL_IMPORT_MAX_UPLOAD_MB = 1
    content = csv_bytes(sheet(*[ROW] * 20_000))
    assert len(content) > 1024 * 1024

    with pytest.raises(ValidationError) as refused:
        read(content)

    assert refused.value.code == "too_large"


@pytest.mark.parametrize("name", ["3w.csv", "3w.xlsx"])
def test_sheets_over_the_row_limit_are_refused(settings, name):
    settings.HXL_IMPORT_MAX_ROWS = 10
    rows = sheet(*[ROW] * 11)
    content = csv_bytes(rows) if name.endswith("csv") else xlsx_bytes({"Data": rows})

    with pytest.raises(ValidationError) as refused:
        read(content, name)

    assert refused.value.code == "too_many_rows"
    assert read(csv_bytes(sheet(*[ROW] * 10))).rows[-1].number == 12


def test_an_apostrophe_that_neutralised_a_formula_is_taken_off_again():
    result = read(csv_bytes(sheet(["NRC", "'=1+2", "", "Central Equatoria", "", "", "", ""])))

    assert result.rows[0].values["title"] == "=1+2"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-31", date(2024, 3, 31)),
        ("31/03/2024", date(2024, 3, 31)),
        ("31.03.2024", date(2024, 3, 31)),
        ("31-03-2024", date(2024, 3, 31)),
        ("2024-03-31T00:00:00", date(2024, 3, 31)),
        ("2024-03-31 00:00:00", date(2024, 3, 31)),
        ("31 Mar 2024", date(2024, 3, 31)),
        ("45382", date(2024, 3, 31)),
        (45382, date(2024, 3, 31)),
        (datetime(2024, 3, 31, 0, 0), date(2024, 3, 31)),
        ("", None),
    ],
)
def test_dates_are_read_in_several_formats(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/13/2024", "next week", "2024-02-30"])
def test_a_value_that_is_not_a_date_says_so(value):
    with pytest.raises(ValueError, match="not a date"):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", ActivityStatus.IMPLEMENTATION),
        ("Implementation", ActivityStatus.IMPLEMENTATION),
        ("ongoing", ActivityStatus.IMPLEMENTATION),
        ("Active", ActivityStatus.IMPLEMENTATION),
        ("planned", ActivityStatus.PIPELINE),
        ("Pipeline/identification", ActivityStatus.PIPELINE),
        ("Completed", ActivityStatus.CLOSED),
        ("finalisation", ActivityStatus.FINALISATION),
        ("on hold", ActivityStatus.SUSPENDED),
        ("", None),
    ],
)
def test_statuses_are_iati_codes_names_or_common_3w_words(value, expected):
    assert parse_status(value) == expected


def test_an_unknown_status_is_an_error():
    with pytest.raises(ValueError, match="not an activity status"):
        parse_status("maybe")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1500000", "1500000"), ("1,500,000", "1500000"), ("1 500 000,50", "1500000.50"), ("1,500.5", "1500.5")],
)
def test_amounts_accept_grouping_and_decimal_commas(value, expected):
    assert parse_amount(value) == Decimal(expected)
