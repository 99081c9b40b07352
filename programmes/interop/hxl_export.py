"""HXL-tagged downloads: programmes as a 3W sheet and coordination flags, as CSV or XLSX.

Row 1 has human headers (in the user's language), row 2 the HXL hashtags, then the data.

- Programmes: one row per programme × location (the 3W convention: who does what WHERE), with the
  country, admin 1 and admin 2 p-codes and names of the location; a programme without locations has
  one row with the location cells empty. Several organisations or sectors in one cell are separated
  by "; " (identifiers in the same order as the names). Status is the English IATI code name, dates are
  ISO (2024-03-31). The sheet re-imports as it is (hxl_import groups the rows back into programmes).
- Flags: one row per flag, with its rule (#indicator+code), severity, status, place and dates.

Every cell is text. A value starting with = + - @ (or their full-width forms), a tab, CR or NUL is
neutralised with a leading apostrophe, so no spreadsheet runs it as a formula; XLSX cells are written
as strings (data type "s"), never formulas, and characters XML cannot hold are dropped.

The rows are read with `QuerySet.iterator(chunk_size=…)` and prefetches, so the queries per chunk are
fixed however many programmes there are, and the CSV streams while it is read.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from actors.models import Actor
from programmes.choices import ActivityStatus, OrganisationRole
from programmes.interop.hxl_read import FORMULA_TRIGGERS
from programmes.models import Programme, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from reference.choices import AreaLevel, SectorVocabulary

CHUNK = 500
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
# The IATI ActivityStatus names, untranslated: values must read back the same in every language.
STATUS_NAMES = {
    ActivityStatus.PIPELINE: "Pipeline/identification",
    ActivityStatus.IMPLEMENTATION: "Implementation",
    ActivityStatus.FINALISATION: "Finalisation",
    ActivityStatus.CLOSED: "Closed",
    ActivityStatus.CANCELLED: "Cancelled",
    ActivityStatus.SUSPENDED: "Suspended",
}


def neutralise(value) -> str:
    """The cell as text a spreadsheet will not evaluate: a leading apostrophe before formula triggers."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


# -- programmes -------------------------------------------------------------------------------------
def _joined(values: Iterable[str]) -> str:
    return "; ".join(value.replace(";", ",") for value in values)


def _organisations(programme: Programme, role: int) -> list[Actor]:
    actors = [link.actor for link in programme.participations.all() if link.role == role]
    if role == OrganisationRole.IMPLEMENTING and not actors:
        return [programme.reporting_actor]
    # The reporting actor first: importing makes the first implementer the reporting actor.
    return sorted(actors, key=lambda actor: (actor.pk != programme.reporting_actor_id, actor.name.casefold(), actor.pk))


def _codes(actors: list[Actor]) -> str:
    return _joined(actor.iati_identifier for actor in actors) if any(a.iati_identifier for a in actors) else ""


def _sectors(programme: Programme, vocabularies) -> str:
    shares = sorted(
        (share for share in programme.sector_shares.all() if share.sector.vocabulary in vocabularies),
        key=lambda share: (-share.percentage, share.sector.code),
    )
    return _joined(share.sector.code for share in shares)


def _place(area) -> dict[str, str]:
    """Country, admin 1 and admin 2 cells of a location (empty for the levels below it)."""
    if area is None:
        return {}
    adm1 = area if area.level == AreaLevel.ADMIN1 else area.parent if area.level == AreaLevel.ADMIN2 else None
    adm2 = area if area.level == AreaLevel.ADMIN2 else None
    return {
        "country": area.country_code,
        "adm1_code": adm1.pcode if adm1 else "",
        "adm1_name": adm1.name if adm1 else "",
        "adm2_code": adm2.pcode if adm2 else "",
        "adm2_name": adm2.name if adm2 else "",
    }


PROGRAMME_COLUMNS: list[tuple[str, str, Callable]] = [
    (_("IATI identifier"), "#activity+code", lambda p, place: p.iati_identifier),
    (_("Title"), "#activity", lambda p, place: p.title),
    (_("Implementing organisations"), "#org+impl", lambda p, place: _joined(a.name for a in p.implementers)),
    (_("Implementing organisation identifiers"), "#org+impl+code", lambda p, place: _codes(p.implementers)),
    (_("Funding organisations"), "#org+funding", lambda p, place: _joined(a.name for a in p.funders)),
    (_("Funding organisation identifiers"), "#org+funding+code", lambda p, place: _codes(p.funders)),
    (_("Clusters"), "#sector", lambda p, place: _sectors(p, (SectorVocabulary.CLUSTER,))),
    (_("DAC sectors"), "#subsector", lambda p, place: _sectors(p, (SectorVocabulary.DAC5, SectorVocabulary.DAC3))),
    (_("Country"), "#country+code", lambda p, place: place.get("country", "")),
    (_("Admin 1 p-code"), "#adm1+code", lambda p, place: place.get("adm1_code", "")),
    (_("Admin 1"), "#adm1+name", lambda p, place: place.get("adm1_name", "")),
    (_("Admin 2 p-code"), "#adm2+code", lambda p, place: place.get("adm2_code", "")),
    (_("Admin 2"), "#adm2+name", lambda p, place: place.get("adm2_name", "")),
    (_("Start"), "#date+start", lambda p, place: p.start_date.isoformat() if p.start_date else ""),
    (_("End"), "#date+end", lambda p, place: p.end_date.isoformat() if p.end_date else ""),
    (_("Status"), "#status", lambda p, place: STATUS_NAMES.get(p.status, "")),
    (_("Total budget"), "#value+budget", lambda p, place: "" if p.total_budget is None else f"{p.total_budget:f}"),
    (_("Currency"), "#currency", lambda p, place: p.currency),
]


def programmes_for_export(programmes: QuerySet) -> QuerySet:
    """The related rows each exported programme needs, fetched per chunk (a fixed number of queries)."""
    return (
        programmes.prefetch_related(None)
        .select_related("reporting_actor")
        .prefetch_related(
            Prefetch("participations", queryset=ProgrammeParticipant.objects.select_related("actor").order_by("pk")),
            Prefetch("sector_shares", queryset=ProgrammeSector.objects.select_related("sector").order_by("pk")),
            Prefetch(
                "location_links",
                queryset=ProgrammeLocation.objects.select_related("area__parent").order_by("area__path", "pk"),
            ),
        )
    )


def programme_rows(programmes: QuerySet) -> Iterator[list[str]]:
    yield [str(header) for header, _, _ in PROGRAMME_COLUMNS]
    yield [hashtag for _, hashtag, _ in PROGRAMME_COLUMNS]
    for programme in programmes_for_export(programmes).iterator(chunk_size=CHUNK):
        programme.implementers = _organisations(programme, OrganisationRole.IMPLEMENTING)
        programme.funders = _organisations(programme, OrganisationRole.FUNDING)
        areas = [link.area for link in programme.location_links.all()] or [None]
        for area in areas:
            place = _place(area)
            yield [neutralise(value(programme, place)) for _, _, value in PROGRAMME_COLUMNS]


# -- flags ------------------------------------------------------------------------------------------
def _flag_message(flag) -> str:
    if (get_language() or "").startswith("nb") and flag.message_nb:
        return flag.message_nb
    return flag.message


def _flag_place(flag) -> dict[str, str]:
    place = _place(flag.area)
    if not place and flag.country_id:
        place = {"country": flag.country.pcode}
    return place


def _flag_columns(build_url: Callable[[str], str]) -> list[tuple[str, str, Callable]]:
    from coordination.selectors.flags import rule_label

    return [
        (_("Flag"), "#meta+id", lambda f, place: str(f.pk)),
        (_("Rule"), "#indicator+code", lambda f, place: f.rule),
        (_("Rule title"), "#indicator+name", lambda f, place: str(rule_label(f.rule))),
        (_("Severity"), "#severity", lambda f, place: f.severity),
        (_("Status"), "#status", lambda f, place: f.status),
        (_("Finding"), "#description", lambda f, place: _flag_message(f)),
        (_("Country"), "#country+code", lambda f, place: place.get("country", "")),
        (_("Admin 1 p-code"), "#adm1+code", lambda f, place: place.get("adm1_code", "")),
        (_("Admin 1"), "#adm1+name", lambda f, place: place.get("adm1_name", "")),
        (_("Admin 2 p-code"), "#adm2+code", lambda f, place: place.get("adm2_code", "")),
        (_("Admin 2"), "#adm2+name", lambda f, place: place.get("adm2_name", "")),
        (_("Responsible"), "#org+responsible", lambda f, place: _joined(a.name for a in f.responsible_actors.all())),
        (_("Assigned to"), "#org+assigned", lambda f, place: f.assigned_to.name if f.assigned_to_id else ""),
        (_("First seen"), "#date+reported", lambda f, place: f.first_seen.date().isoformat()),
        (_("Last seen"), "#date+updated", lambda f, place: f.last_seen.date().isoformat()),
        (_("Resolved"), "#date+resolved", lambda f, place: f.resolved_at.date().isoformat() if f.resolved_at else ""),
        (_("Link"), "#meta+url", lambda f, place: build_url(f.get_absolute_url())),
    ]


def flag_rows(flags: QuerySet, *, build_url: Callable[[str], str] = str) -> Iterator[list[str]]:
    columns = _flag_columns(build_url)
    yield [str(header) for header, _, _ in columns]
    yield [hashtag for _, hashtag, _ in columns]
    related = (
        flags.prefetch_related(None)
        .select_related("country", "area__parent", "assigned_to")
        .prefetch_related(Prefetch("responsible_actors", queryset=Actor.objects.order_by("name", "pk")))
    )
    for flag in related.iterator(chunk_size=CHUNK):
        place = _flag_place(flag)
        yield [neutralise(value(flag, place)) for _, _, value in columns]


# -- files ------------------------------------------------------------------------------------------
class _Echo:
    """csv.writer writes to this and gets the line back, to stream it."""

    def write(self, value: str) -> str:
        return value


def _csv_chunks(rows: Iterable[list[str]], lines_per_chunk: int = 200) -> Iterator[str]:
    writer = csv.writer(_Echo())
    buffer = ["\ufeff"]  # a BOM: Excel opens the file as UTF-8
    for row in rows:
        buffer.append(writer.writerow(row))
        if len(buffer) >= lines_per_chunk:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)


def export_filename(stem: str, file_format: str) -> str:
    return f"{stem}-hxl-{timezone.localdate().isoformat()}.{file_format}"


def csv_response(rows: Iterable[list[str]], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_chunks(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_xlsx(rows: Iterable[list[str]], stream, *, title: str) -> None:
    """A write-only workbook (rows go to disk as they come), every cell a string."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        cells = []
        for value in row:
            # Characters XML cannot hold are dropped first, so what is left is neutralised if it needs to be.
            cell = WriteOnlyCell(sheet, value=neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(stream)


def xlsx_response(rows: Iterable[list[str]], *, filename: str, title: str) -> FileResponse:
    stream = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    write_xlsx(rows, stream, title=title)
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def response(rows: Iterable[list[str]], *, file_format: str, stem: str, title: str):
    filename = export_filename(stem, file_format)
    if file_format == "xlsx":
        return xlsx_response(rows, filename=filename, title=title)
    return csv_response(rows, filename=filename)


def programmes_response(programmes: QuerySet, *, file_format: str):
    return response(programme_rows(programmes), file_format=file_format, stem="programmes", title=str(_("Programmes")))


def flags_response(flags: QuerySet, *, file_format: str, build_url: Callable[[str], str] = str):
    rows = flag_rows(flags, build_url=build_url)
    return response(rows, file_format=file_format, stem="flags", title=str(_("Flags")))
