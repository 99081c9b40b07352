"""Reading untrusted IATI activity files: streaming, bounded, and without any of XML's dangerous features.

Files come from anyone who may upload, so the parser is defusedxml's (expat underneath) with every
hazard forbidden: a DOCTYPE (which is where entity definitions live: external entities reading
file:///etc/passwd, "billion laughs" expansion), entity declarations and external references.
Expat never fetches anything over the network. The file is read in chunks and never whole: each
<iati-activity> is handed out when it closes and dropped as soon as the caller asks for the next, so
memory stays that of one activity however large the file. Files larger than
settings.IATI_MAX_UPLOAD_MB are refused before parsing, and a stream that turns out longer is cut
off while reading.

Every refusal is one exception type, IatiFileRejected, whose message tells the uploader what is
wrong in words they can act on (translated, with the line number for broken XML).
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

import defusedxml.ElementTree as DefusedET
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from django.conf import settings
from django.utils.translation import gettext as _

SUPPORTED_VERSIONS = ("2.01", "2.02", "2.03")
ROOT = "iati-activities"
ACTIVITY = "iati-activity"
ORGANISATIONS_ROOT = "iati-organisations"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CHUNK = 64 * 1024


class IatiFileRejected(Exception):
    """The whole file cannot be imported; `message` says why, for the person who uploaded it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FileHeader:
    version: str
    default_lang: str  # xml:lang of <iati-activities>, if any


def max_bytes() -> int:
    return int(settings.IATI_MAX_UPLOAD_MB) * 1024 * 1024


def too_large(size: int) -> IatiFileRejected:
    return IatiFileRejected(
        _("The file is %(size)s MB; the limit for IATI files is %(limit)s MB. Split it into smaller files.")
        % {"size": f"{size / 1024 / 1024:.1f}", "limit": settings.IATI_MAX_UPLOAD_MB}
    )


class _BoundedReader:
    """A binary stream that refuses to deliver more than `limit` bytes (for streams of unknown size)."""

    def __init__(self, stream, limit: int):
        self.stream, self.limit, self.consumed = stream, limit, 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(CHUNK if size is None or size < 0 else size)
        self.consumed += len(data)
        if self.consumed > self.limit:
            raise too_large(self.consumed)
        return data


def _size_of(stream) -> int | None:
    size = getattr(stream, "size", None)
    if size is not None:
        return size
    try:
        return os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return None


@contextmanager
def open_source(source):
    """A binary stream for a path or an already open file (rewound), checked against the size limit."""
    if isinstance(source, str | Path):
        try:
            stream = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as error:
            raise IatiFileRejected(
                _("The file cannot be read: %(reason)s.") % {"reason": error.strerror or error}
            ) from None
        close = True
    else:
        stream, close = source, False
        stream.seek(0)
    try:
        size = _size_of(stream)
        if size is not None and size > max_bytes():
            raise too_large(size)
        if size == 0:
            raise IatiFileRejected(_("The file is empty."))
        yield _BoundedReader(stream, max_bytes())
    finally:
        if close:
            stream.close()
        else:
            stream.seek(0)


def _broken_xml(error: ParseError) -> IatiFileRejected:
    line, column = error.position
    reasons = {
        expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]: _(
            "the file ends before the XML is complete (is it truncated, or empty?)"
        ),
        expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN]: _(
            "there are bytes that are not valid in the file's encoding (UTF-8 unless the XML declaration "
            "says otherwise), or characters that XML does not allow"
        ),
        expat.errors.codes[expat.errors.XML_ERROR_TAG_MISMATCH]: _("a closing tag does not match its opening tag"),
        expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN]: _("a tag is not closed"),
        expat.errors.codes[expat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT]: _(
            "there is more content after the end of <iati-activities>"
        ),
        expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]: _(
            "it uses an entity (&name;) that XML does not define"
        ),
        expat.errors.codes[expat.errors.XML_ERROR_INCORRECT_ENCODING]: _(
            "the XML declaration names another encoding than the file is written in"
        ),
    }
    reason = reasons.get(error.code, _("the XML is not well-formed"))
    return IatiFileRejected(
        _("The file is not valid XML at line %(line)s, column %(column)s: %(reason)s. Nothing was imported.")
        % {"line": line, "column": column, "reason": reason}
    )


def _events(stream) -> Iterator[tuple[str, Element]]:
    """Start and end events of the defused parser, with every failure turned into IatiFileRejected."""
    try:
        yield from DefusedET.iterparse(
            stream, events=("start", "end"), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DTDForbidden:
        raise IatiFileRejected(
            _(
                "The file declares a document type (<!DOCTYPE …>). IATI files never need one, and it can carry "
                "entity definitions that attack the server, so the file was refused. Remove the DOCTYPE and try again."
            )
        ) from None
    except (EntitiesForbidden, ExternalReferenceForbidden):
        raise IatiFileRejected(
            _("The file defines or refers to XML entities, which are not accepted. Nothing was imported.")
        ) from None
    except ParseError as error:
        raise _broken_xml(error) from None
    except LookupError:  # <?xml encoding="…"?> naming an encoding Python does not know
        raise IatiFileRejected(
            _("The XML declaration names an unknown encoding. Save the file as UTF-8 and try again.")
        ) from None


def _check_root(root: Element) -> FileHeader:
    tag = root.tag
    if tag.startswith("{"):
        namespace, local = tag[1:].split("}", 1)
        raise IatiFileRejected(
            _(
                "The root element <%(tag)s> is in the XML namespace %(namespace)s. An IATI activity file starts "
                "with <iati-activities> in no namespace."
            )
            % {"tag": local, "namespace": namespace}
        )
    if tag == ORGANISATIONS_ROOT:
        raise IatiFileRejected(
            _(
                "This is an IATI organisation file (<iati-organisations>), not an activity file. The portal "
                "imports activity files (<iati-activities>)."
            )
        )
    if tag != ROOT:
        raise IatiFileRejected(
            _("The root element is <%(tag)s>; an IATI activity file starts with <iati-activities>.") % {"tag": tag}
        )
    version = (root.get("version") or "").strip()
    if version not in SUPPORTED_VERSIONS:
        supported = ", ".join(SUPPORTED_VERSIONS)
        if not version:
            message = _(
                "The file does not say which IATI version it follows (the version attribute of "
                "<iati-activities>). The portal imports IATI %(supported)s files."
            )
        elif version.startswith("1."):
            message = _(
                "This is an IATI %(version)s file. Version 1 is no longer supported: the portal imports IATI "
                "%(supported)s files. Ask the publisher for a version 2 file."
            )
        else:
            message = _("This is an IATI %(version)s file; the portal imports IATI %(supported)s files.")
        raise IatiFileRejected(message % {"version": version, "supported": supported})
    return FileHeader(version=version, default_lang=(root.get(XML_LANG) or "").strip().lower())


def read_header(source) -> FileHeader:
    """Check the file's start (no DOCTYPE, the right root and version) without reading the rest."""
    with open_source(source) as stream:
        for event, element in _events(stream):
            if event == "start":
                return _check_root(element)
    raise IatiFileRejected(_("The file contains no XML element."))  # pragma: no cover - expat raises first


def iter_activities(source) -> Iterator[Element]:
    """Each <iati-activity> of the file, complete, one at a time; it is cleared when the next is asked for.

    The whole file is checked as it streams: a problem anywhere raises IatiFileRejected at that point.
    Call `count_activities` first to refuse a broken file before anything is written.
    """
    with open_source(source) as stream:
        root, depth = None, 0
        for event, element in _events(stream):
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                    _check_root(root)
                continue
            depth -= 1
            if depth == 1:
                if element.tag == ACTIVITY:
                    yield element
                del root[:]  # drop the finished child (and any siblings kept so far): memory stays bounded


def count_activities(source) -> int:
    """Stream through the whole file once: the number of activities, or IatiFileRejected if any of it is bad."""
    return sum(1 for _ in iter_activities(source))
