"""Countries (IATI Country list) and admin-1/admin-2 areas (OCHA global p-code list)."""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reference.choices import AreaLevel
from reference.loading.errors import ReferenceDataError, at
from reference.loading.files import CodelistEntry, CsvRow, read_csv
from reference.loading.iso_codes import map_iso3_to_iso2
from reference.loading.upsert import Row

LOCATION, LEVEL, PCODE, NAME, PARENT, VALID_FROM = (
    "Location",
    "Admin Level",
    "P-Code",
    "Name",
    "Parent P-Code",
    "Valid from date",
)
PCODE_COLUMNS = (LOCATION, LEVEL, PCODE, NAME, PARENT, VALID_FROM)


@dataclass(frozen=True)
class PcodeAreas:
    admin1: list["AreaSource"]
    admin2: list["AreaSource"]
    notes: list[str]


@dataclass(frozen=True)
class AreaSource:
    """An admin-1/2 area; its parent's database id is only known once the parent is written."""

    row: Row  # every Area field except parent_id
    parent_pcode: str


def country_rows(entries: Sequence[CodelistEntry], path: Path) -> list[Row]:
    return [
        Row(
            {
                "pcode": entry.code,
                "name": entry.name,
                "level": AreaLevel.COUNTRY,
                "path": f"/{entry.code}/",
                "country_code": entry.code,
                "valid_from": None,
            },
            at(path, entry.line),
        )
        for entry in entries
    ]


def _checked(row: CsvRow, path: Path) -> tuple[int, datetime.date | None]:
    """Level and validity date of a p-code row, after checking its required values."""
    values = row.values
    for column in (LOCATION, PCODE, PARENT):
        if not values[column]:
            raise ReferenceDataError(f"{at(path, row.line)}: empty {column}")
    if values[LEVEL] not in ("1", "2"):
        raise ReferenceDataError(f"{at(path, row.line)}: {LEVEL} must be 1 or 2, not {values[LEVEL]!r}")
    try:
        valid_from = datetime.date.fromisoformat(values[VALID_FROM]) if values[VALID_FROM] else None
    except ValueError as error:
        raise ReferenceDataError(
            f"{at(path, row.line)}: {VALID_FROM} {values[VALID_FROM]!r} is not a YYYY-MM-DD date"
        ) from error
    return int(values[LEVEL]), valid_from


def read_pcode_areas(path: Path, country_codes: set[str]) -> PcodeAreas:
    """Admin-1 and admin-2 areas with materialised paths built from the Parent P-Code column.

    A few official rows have no name (two Jamaican admin-2 areas); they are named by their p-code
    rather than refused, so that every p-code a partner may report exists.
    """
    rows = read_csv(path, PCODE_COLUMNS)
    checked: list[tuple[CsvRow, int, datetime.date | None]] = []
    first_line: dict[str, int] = {}
    for row in rows:
        level, valid_from = _checked(row, path)
        pcode = row.values[PCODE]
        if pcode in first_line:
            raise ReferenceDataError(f"{at(path, row.line)}: p-code {pcode} repeats line {first_line[pcode]}")
        if pcode in country_codes:
            raise ReferenceDataError(f"{at(path, row.line)}: p-code {pcode} is also a country code")
        first_line[pcode] = row.line
        checked.append((row, level, valid_from))

    admin1 = [(row, valid_from) for row, level, valid_from in checked if level == 1]
    admin1_pcodes: dict[str, list[str]] = defaultdict(list)
    country_first_line: dict[str, int] = {}
    for row, _ in admin1:
        location = row.values[LOCATION]
        if row.values[PARENT] != location:
            raise ReferenceDataError(
                f"{at(path, row.line)}: an admin-1 row's {PARENT} must be its {LOCATION} {location}, "
                f"not {row.values[PARENT]!r}"
            )
        admin1_pcodes[location].append(row.values[PCODE])
        country_first_line.setdefault(location, row.line)
    iso2 = map_iso3_to_iso2(admin1_pcodes, country_first_line, country_codes, path)

    def area(row: CsvRow, level: int, valid_from: datetime.date | None, parent: str, parent_path: str) -> AreaSource:
        fields = {
            "pcode": row.values[PCODE],
            "name": row.values[NAME] or row.values[PCODE],
            "level": level,
            "path": f"{parent_path}{row.values[PCODE]}/",
            "country_code": iso2[row.values[LOCATION]],
            "valid_from": valid_from,
        }
        return AreaSource(Row(fields, at(path, row.line)), parent)

    admin1_areas = {
        row.values[PCODE]: area(row, 1, valid_from, iso2[row.values[LOCATION]], f"/{iso2[row.values[LOCATION]]}/")
        for row, valid_from in admin1
    }
    admin2_areas: list[AreaSource] = []
    for row, level, valid_from in checked:
        if level != 2:
            continue
        parent = admin1_areas.get(row.values[PARENT])
        if parent is None:
            raise ReferenceDataError(
                f"{at(path, row.line)}: {PARENT} {row.values[PARENT]!r} is not an admin-1 p-code of this file"
            )
        if parent.row.fields["country_code"] != iso2.get(row.values[LOCATION]):
            raise ReferenceDataError(
                f"{at(path, row.line)}: parent {row.values[PARENT]} is in another country than "
                f"{LOCATION} {row.values[LOCATION]}"
            )
        admin2_areas.append(area(row, 2, valid_from, row.values[PARENT], parent.row.fields["path"]))
    unnamed = [row.values[PCODE] for row, _, _ in checked if not row.values[NAME]]
    notes = [f"{path}: {len(unnamed)} area(s) without a name, named by p-code: {', '.join(unnamed)}"] if unnamed else []
    return PcodeAreas(list(admin1_areas.values()), admin2_areas, notes)
