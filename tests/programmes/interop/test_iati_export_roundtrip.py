"""Export → import into an empty portal → export again gives the same activities.

Compared in canonical form (test_iati_export_support.canonical): timestamps dropped, repeated children sorted.
One documented difference is set aside: the import names the agreements it records after the activity and the
two organisations ("IATI:<activity>:<hash>"), so a transaction's @ref is not compared.
"""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command, get_commands
from lxml import etree

from actors.models import Actor
from funding.choices import Stream
from funding.models import FundingAgreement
from programmes.choices import LinkType
from programmes.interop.iati_schema import safe_parser
from programmes.models import Programme, ProgrammeLink, ProgrammeLocation
from tests import factories
from tests.programmes.interop.test_iati_export_support import canonical, export, full_programme

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("import_iati" not in get_commands(), reason="the import_iati command is not there yet"),
]


def exported_bytes(user) -> bytes:
    return etree.tostring(export(user), xml_declaration=True, encoding="utf-8")


def without_agreement_references(xml: bytes) -> bytes:
    root = etree.fromstring(xml, safe_parser())
    for transaction in root.iter("transaction"):
        transaction.attrib.pop("ref", None)
    return etree.tostring(root)


def empty_the_portal() -> None:
    """Everything the import writes goes; reference data (areas, sectors, code lists) stays."""
    FundingAgreement.objects.filter(parent__isnull=False).delete()
    FundingAgreement.objects.all().delete()
    ProgrammeLink.objects.all().delete()
    Programme.objects.all().delete()
    Actor.objects.all().delete()


@pytest.fixture
def portal(superuser):
    """The full programme and its neighbours, shaped to what the import accepts and gives back unchanged: it
    refuses an activity it cannot place (so every programme has a location), dates an agreement from the
    activity's start and takes the agreement's stream from the programme."""
    reporting = factories.actor("Hope Sudan", iati_identifier="NO-BRC-971277882", iati_org_type="21")
    world = full_programme(reporting)
    FundingAgreement.objects.update(start_date=date(2025, 2, 1), stream=Stream.HUMANITARIAN)
    factories.programme(title="Hardly anything", reporting_actor=factories.actor("Quiet NGO"), implementers=[])
    for programme in Programme.objects.filter(location_links__isnull=True):
        ProgrammeLocation.objects.create(programme=programme, area=world["areas"]["SS01"])
    return world


def round_trip(user, tmp_path) -> tuple[bytes, bytes]:
    """Export, empty the portal, import the file, export again."""
    first = exported_bytes(user)
    path = tmp_path / "export.xml"
    path.write_bytes(first)
    empty_the_portal()
    assert not Programme.objects.exists()
    call_command("import_iati", str(path), stdout=StringIO(), stderr=StringIO())
    return first, exported_bytes(user)


def test_exporting_what_was_imported_gives_the_same_activities(portal, superuser, tmp_path):

    first, second = round_trip(superuser, tmp_path)

    assert Programme.objects.count() == len(etree.fromstring(first, safe_parser())) == 9
    assert canonical(without_agreement_references(second)) == canonical(without_agreement_references(first))


def test_a_consortium_keeps_its_lead_through_export_and_import(superuser, tmp_path):
    areas = factories.area_tree()
    lead = factories.programme(iati_identifier="X-LEAD", locations=[areas["SS01"]])
    member = factories.programme(iati_identifier="X-MEMBER", locations=[areas["SS02"]])
    factories.link(lead, member, LinkType.CONSORTIUM)

    first, second = round_trip(superuser, tmp_path)

    assert canonical(second) == canonical(first)


REIMPORT_DUPLICATES = (
    "import_iati matches agreements only by the references it makes itself (not the transaction @ref of the "
    "donor's own reference) and programmes only by a stored IATI identifier (not the generated "
    "<org>-NEXUS-<pk>), so importing an export into the portal it came from adds agreements and programmes"
)


@pytest.mark.xfail(strict=True, reason=REIMPORT_DUPLICATES)
def test_importing_the_export_into_the_portal_it_came_from_duplicates_nothing(portal, superuser, tmp_path):
    first = exported_bytes(superuser)
    path = tmp_path / "export.xml"
    path.write_bytes(first)
    counts = (Programme.objects.count(), Actor.objects.count(), FundingAgreement.objects.count())

    call_command("import_iati", str(path), stdout=StringIO(), stderr=StringIO())

    assert (Programme.objects.count(), Actor.objects.count(), FundingAgreement.objects.count()) == counts
    assert canonical(exported_bytes(superuser)) == canonical(first)
