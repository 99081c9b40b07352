"""Reading HXL-tagged 3W/4W/5W spreadsheets (CSV, XLSX) safely, with libhxl finding the hashtag row.

The upload is checked before any parser sees it: its size, then its content against its extension
(a ".csv" that is really a zip, an ".xlsx" that is really text, an old binary ".xls"). libhxl is only
ever given a byte stream or a list of rows, never a URL or a path (it would fetch or open it).

- CSV: UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is read as Windows-1252
  (the "CSV" Excel writes on Western European Windows, a superset of Latin-1) with a warning.
  libhxl reads the stream and guesses the delimiter (comma, semicolon, tab ...).
- XLSX: the zip is inspected first (entry count, total uncompressed size, size of the shared
  strings table: a zip bomb is refused before openpyxl inflates anything), then read with openpyxl in
  read-only mode (formula cells give their cached value, never the formula), first sheet that has a
  hashtag row. Its rows go to libhxl as a list.
- Rows above the hashtag row (titles, several header rows) are skipped; the row just above the
  hashtags gives the column headers. Empty rows are counted and skipped. Row numbers are the ones
  the user sees in the spreadsheet (1-based, header rows included).

The mapping from hashtags to programme fields is `field_for_column`; the values are parsed by
`parse_date`, `parse_status`, `parse_amount` here, and resolved against the database in hxl_resolve.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

import hxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from programmes.choices import ActivityStatus

CSV, XLSX = "csv", "xlsx"
EXTENSIONS = {".csv": CSV, ".txt": CSV, ".xlsx": XLSX}
MAX_COLUMNS = 200
HASHTAG_SCAN_ROWS = 25  # libhxl looks for the hashtag row in the first 25 rows
MAX_TRAILING_EMPTY_ROWS = 10_000  # formatting down to row 1,048,576 is not data
XLSX_MAX_ENTRIES = 10_000
XLSX_MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
XLSX_MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
CELL_MAX_CHARACTERS = 10_000
# Characters a spreadsheet may read as the start of a formula. Our exports put an apostrophe before
# them (hxl_export.neutralise); reading, that apostrophe is taken off again.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# -- the fields a column can feed -------------------------------------------------------------------
ACTIVITY_CODE = "activity_code"
TITLE = "title"
DESCRIPTION = "description"
ORG_IMPL = "org_impl"
ORG_IMPL_CODE = "org_impl_code"
ORG_FUNDING = "org_funding"
ORG_FUNDING_CODE = "org_funding_code"
SECTOR = "sector"
SUBSECTOR = "subsector"
COUNTRY = "country"
ADM1_CODE = "adm1_code"
ADM1_NAME = "adm1_name"
ADM2_CODE = "adm2_code"
ADM2_NAME = "adm2_name"
START = "start"
END = "end"
STATUS = "status"
BUDGET = "budget"
CURRENCY = "currency"
LOCATION_FIELDS = (ADM1_CODE, ADM1_NAME, ADM2_CODE, ADM2_NAME)

FIELD_LABELS = {
    ACTIVITY_CODE: gettext_lazy("IATI activity identifier (matches existing programmes)"),
    TITLE: gettext_lazy("Programme title"),
    DESCRIPTION: gettext_lazy("Description"),
    ORG_IMPL: gettext_lazy("Implementing organisation"),
    ORG_IMPL_CODE: gettext_lazy("Implementing organisation identifier"),
    ORG_FUNDING: gettext_lazy("Funding organisations"),
    ORG_FUNDING_CODE: gettext_lazy("Funding organisation identifiers"),
    SECTOR: gettext_lazy("Cluster (IASC)"),
    SUBSECTOR: gettext_lazy("DAC sector"),
    COUNTRY: gettext_lazy("Country"),
    ADM1_CODE: gettext_lazy("Admin 1 p-code"),
    ADM1_NAME: gettext_lazy("Admin 1 name"),
    ADM2_CODE: gettext_lazy("Admin 2 p-code"),
    ADM2_NAME: gettext_lazy("Admin 2 name"),
    START: gettext_lazy("Start date"),
    END: gettext_lazy("End date"),
    STATUS: gettext_lazy("Activity status"),
    BUDGET: gettext_lazy("Total budget"),
    CURRENCY: gettext_lazy("Currency"),
}
NOT_USED, DUPLICATE, NO_HASHTAG = "not_used", "duplicate", "no_hashtag"


def field_for_column(tag: str | None, attributes) -> str | None:
    """The programme field a hashtag feeds, or None. Attributes refine: #org+funding is a funder,
    #org+impl (or a bare #org) the implementer, +code / +id an identifier instead of a name."""
    if not tag:
        return None
    attrs = {attribute.lower() for attribute in attributes}
    coded = bool(attrs & {"code", "id"})
    tag = tag.lower()
    if tag == "#activity":
        if coded:
            return ACTIVITY_CODE
        return DESCRIPTION if "description" in attrs else TITLE
    if tag == "#org":
        if attrs & {"funding", "donor"}:
            return ORG_FUNDING_CODE if coded else ORG_FUNDING
        if "impl" in attrs or not attrs - {"name", "code", "id"}:
            return ORG_IMPL_CODE if coded else ORG_IMPL
        return None
    if tag == "#sector":
        return SECTOR
    if tag == "#subsector":
        return SUBSECTOR
    if tag == "#country":
        return COUNTRY
    if tag in ("#adm1", "#adm2"):
        level = tag[-1]
        return {"1": ADM1_CODE, "2": ADM2_CODE}[level] if "code" in attrs else {"1": ADM1_NAME, "2": ADM2_NAME}[level]
    if tag == "#date":
        if "start" in attrs:
            return START
        if "end" in attrs:
            return END
        return None
    if tag == "#status":
        return STATUS
    if tag == "#value" and "budget" in attrs:
        return BUDGET
    if tag == "#currency":
        return CURRENCY
    return None


@dataclass
class SheetColumn:
    index: int
    header: str
    hashtag: str
    field: str | None
    note: str = ""  # NOT_USED, DUPLICATE (of an earlier column), NO_HASHTAG

    def as_dict(self) -> dict:
        return {"index": self.index, "header": self.header, "hashtag": self.hashtag, "field": self.field or ""} | (
            {"note": self.note} if self.note else {}
        )


@dataclass
class SheetRow:
    number: int  # as the user sees it in the spreadsheet
    values: dict[str, object]  # field → cell value (str, or date/number from XLSX), only mapped fields


@dataclass
class Sheet:
    file_format: str
    encoding: str = ""
    sheet_name: str = ""
    hashtag_row: int = 0
    columns: list[SheetColumn] = field(default_factory=list)
    rows: list[SheetRow] = field(default_factory=list)
    empty_rows: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def fields(self) -> set[str]:
        return {column.field for column in self.columns if column.field and not column.note}


# -- limits -----------------------------------------------------------------------------------------
def max_upload_bytes() -> int:
    return getattr(settings, "HXL_IMPORT_MAX_UPLOAD_MB", 20) * 1024 * 1024


def max_rows() -> int:
    return getattr(settings, "HXL_IMPORT_MAX_ROWS", 20_000)


def file_format_of(name: str) -> str:
    """The format the extension claims; the content must agree (read_sheet checks)."""
    suffix = PurePath(name or "").suffix.lower()
    if suffix == ".xls":
        raise ValidationError(
            _("Old Excel files (.xls) are not accepted. Save the workbook as .xlsx or as CSV UTF-8, then upload it."),
            code="xls",
        )
    if suffix not in EXTENSIONS:
        raise ValidationError(
            _("Upload a CSV (.csv) or Excel (.xlsx) file; “%(name)s” is neither.") % {"name": PurePath(name).name},
            code="extension",
        )
    return EXTENSIONS[suffix]


def check_upload(upload) -> str:
    """Size and extension of an upload, before it is stored: the format it claims."""
    file_format = file_format_of(upload.name)
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split the sheet, then try again.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": limit // (1024 * 1024)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    return file_format


# -- reading ----------------------------------------------------------------------------------------
def read_sheet(stream, *, name: str) -> Sheet:
    """The tagged rows of an uploaded spreadsheet, or ValidationError with a message the user can act on."""
    file_format = file_format_of(name)
    data = stream.read(max_upload_bytes() + 1)
    if len(data) > max_upload_bytes():
        raise ValidationError(_("The file is larger than the limit."), code="too_large")
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    is_zip = data.startswith(b"PK\x03\x04")
    if file_format == CSV:
        if is_zip:
            raise ValidationError(
                _(
                    "This file is named .csv but is a zip archive (perhaps an Excel workbook). Name it .xlsx, or "
                    "save it as CSV UTF-8."
                ),
                code="not_csv",
            )
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ValidationError(_("This file is named .csv but is an old Excel (.xls) workbook."), code="not_csv")
        return _read_csv(data)
    if not is_zip:
        raise ValidationError(
            _("This file is named .xlsx but is not an Excel workbook (perhaps it is CSV text). Name it .csv."),
            code="not_xlsx",
        )
    return _read_xlsx(data)


def _decode(data: bytes) -> tuple[str, list[str]]:
    """The encoding to read a CSV with, and warnings. UTF-8 first; then Windows-1252 (Latin-1)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data.decode("utf-16")
        except UnicodeDecodeError:
            raise ValidationError(_("The file claims to be UTF-16 text but is damaged."), code="encoding") from None
        return "utf-16", []
    if b"\x00" in data[:8192]:
        raise ValidationError(
            _("This file is not CSV text (it contains binary data). Upload a CSV or an Excel .xlsx file."),
            code="binary",
        )
    try:
        data.decode("utf-8-sig")
        return "utf-8-sig", []
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        encoding = "latin-1"  # never fails; cp1252 leaves five bytes undefined
    warning = _(
        "The file is not UTF-8: it was read as Windows-1252 (Western European). Check that names with accents "
        "look right below; to avoid this, save the sheet as “CSV UTF-8”."
    )
    return encoding, [warning]


def _read_csv(data: bytes) -> Sheet:
    encoding, warnings = _decode(data)
    options = hxl.InputOptions(allow_local=False, encoding=encoding)
    not_csv = ValidationError(_("The file could not be read as CSV."), code="csv")
    try:
        source = hxl.input.make_input(io.BytesIO(data), options)
    except (hxl.HXLException, OSError, ValueError):  # e.g. HTML, or text libhxl takes for JSON
        raise not_csv from None
    if not isinstance(source, hxl.input.CSVInput):
        raise not_csv
    sheet = Sheet(file_format=CSV, encoding="utf-8" if encoding == "utf-8-sig" else encoding, warnings=warnings)
    _read_tagged(source, sheet)
    return sheet


def _check_zip(data: bytes) -> None:
    too_big = ValidationError(
        _("The workbook unpacks to more data than the portal reads. Remove unused sheets or save the data as CSV."),
        code="xlsx_too_big",
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(_("The Excel file is damaged: it could not be opened."), code="damaged") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > XLSX_MAX_ENTRIES:
            raise too_big
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise ValidationError(
                _("This zip file is not an Excel workbook. Upload a CSV or an Excel .xlsx file."), code="not_xlsx"
            )
        if sum(entry.file_size for entry in entries) > XLSX_MAX_UNCOMPRESSED_BYTES:
            raise too_big
        if any(
            entry.file_size > XLSX_MAX_SHARED_STRINGS_BYTES
            for entry in entries
            if "sharedstrings" in entry.filename.lower()
        ):
            raise too_big


def _read_xlsx(data: bytes) -> Sheet:
    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors ...)
        raise ValidationError(_("The Excel file is damaged: it could not be opened."), code="damaged") from None
    try:
        for worksheet in workbook.worksheets:
            head = _sheet_rows(worksheet, limit_rows=HASHTAG_SCAN_ROWS)
            try:
                hxl.data(hxl.input.make_input(head)).columns  # noqa: B018 (finds the hashtag row or raises)
            except hxl.input.HXLTagsNotFoundException:
                continue
            sheet = Sheet(file_format=XLSX, sheet_name=worksheet.title)
            if worksheet is not workbook.worksheets[0]:
                sheet.warnings.append(
                    _("The first sheet has no hashtag row; the sheet “%(sheet)s” was read.")
                    % {"sheet": worksheet.title}
                )
            _read_tagged(hxl.input.make_input(_sheet_rows(worksheet)), sheet)
            return sheet
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(_("The Excel file is damaged: it could not be read."), code="damaged") from None
    finally:
        workbook.close()
    raise _tags_not_found()


def _sheet_rows(worksheet, *, limit_rows: int | None = None) -> list[list]:
    """Cell values as lists, row 1 first (read-only openpyxl fills gaps with empty rows). Stops after a
    long run of empty rows, and at the row limit (plus room for header rows) with a clear error."""
    rows, filled, trailing_empty = [], 0, 0
    width = min(worksheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
    for values in worksheet.iter_rows(max_col=width, values_only=True):
        row = ["" if value is None else value for value in values]
        while row and row[-1] == "":
            row.pop()
        if row:
            filled, trailing_empty = filled + 1, 0
        else:
            trailing_empty += 1
            if trailing_empty > MAX_TRAILING_EMPTY_ROWS:
                break
        rows.append(row)
        if limit_rows and len(rows) >= limit_rows:
            break
        if filled > max_rows() + HASHTAG_SCAN_ROWS:  # data rows past the limit (with room for header rows)
            raise _too_many_rows()
    return rows[: len(rows) - trailing_empty] if trailing_empty else rows


def _too_many_rows() -> ValidationError:
    return ValidationError(
        _("The sheet has more than %(limit)s rows, the most one import takes. Split it into several files.")
        % {"limit": f"{max_rows():,}"},
        code="too_many_rows",
    )


def _tags_not_found() -> ValidationError:
    return ValidationError(
        _(
            "No HXL hashtag row was found in the first %(rows)s rows. Add a row of hashtags (#org+impl, #activity, "
            "#adm1+code …) directly under the column headers."
        )
        % {"rows": HASHTAG_SCAN_ROWS},
        code="no_hashtags",
    )


def _read_tagged(source, sheet: Sheet) -> None:
    """Columns and non-empty rows of a libhxl input; row numbers as the spreadsheet shows them."""
    dataset = hxl.data(source)
    try:
        columns = dataset.columns
    except hxl.input.HXLTagsNotFoundException:
        raise _tags_not_found() from None
    except (hxl.HXLException, OSError, ValueError, UnicodeError) as error:
        raise ValidationError(_("The file could not be read: %(error)s") % {"error": error}, code="read") from None
    sheet.hashtag_row = dataset._source_row_number + 1  # libhxl counts from 0; no public accessor
    sheet.columns = _map_columns(columns[:MAX_COLUMNS])
    wanted = [(column.index, column.field) for column in sheet.columns if column.field and not column.note]
    try:
        for row in dataset:
            values = list(row.values)
            if not any(_clean(value) for value in values):
                sheet.empty_rows += 1
                continue
            if len(sheet.rows) >= max_rows():
                raise _too_many_rows()
            mapped = {name: _clean(values[index]) if index < len(values) else "" for index, name in wanted}
            sheet.rows.append(SheetRow(number=row.source_row_number + 1, values=mapped))
    except (hxl.HXLException, OSError, UnicodeError, csv.Error) as error:
        raise ValidationError(_("The file could not be read: %(error)s") % {"error": error}, code="read") from None


def _map_columns(columns) -> list[SheetColumn]:
    result, seen = [], {}
    for index, column in enumerate(columns):
        header = _clean(column.header) if column.header is not None else ""
        hashtag = column.get_display_tag(sort_attributes=True) if column.tag else ""
        name = field_for_column(column.tag, column.attributes)
        note = "" if name else (NOT_USED if hashtag else NO_HASHTAG)
        if name and name in seen:
            note = DUPLICATE
        elif name:
            seen[name] = index
        result.append(SheetColumn(index=index, header=str(header), hashtag=hashtag, field=name, note=note))
    return result


def missing_columns(sheet: Sheet) -> list[str]:
    """The hashtags the import needs that the sheet lacks, as the user should add them."""
    fields = sheet.fields
    missing = []
    if not fields & {ORG_IMPL, ORG_IMPL_CODE}:
        missing.append(_("#org+impl (or #org): the implementing organisation"))
    if TITLE not in fields:
        missing.append(_("#activity: the programme title"))
    if not fields & set(LOCATION_FIELDS):
        missing.append(_("a location: #adm1+code, #adm1+name, #adm2+code or #adm2+name"))
    return missing


# -- cell values ------------------------------------------------------------------------------------
def _clean(value) -> object:
    """Text trimmed (and unneutralised); dates and numbers from XLSX as they are."""
    if value is None:
        return ""
    if isinstance(value, datetime | date | int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value).replace("\x00", "").strip()[:CELL_MAX_CHARACTERS]
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        text = text[1:]
    return text


def text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def split_list(value) -> list[str]:
    """Several values in one cell, separated by semicolons (names may contain commas)."""
    return [part.strip() for part in text(value).split(";")]


def folded(value: str) -> str:
    """For comparing names: accents, case and punctuation do not count ("Kajo-Keji" = "kajo keji")."""
    ascii_text = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode("ascii")
    return " ".join(re.split(r"[^0-9a-z]+", ascii_text.casefold())).strip()


EXCEL_EPOCH = date(1899, 12, 30)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y")


def parse_date(value) -> date | None:
    """ISO (2024-03-31), day first (31/03/2024, 31.03.2024, 31-03-2024), "31 Mar 2024", an Excel date cell or
    an Excel serial number (45382). Day-first because 3W templates are; US month-first dates are not read."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _excel_serial(value)
    raw = text(value)
    if not raw:
        return None
    if re.fullmatch(r"\d{4,5}(\.\d+)?", raw):
        return _excel_serial(Decimal(raw))
    candidate = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", "", raw)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(candidate, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date; write it as 2024-03-31 or 31/03/2024.") % {"value": raw})


def _excel_serial(number) -> date:
    if not 1 <= number <= 2958465:  # 9999-12-31
        raise ValueError(_("%(value)s is not a date.") % {"value": number})
    return EXCEL_EPOCH + timedelta(days=int(number))


# Words 3W templates use for the state of an activity, mapped to the IATI ActivityStatus code list.
STATUS_WORDS = {
    ActivityStatus.PIPELINE: (
        "pipeline",
        "identification",
        "pipeline identification",
        "planned",
        "planning",
        "proposed",
        "not started",
    ),
    ActivityStatus.IMPLEMENTATION: (
        "implementation",
        "ongoing",
        "on going",
        "active",
        "in progress",
        "started",
        "running",
        "current",
    ),
    ActivityStatus.FINALISATION: ("finalisation", "finalization"),
    ActivityStatus.CLOSED: ("closed", "completed", "complete", "finished", "ended", "done"),
    ActivityStatus.CANCELLED: ("cancelled", "canceled"),
    ActivityStatus.SUSPENDED: ("suspended", "on hold", "paused"),
}


def parse_status(value) -> ActivityStatus | None:
    """An IATI ActivityStatus code (1–6) or name, in English or the user's language, or a common 3W
    word: ongoing/active → implementation, planned → pipeline, completed/finished → closed."""
    raw = text(value)
    if not raw:
        return None
    if raw.isdigit() and int(raw) in ActivityStatus.values:
        return ActivityStatus(int(raw))
    wanted = folded(raw)
    for status, words in STATUS_WORDS.items():
        if wanted in words or wanted == folded(str(status.label)):
            return status
    raise ValueError(
        _("“%(value)s” is not an activity status; use one of: planned, ongoing, completed, suspended, cancelled.")
        % {"value": raw}
    )


def parse_amount(value) -> Decimal | None:
    """1500000, 1,500,000, 1 500 000 or 1500000.50; a comma alone is a decimal comma unless it groups thousands."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    raw = re.sub(r"[\s\u00a0\u202f_']", "", text(value))
    if not raw:
        return None
    if ("," in raw and "." in raw) or re.fullmatch(r"-?\d{1,3}(,\d{3})+", raw):
        raw = raw.replace(",", "")
    else:
        raw = raw.replace(",", ".")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": text(value)}) from None
    if not amount.is_finite():
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": text(value)})
    return amount
