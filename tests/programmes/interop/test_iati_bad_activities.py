"""One bad activity among good ones: the good ones are imported, the bad one not at all, with a reason."""

import pytest

from actors.models import Actor
from funding.models import FundingAgreement
from programmes.models import Programme
from programmes.models_imports import ImportStatus, ProblemLevel
from tests.programmes.interop.iati_files import activities_file, activity_xml

pytestmark = pytest.mark.django_db

NEW_PARTNER = (
    '<participating-org ref="XM-NEW-PARTNER" role="4" type="24">'
    "<narrative>Brand new partner</narrative></participating-org>"
    '<transaction><transaction-type code="3"/><transaction-date iso-date="2025-02-01"/>'
    '<value value-date="2025-02-01">10</value>'
    '<receiver-org ref="XM-NEW-PARTNER"><narrative>Brand new partner</narrative></receiver-org></transaction>'
)
BAD = {
    "bad date": (
        activity_xml("XM-BAD", body='<activity-date iso-date="2025-02-30" type="3"/>' + NEW_PARTNER),
        "activity-date type 3 has the date “2025-02-30”, which is not a date in the form YYYY-MM-DD.",
    ),
    "unknown sector code": (
        activity_xml("XM-BAD", sector='<sector code="99999" percentage="100"/>', body=NEW_PARTNER),
        "Sector codes the portal does not know: 99999 (OECD DAC CRS purpose code (5 digit)).",
    ),
    "percentages not 100": (
        activity_xml(
            "XM-BAD",
            sector='<sector code="14030" percentage="60"/><sector code="11220" percentage="30"/>',
            body=NEW_PARTNER,
        ),
        "The OECD DAC CRS purpose code (5 digit) percentages add up to 90, not 100.",
    ),
    "several sectors without percentages": (
        activity_xml("XM-BAD", sector='<sector code="14030"/><sector code="11220"/>', body=NEW_PARTNER),
        "The activity has several OECD DAC CRS purpose code (5 digit) sectors but not every one has a percentage.",
    ),
    "end before start": (
        activity_xml("XM-BAD", body='<activity-date iso-date="2024-01-01" type="3"/>' + NEW_PARTNER),
        "The planned end cannot be before the planned start.",
    ),
    "unknown status": (
        activity_xml("XM-BAD", body=NEW_PARTNER).replace('<activity-status code="2"/>', '<activity-status code="9"/>'),
        "activity-status has the code “9”; IATI activity statuses are 1 to 6.",
    ),
    "not a number": (
        activity_xml("XM-BAD", body=NEW_PARTNER.replace(">10</value>", ">ten</value>")),
        "transaction/value has the value “ten”, which is not a number.",
    ),
    "no known place": (
        activity_xml("XM-BAD", country="ZZ", body=NEW_PARTNER),
        "None of the activity's places is known to the portal (ZZ), so it cannot be placed.",
    ),
    "no place at all": (
        activity_xml("XM-BAD", body=NEW_PARTNER).replace('<recipient-country code="SS"/>', ""),
        "The activity has no recipient-country and no location/administrative code, so it cannot be placed.",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_activity_is_skipped_whole_and_the_others_are_imported(reference_data, import_file, case):
    bad, reason = BAD[case]
    job = import_file(activities_file(activity_xml("XM-GOOD-1"), bad, activity_xml("XM-GOOD-2")))

    assert job.status == ImportStatus.DONE
    assert (job.total, job.processed, job.created_count, job.error_count) == (3, 3, 2, 1)
    assert set(Programme.objects.values_list("iati_identifier", flat=True)) == {"XM-GOOD-1", "XM-GOOD-2"}
    # Nothing of the bad activity stays: not the new partner it named, nor its agreement.
    assert not Actor.objects.filter(iati_identifier="XM-NEW-PARTNER").exists()
    assert not FundingAgreement.objects.exists()
    problem = job.problems.get(level=ProblemLevel.ERROR)
    assert (problem.position, problem.identifier, problem.message) == (2, "XM-BAD", reason)


def test_an_activity_without_identifier_is_reported_by_its_position(reference_data, import_file):
    nameless = activity_xml("", body="")
    job = import_file(activities_file(activity_xml("XM-GOOD-1"), nameless))

    problem = job.problems.get(level=ProblemLevel.ERROR)
    assert (problem.position, problem.identifier, problem.message) == (2, "", "The activity has no iati-identifier.")
    assert job.created_count == 1


def test_a_second_bad_activity_does_not_undo_a_partner_the_first_good_one_created(reference_data, import_file):
    good = activity_xml("XM-GOOD-1", body=NEW_PARTNER)
    bad = activity_xml("XM-BAD", sector='<sector code="99999"/>', body=NEW_PARTNER)
    after = activity_xml("XM-GOOD-2", body=NEW_PARTNER)

    job = import_file(activities_file(good, bad, after))

    assert (job.created_count, job.error_count) == (2, 1)
    partner = Actor.objects.get(iati_identifier="XM-NEW-PARTNER")  # created once, by the first activity
    assert FundingAgreement.objects.filter(recipient=partner).count() == 2
