"""Checks on an uploaded analysis file: its size, and its type read from its CONTENT.

The extension and the browser's content type are the uploader's claims, so neither decides: an
.exe renamed report.pdf starts with "MZ", not "%PDF-", and is refused. Office files are zip
archives; only those whose manifest names a Word, Excel or PowerPoint document (without macros) or
an OpenDocument text or spreadsheet pass. Only the few small manifest entries are read, never the
whole archive, so a zip bomb costs nothing. The file is stored under a generated name with the
extension of the detected type; the original name is kept, sanitised, for the download.
"""

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_MAX_UPLOAD_MB = 20
MANIFEST_MAX_BYTES = 1024 * 1024  # a real [Content_Types].xml is a few kilobytes
BINARY_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # tab, newlines, form feed are text
# Text that is really a web page, an SVG image or XML: a browser could run its scripts if it ever rendered it.
MARKUP_DOCUMENT = re.compile(r"\A\s*<(?:!doctype|html|head|body|svg|script|iframe|\?xml|!--)", re.IGNORECASE)


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str


PDF = FileType(".pdf", "application/pdf", gettext_lazy("PDF"))
DOCX = FileType(
    ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", gettext_lazy("Word document")
)
XLSX = FileType(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", gettext_lazy("Excel"))
PPTX = FileType(
    ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", gettext_lazy("PowerPoint")
)
ODT = FileType(".odt", "application/vnd.oasis.opendocument.text", gettext_lazy("OpenDocument text"))
ODS = FileType(".ods", "application/vnd.oasis.opendocument.spreadsheet", gettext_lazy("OpenDocument spreadsheet"))
TEXT = FileType(".txt", "text/plain; charset=utf-8", gettext_lazy("plain text"))
FILE_TYPES = (PDF, DOCX, XLSX, PPTX, ODT, ODS, TEXT)

# The main part's content type in [Content_Types].xml; macro-enabled variants (.docm …) have other names.
OOXML_MAIN_PARTS = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
}


def accepted_types_text() -> str:
    return _("Accepted: PDF, Word, Excel, PowerPoint, OpenDocument text or spreadsheet, and plain text (UTF-8).")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed the checks: what it really is, and the name to offer on download."""

    file: File
    file_type: FileType
    original_name: str


def max_upload_bytes() -> int:
    return getattr(settings, "ANALYSIS_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB) * 1024 * 1024


def check_upload(upload: File) -> CheckedUpload:
    """The upload with its detected type, or ValidationError with a message the uploader can act on."""
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it or compress its images, then try again.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": limit // (1024 * 1024)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            file_type = PDF
        elif head.startswith(b"PK\x03\x04"):
            file_type = _office_type(upload)
        else:
            file_type = _text_type(upload)
    finally:
        upload.seek(0)
    return CheckedUpload(
        file=upload, file_type=file_type, original_name=download_name(upload.name, file_type.extension)
    )


def _office_type(upload: File) -> FileType:
    not_office = ValidationError(
        _("This zip file is not a Word, Excel, PowerPoint or OpenDocument file. %(accepted)s")
        % {"accepted": accepted_types_text()},
        code="not_office",
    )
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(_("The file looks like a zip archive but is damaged."), code="damaged") from None
    with archive:
        entries = archive.infolist()
        names = {entry.filename for entry in entries}
        if any(PurePath(name).name.lower() == "vbaproject.bin" for name in names):
            raise ValidationError(_("Office files with macros are not accepted."), code="macros")
        if entries and entries[0].filename == "mimetype" and entries[0].file_size <= 100:
            mimetype = _read_entry(archive, entries[0]).strip()
            if mimetype in ODF_MIMETYPES:
                return ODF_MIMETYPES[mimetype]
        manifest = next((entry for entry in entries if entry.filename == "[Content_Types].xml"), None)
        if manifest is None or manifest.file_size > MANIFEST_MAX_BYTES:
            raise not_office
        content_types = _read_entry(archive, manifest)
        for main_part, file_type in OOXML_MAIN_PARTS.items():
            if main_part in content_types:
                return file_type
    raise not_office


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(entry) as stream:
            return stream.read(MANIFEST_MAX_BYTES + 1)
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
        # Damaged, encrypted or an unsupported compression method: not a document we can vouch for.
        raise ValidationError(_("The file looks like a zip archive but is damaged."), code="damaged") from None


def _text_type(upload: File) -> FileType:
    """Plain text: valid UTF-8 throughout, with no NUL or other binary control characters."""
    refused = ValidationError(
        _("This type of file is not accepted. %(accepted)s") % {"accepted": accepted_types_text()}, code="type"
    )
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise refused from None
    if BINARY_CONTROL_CHARACTERS.search(text):
        raise refused
    if MARKUP_DOCUMENT.match(text.lstrip("\ufeff")):
        raise ValidationError(
            _("Web pages, SVG images and XML files are not accepted. %(accepted)s")
            % {"accepted": accepted_types_text()},
            code="markup",
        )
    return TEXT


UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def download_name(name: str | None, extension: str) -> str:
    """The uploader's file name, made safe to offer back: no path, no control or reserved characters,
    at most 200 characters, and the extension of the type the content really has."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = unicodedata.normalize("NFC", UNSAFE_IN_NAMES.sub("_", base))
    base = " ".join(base.split()).lstrip(".- ")
    stem = base[: -len(PurePath(base).suffix)] if PurePath(base).suffix else base
    stem = stem.rstrip(". ")[:190] or "analysis"
    return f"{stem}{extension}"


def file_type_of(stored_name: str) -> FileType | None:
    """The type of a stored file, from the extension this module gave it."""
    suffix = PurePath(stored_name).suffix.lower()
    return next((file_type for file_type in FILE_TYPES if file_type.extension == suffix), None)
