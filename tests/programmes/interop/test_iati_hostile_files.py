"""Hostile, broken or wrong files are refused whole, with a message the uploader can act on, and nothing is written.

The parser never expands entities, never reads a DOCTYPE and never touches the network or the disk beyond
the file itself; the whole file is checked before the first activity is written.
"""

import tracemalloc

import pytest

from actors.models import Actor
from funding.models import FundingAgreement
from programmes.interop.safe_xml import IatiFileRejected, count_activities, iter_activities, read_header
from programmes.models import Programme
from programmes.models_imports import ImportStatus
from tests.programmes.interop.iati_files import MAPPING, activities_file, activity_xml

pytestmark = pytest.mark.django_db

ORGANISATION_EXAMPLE = (
    MAPPING.parent.parent.parent.parent / "reference/data/iati/examples/organisation-standard-example-annotated.xml"
)
GOOD = activity_xml("XM-GOOD-1")

XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE iati-activities [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    f'<iati-activities version="2.03">{GOOD.replace("Activity XM-GOOD-1", "&secret;")}</iati-activities>'
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + f']>\n<iati-activities version="2.03">{GOOD.replace("Activity XM-GOOD-1", "&lol9;")}</iati-activities>'
)
DOCTYPE_ONLY = (
    f'<?xml version="1.0"?>\n<!DOCTYPE iati-activities>\n<iati-activities version="2.03">{GOOD}</iati-activities>'
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?>\n<!DOCTYPE iati-activities SYSTEM "http://example.org/iati.dtd">\n'
    f'<iati-activities version="2.03">{GOOD}</iati-activities>'
)


def truncated() -> bytes:
    data = MAPPING.read_bytes()
    return data[: data.index(b"<iati-identifier>XM-TEST-NGO1-ACT2")]  # the first activity complete, the second cut off


CASES = {
    "XXE external entity": (XXE, "declares a document type (<!DOCTYPE …>)"),
    "billion laughs": (BILLION_LAUGHS, "declares a document type (<!DOCTYPE …>)"),
    "DOCTYPE only": (DOCTYPE_ONLY, "declares a document type (<!DOCTYPE …>)"),
    "external DTD": (EXTERNAL_DTD, "declares a document type (<!DOCTYPE …>)"),
    "wrong root": (
        f'<?xml version="1.0"?><activities version="2.03">{GOOD}</activities>',
        "The root element is <activities>; an IATI activity file starts with <iati-activities>.",
    ),
    "root in another namespace": (
        f'<iati-activities xmlns="http://example.org/iati" version="2.03">{GOOD}</iati-activities>',
        "The root element <iati-activities> is in the XML namespace http://example.org/iati.",
    ),
    "organisation file": (
        ORGANISATION_EXAMPLE.read_bytes(),
        "This is an IATI organisation file (<iati-organisations>), not an activity file.",
    ),
    "version 1": (activities_file(GOOD, version="1.05"), "This is an IATI 1.05 file. Version 1 is no longer supported"),
    "no version": (
        activities_file(GOOD).replace(' version="2.03"', ""),
        "The file does not say which IATI version it follows",
    ),
    "truncated": (
        truncated(),
        "The file is not valid XML at line 140, column 2: the file ends before the XML is complete",
    ),
    "mismatched tags": (
        activities_file(GOOD, activity_xml("XM-GOOD-2").replace("</title>", "</titel>")),
        "a closing tag does not match its opening tag",
    ),
    "invalid UTF-8": (
        activities_file(GOOD, activity_xml("XM-GOOD-2")).encode().replace(b"Activity XM-GOOD-2", b"Activity \xff\xfe"),
        "line 2, column 683: there are bytes that are not valid in the file's encoding",
    ),
    "undefined entity": (
        activities_file(GOOD.replace("Activity XM-GOOD-1", "&nbsp;")),
        "it uses an entity (&name;) that XML does not define",
    ),
    "unknown encoding": (
        f'<?xml version="1.0" encoding="x-unknown-42"?><iati-activities version="2.03">{GOOD}</iati-activities>',
        "The XML declaration names an unknown encoding.",
    ),
    "empty": (b"", "The file is empty."),
    "not XML": (b"%PDF-1.4 not an xml file", "The file is not valid XML at line 1, column 8: there are bytes"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_or_broken_file_is_refused_with_a_clear_message_and_nothing_is_written(
    reference_data, import_file, case
):
    content, expected = CASES[case]
    job = import_file(content)

    assert job.status == ImportStatus.FAILED
    assert expected in job.message
    assert job.finished_at is not None
    assert (job.processed, job.created_count, job.error_count) == (0, 0, 0)
    assert not Programme.objects.exists()
    assert not Actor.objects.exists()
    assert not FundingAgreement.objects.exists()
    assert not job.problems.exists()


def test_the_content_of_an_external_entity_never_reaches_the_database(reference_data, import_file):
    import_file(XXE)
    assert not Programme.objects.filter(title__contains="root:").exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(reference_data, import_file, settings):
    settings.IATI_MAX_UPLOAD_MB = 1
    padding = "<!-- " + "x" * (1024 * 1024) + " -->"
    job = import_file(activities_file(GOOD) + padding)

    assert job.status == ImportStatus.FAILED
    assert job.message == "The file is 1.0 MB; the limit for IATI files is 1 MB. Split it into smaller files."
    assert not Programme.objects.exists()


def test_a_stream_longer_than_the_limit_is_cut_off_while_reading(settings):
    settings.IATI_MAX_UPLOAD_MB = 1

    class UnknownSize:  # a stream that does not tell its size, like a socket
        def __init__(self):
            self.data = (activities_file(*[activity_xml(f"XM-{i}") for i in range(5000)])).encode()
            self.position = 0

        def seek(self, position):
            self.position = position

        def read(self, size=-1):
            chunk = self.data[self.position : self.position + size]
            self.position += len(chunk)
            return chunk

    with pytest.raises(IatiFileRejected, match="the limit for IATI files is 1 MB"):
        count_activities(UnknownSize())


def test_a_missing_file_is_refused_with_the_reason(import_file, tmp_path):
    job = import_file(tmp_path / "does-not-exist.xml")
    assert job.status == ImportStatus.FAILED
    assert job.message == "The file cannot be read: No such file or directory."


def test_the_header_check_reads_only_the_start_of_the_file():
    version = read_header(MAPPING)
    assert (version.version, version.default_lang) == ("2.03", "")
    with pytest.raises(IatiFileRejected, match="organisation file"):
        read_header(ORGANISATION_EXAMPLE)


def test_memory_stays_bounded_while_streaming_a_large_file(tmp_path):
    path = tmp_path / "large.xml"
    activity = activity_xml("XM-{}", body="<description><narrative>" + "Water. " * 150 + "</narrative></description>")
    with path.open("w") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">')
        for number in range(6000):
            out.write(activity.replace("XM-{}", f"XM-{number}"))
        out.write("</iati-activities>")
    assert path.stat().st_size > 8 * 1024 * 1024

    tracemalloc.start()
    try:
        seen = sum(1 for _ in iter_activities(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert seen == 6000
    assert peak < 2 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB while streaming an 8 MB file"
