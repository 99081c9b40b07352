"""The official IATI 2.03 schema, loaded once from the local copy, checks documents given as bytes or as a file."""

import pytest
from lxml import etree

from programmes.interop import iati_schema
from programmes.interop.iati_schema import LocalSchemaFilesOnly, activities_schema, safe_parser, validate

VALID = b"""<?xml version="1.0" encoding="utf-8"?>
<iati-activities version="2.03">
  <iati-activity>
    <iati-identifier>XM-DAC-7-1</iati-identifier>
    <reporting-org ref="XM-DAC-7" type="10"><narrative>Norway</narrative></reporting-org>
    <title><narrative>Water</narrative></title>
    <description><narrative>Boreholes</narrative></description>
    <participating-org role="1" ref="XM-DAC-7"/>
    <activity-status code="2"/>
    <activity-date type="1" iso-date="2025-01-01"/>
  </iati-activity>
</iati-activities>
"""
BAD_DATE = VALID.replace(b'iso-date="2025-01-01"', b'iso-date="first of May"')
OUT_OF_ORDER = VALID.replace(b'<activity-status code="2"/>', b"").replace(
    b"<title>", b'<activity-status code="2"/><title>'
)


def test_the_schema_is_loaded_once_per_process():
    assert activities_schema() is activities_schema()


def test_a_valid_document_has_no_errors_as_bytes_and_as_a_file(tmp_path):
    path = tmp_path / "ok.xml"
    path.write_bytes(VALID)
    assert validate(VALID) == []
    assert validate(path) == []
    assert validate(str(path)) == []


def test_the_official_annotated_example_validates(settings):
    example = settings.REFERENCE_DATA_DIR / "iati" / "examples" / "activity-standard-example-annotated.xml"
    assert validate(example) == []


@pytest.mark.parametrize(("document", "expected"), [(BAD_DATE, "iso-date"), (OUT_OF_ORDER, "not expected")])
def test_an_invalid_document_gets_the_schema_s_messages(tmp_path, document, expected):
    errors = validate(document)
    assert errors and expected in errors[0]
    assert errors[0].startswith("line ")
    path = tmp_path / "bad.xml"
    path.write_bytes(document)
    from_file = validate(path)
    assert from_file and expected in from_file[0]


def test_a_document_that_is_not_well_formed_is_reported_not_raised(tmp_path):
    assert validate(b"<iati-activities version='2.03'><iati-activity>")
    path = tmp_path / "broken.xml"
    path.write_bytes(b"<iati-activities version='2.03'>")
    assert validate(path)


def test_an_empty_activities_element_is_invalid_because_the_schema_asks_for_one_activity():
    assert validate(b'<iati-activities version="2.03"/>')


def test_entities_are_never_expanded_and_a_doctype_is_refused(tmp_path):
    laughs = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<iati-activities version="2.03">&lol2;</iati-activities>"""
    external = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&xxe;</iati-identifier></iati-activity>
</iati-activities>"""
    for document in (laughs, external):
        assert validate(document) == [iati_schema.NO_DOCTYPE]
        path = tmp_path / "entities.xml"
        path.write_bytes(document)
        assert validate(path) == [iati_schema.NO_DOCTYPE]


def test_the_schema_loader_refuses_includes_from_the_network_or_elsewhere(tmp_path):
    (tmp_path / "remote.xsd").write_text(
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        '<xsd:include schemaLocation="http://example.com/other.xsd"/></xsd:schema>'
    )
    parser = safe_parser()
    parser.resolvers.add(LocalSchemaFilesOnly(tmp_path))
    with pytest.raises(etree.XMLSchemaParseError):
        etree.XMLSchema(etree.parse(str(tmp_path / "remote.xsd"), parser))
