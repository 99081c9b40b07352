"""The p-code file names countries by ISO-3; areas are filed under the IATI list's ISO-2 codes."""

from pathlib import Path

import pytest

from reference.loading.errors import ReferenceDataError
from reference.loading.iso_codes import derive_iso2, map_iso3_to_iso2

COUNTRY_CODES = {"SS", "AF", "BD", "BI", "BE", "BQ", "TJ", "LB", "GA"}


def test_it_derives_iso2_from_the_prefix_of_admin1_pcodes():
    assert derive_iso2("SSD", ["SS01", "SS02"], COUNTRY_CODES) == "SS"
    assert derive_iso2("LBN", ["LB1", "LB8"], COUNTRY_CODES) == "LB"


def test_it_refuses_to_derive_from_iso3_or_numeric_prefixes():
    assert derive_iso2("BDI", ["BDI001"], COUNTRY_CODES) is None  # BD would be Bangladesh
    assert derive_iso2("GAB", ["GAB001"], COUNTRY_CODES) is None  # right by luck; not guessed
    assert derive_iso2("TJK", ["3501000"], COUNTRY_CODES) is None
    assert derive_iso2("XYZ", ["XY01"], COUNTRY_CODES) is None  # not in Country.xml
    assert derive_iso2("SSD", ["SS01", "SD02"], COUNTRY_CODES) is None  # no common prefix


def test_it_uses_the_explicit_table_where_deriving_fails():
    admin1 = {"BDI": ["BDI001"], "BES": ["BES1"], "TJK": ["3501000"], "SSD": ["SS01"]}
    mapping = map_iso3_to_iso2(admin1, dict.fromkeys(admin1, 2), COUNTRY_CODES, Path("p.csv"))
    assert mapping == {"BDI": "BI", "BES": "BQ", "TJK": "TJ", "SSD": "SS"}


def test_it_fails_naming_every_iso3_code_it_cannot_map():
    admin1 = {"ABC": ["ABC1"], "DEF": ["99"], "SSD": ["SS01"]}
    lines = {"ABC": 7, "DEF": 9, "SSD": 2}
    with pytest.raises(ReferenceDataError) as error:
        map_iso3_to_iso2(admin1, lines, COUNTRY_CODES, Path("p.csv"))
    assert "p.csv, line 7: cannot map ISO-3 code ABC" in str(error.value)
    assert "p.csv, line 9: cannot map ISO-3 code DEF" in str(error.value)


def test_it_refuses_two_countries_with_one_iso2_code():
    admin1 = {"SSD": ["SS01"], "SSX": ["SS99"]}
    with pytest.raises(ReferenceDataError, match="SSD and SSX both map to SS"):
        map_iso3_to_iso2(admin1, {"SSD": 2, "SSX": 5}, COUNTRY_CODES, Path("p.csv"))
