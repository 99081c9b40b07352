"""A missing or malformed file stops the load with file and line, and leaves the database as it was."""

import pytest

from reference.loading import ReferenceDataError, load_reference_data
from reference.loading import loader as loader_module
from reference.models import Area, CodeListItem, Sector

from .helpers import replace_line

PCODES = "pcodes/global-pcodes-adm-1-2.csv"


def snapshot() -> tuple:
    return (
        Area.objects.count(),
        Sector.objects.count(),
        CodeListItem.objects.count(),
        Area.objects.get(pcode="AF01").name,
    )


def load_fails(data_dir, match: str) -> str:
    before = snapshot()
    with pytest.raises(ReferenceDataError, match=match) as error:
        load_reference_data(data_dir)
    assert snapshot() == before
    return str(error.value)


def test_it_names_the_line_of_a_csv_row_with_missing_fields(loaded, data_copy):
    replace_line(data_copy / PCODES, 101, "AFG,1,AF99")
    message = load_fails(data_copy, r"global-pcodes-adm-1-2\.csv, line 101: expected 6 fields, found 3")
    assert str(data_copy) in message


def test_it_names_the_line_where_an_unclosed_quote_starts(loaded, data_copy):
    replace_line(data_copy / PCODES, 500, 'AFG,1,"AF99,Nowhere,AFG,2021-11-17')
    load_fails(data_copy, r"global-pcodes-adm-1-2\.csv, line 500: malformed CSV")


def test_it_names_the_line_of_a_bad_date(loaded, data_copy):
    replace_line(data_copy / PCODES, 3, "AFG,1,AF02,Kapisa,AFG,2021-13-45")
    load_fails(data_copy, r"csv, line 3: Valid from date '2021-13-45' is not a YYYY-MM-DD date")


def test_it_names_the_line_of_an_unknown_parent(loaded, data_copy):
    replace_line(data_copy / PCODES, 2000, "BFA,2,BF9999,Nowhere,BF99,2021-11-17")
    load_fails(data_copy, r"csv, line 2000: Parent P-Code 'BF99' is not an admin-1 p-code")


def test_it_names_the_line_of_a_repeated_pcode(loaded, data_copy):
    replace_line(data_copy / PCODES, 3, "AFG,1,AF01,Kabul again,AFG,2021-11-17")
    load_fails(data_copy, r"csv, line 3: p-code AF01 repeats line 2")


def test_it_names_the_line_where_a_truncated_xml_file_ends(loaded, data_copy):
    sector_xml = data_copy / "iati" / "codelists" / "Sector.xml"
    sector_xml.write_text("".join(sector_xml.read_text().splitlines(keepends=True)[:40]))
    load_fails(data_copy, r"Sector\.xml, line 4[01]: malformed XML")


def test_it_names_the_line_of_a_codelist_item_without_code(loaded, data_copy):
    budget_type = data_copy / "iati" / "codelists" / "BudgetType.xml"
    replace_line(budget_type, 12, "            <code></code>")
    load_fails(data_copy, r"BudgetType\.xml, line 11: codelist-item without a <code>")


def test_it_names_a_missing_file(loaded, data_copy):
    (data_copy / "sector-maps" / "dac3-sector-map.json").unlink()
    load_fails(data_copy, r"dac3-sector-map\.json: file not found")


def test_it_names_the_line_of_malformed_json(loaded, data_copy):
    replace_line(data_copy / "sector-maps" / "humanitarian-cluster-map.json", 3, '        "name": ,')
    load_fails(data_copy, r"humanitarian-cluster-map\.json, line 3: malformed JSON")


def test_a_failure_while_writing_rolls_back_every_table(loaded, data_copy, monkeypatch):
    replace_line(data_copy / PCODES, 2, "AFG,1,AF01,Kabul City,AFG,2021-11-17")  # would be updated
    real_upsert = loader_module.upsert

    def upsert_failing_on_code_lists(model, key_fields, rows):
        if model is CodeListItem:  # the last step, after every area and sector was written
            raise ReferenceDataError("simulated failure")
        return real_upsert(model, key_fields, rows)

    monkeypatch.setattr(loader_module, "upsert", upsert_failing_on_code_lists)
    load_fails(data_copy, "simulated failure")
