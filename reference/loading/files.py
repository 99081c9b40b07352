"""Readers for CSV, XML code lists and JSON that report every problem with file and line."""

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from reference.loading.errors import ReferenceDataError, at

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class CsvRow:
    line: int  # physical line where the record starts (1 = header)
    values: dict[str, str]


@dataclass(frozen=True)
class CodelistEntry:
    line: int
    code: str
    name: str
    description: str
    withdrawn: bool
    category: str  # the <category> child (Sector.xml), else ""


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise ReferenceDataError(f"{path}: file not found")


def _read_text(path: Path) -> str:
    _require_file(path)
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReferenceDataError(f"{at(path, line)}: not valid UTF-8") from error


def read_csv(path: Path, required_columns: Sequence[str]) -> list[CsvRow]:
    """All non-blank records, each checked to have exactly as many fields as the header."""
    reader = csv.reader(io.StringIO(_read_text(path), newline=""), strict=True)
    rows: list[CsvRow] = []
    start = 1
    try:
        header = next(reader, None)
        if header is None:
            raise ReferenceDataError(f"{at(path, 1)}: the file is empty")
        missing = [column for column in required_columns if column not in header]
        if missing:
            raise ReferenceDataError(f"{at(path, 1)}: missing column(s) {', '.join(missing)}")
        while True:
            start = reader.line_num + 1
            fields = next(reader, None)
            if fields is None:
                return rows
            if not any(fields):
                continue
            if len(fields) != len(header):
                raise ReferenceDataError(f"{at(path, start)}: expected {len(header)} fields, found {len(fields)}")
            rows.append(CsvRow(start, dict(zip(header, (value.strip() for value in fields), strict=True))))
    except csv.Error as error:
        raise ReferenceDataError(f"{at(path, start)}: malformed CSV: {error}") from error


def read_json(path: Path) -> Any:
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as error:
        raise ReferenceDataError(f"{at(path, error.lineno)}: malformed JSON: {error.msg}") from error


def _parse_xml(path: Path) -> etree._Element:
    _require_file(path)
    # No entity expansion, DTD loading or network access: the files are data, never instructions.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as error:
        raise ReferenceDataError(f"{at(path, error.lineno)}: malformed XML: {error.msg}") from error


def _english_text(element: etree._Element | None) -> str:
    """The first narrative without a language or in English, whitespace collapsed."""
    if element is None:
        return ""
    for narrative in element.iterfind("narrative"):
        if narrative.get(XML_LANG) in (None, "en"):
            return " ".join((narrative.text or "").split())
    return ""


def read_codelist(path: Path) -> list[CodelistEntry]:
    """The items of an IATI code list file; each needs a code and an English name."""
    root = _parse_xml(path)
    if root.tag != "codelist":
        raise ReferenceDataError(f"{at(path, root.sourceline)}: expected <codelist>, found <{root.tag}>")
    entries: list[CodelistEntry] = []
    seen: dict[str, int] = {}
    for item in root.iterfind("codelist-items/codelist-item"):
        line = item.sourceline
        code = (item.findtext("code") or "").strip()
        name = _english_text(item.find("name"))
        if not code:
            raise ReferenceDataError(f"{at(path, line)}: codelist-item without a <code>")
        if not name:
            raise ReferenceDataError(f"{at(path, line)}: code {code} has no English name")
        if code in seen:
            raise ReferenceDataError(f"{at(path, line)}: code {code} repeats line {seen[code]}")
        seen[code] = line
        entries.append(
            CodelistEntry(
                line=line,
                code=code,
                name=name,
                description=_english_text(item.find("description")),
                withdrawn=item.get("status") == "withdrawn",
                category=(item.findtext("category") or "").strip(),
            )
        )
    if not entries:
        raise ReferenceDataError(f"{path}: no <codelist-item> elements")
    return entries
