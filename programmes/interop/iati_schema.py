"""Validation against the official IATI 2.03 activity schema, loaded once from the local copy.

The schema includes iati-common.xsd and imports xml.xsd by relative file name. Those are read from
reference/data/iati/schema-2.03/ and nothing else: a resolver refuses any other location, and the
parsers never touch the network or expand entities. Documents are checked with the same care
(no entities, no DTD, no network), since a file to check may be an untrusted upload.

    errors = validate(xml_bytes)       # [] when valid
    errors = validate(Path("export.xml"))  # streamed: bounded memory for a file of any size

A path is validated while it is parsed and the parse stops at the first invalid element, so its list
holds the first problem (libxml2 may report it twice); bytes are parsed whole and every problem is listed.
"""

import threading
from functools import cache
from pathlib import Path

from django.conf import settings
from lxml import etree

MAX_ERRORS = 100


def schema_dir() -> Path:
    return Path(settings.REFERENCE_DATA_DIR) / "iati" / "schema-2.03"


class LocalSchemaFilesOnly(etree.Resolver):
    """Lets libxml2 load the schema's own files by name; anything else (http://…, other paths) is refused."""

    def __init__(self, directory: Path):
        super().__init__()
        self.allowed = {path.resolve() for path in directory.glob("*.xsd")}

    def resolve(self, system_url, public_id, context):
        path = Path(str(system_url).removeprefix("file://")).resolve()
        if path in self.allowed:
            return self.resolve_filename(str(path), context)
        raise etree.XMLSchemaParseError(f"The IATI schema may only load its local files, not {system_url}")


def safe_parser(**options) -> etree.XMLParser:
    return etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, dtd_validation=False, **options)


@cache
def activities_schema() -> etree.XMLSchema:
    """The official iati-activities 2.03 schema, parsed once per process."""
    directory = schema_dir()
    parser = safe_parser()
    parser.resolvers.add(LocalSchemaFilesOnly(directory))
    document = etree.parse(str(directory / "iati-activities-schema.xsd"), parser)
    return etree.XMLSchema(document)


# lxml's validators keep their error log on the schema object: one validation at a time per process.
_lock = threading.Lock()


def _messages(error_log) -> list[str]:
    # Streaming validation reports some problems twice (once with line 0): keep one, with its line.
    lines: dict[str, int] = {}
    for entry in error_log:
        lines[entry.message] = max(lines.get(entry.message, 0), entry.line)
    return [f"line {line}: {message}" for message, line in list(lines.items())[:MAX_ERRORS]]


NO_DOCTYPE = "The document has a DOCTYPE declaration; IATI files have none and it is not accepted."


def validate(source: bytes | str | Path) -> list[str]:
    """Problems found by the IATI 2.03 schema in an iati-activities document; an empty list when it is valid."""
    schema = activities_schema()
    if isinstance(source, bytes):
        parser = safe_parser(huge_tree=True)
        try:
            document = etree.fromstring(source, parser)
        except etree.XMLSyntaxError as error:
            return _messages(parser.error_log) or [str(error)]
        if document.getroottree().docinfo.doctype:
            return [NO_DOCTYPE]
        with _lock:
            if schema.validate(document):
                return []
            return _messages(schema.error_log)
    return _validate_file(Path(source), schema)


def _has_doctype(path: Path) -> bool:
    """Whether the document declares a DOCTYPE (read up to its first element only)."""
    events = etree.iterparse(str(path), events=("start",), no_network=True, resolve_entities=False, load_dtd=False)
    for _event, element in events:
        return bool(element.getroottree().docinfo.doctype)
    return False


def _validate_file(path: Path, schema: etree.XMLSchema) -> list[str]:
    try:
        if _has_doctype(path):
            return [NO_DOCTYPE]
    except etree.XMLSyntaxError as error:
        return [str(error)]
    checked, last_identifier = 0, ""
    with _lock:
        try:
            # Without a DOCTYPE there are no entities to expand, and no DTD is loaded. (resolve_entities=False
            # is not passed here: with a schema, lxml then misses a file cut off before its end.)
            events = etree.iterparse(
                str(path),
                events=("end",),
                tag="iati-activity",
                schema=schema,
                no_network=True,
                load_dtd=False,
                huge_tree=True,
            )
            for _event, element in events:
                checked, last_identifier = checked + 1, element.findtext("iati-identifier") or ""
                # Keep memory flat: drop each activity once it has been checked.
                element.clear(keep_tail=False)
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
        except (etree.XMLSyntaxError, etree.XMLSchemaValidateError) as error:
            # Line numbers are often lost in streaming validation: say how far the parse had got.
            where = f"stopped after {checked} activities (last read: {last_identifier or 'none'})"
            messages = _messages(events.error_log) if isinstance(error, etree.XMLSyntaxError) else []
            return [f"{where}: {message}" for message in messages or [str(error)]]
    return []
