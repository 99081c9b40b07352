"""Importing again is an upsert: the same file changes nothing, a changed file updates, nothing is duplicated."""

from decimal import Decimal

import pytest

from actors.models import Actor, ActorAlias
from funding.models import FundingAgreement
from programmes.choices import LinkStatus, LinkType
from programmes.models import Programme, ProgrammeLink, ProgrammeParticipant, ProgrammeSector
from programmes.models_imports import ImportStatus
from tests import factories
from tests.programmes.interop.iati_files import EXAMPLE, MAPPING, activities_file, activity_xml

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "programmes": Programme.objects.count(),
        "actors": Actor.objects.count(),
        "aliases": ActorAlias.objects.count(),
        "agreements": FundingAgreement.objects.count(),
        "links": ProgrammeLink.objects.count(),
        "participants": ProgrammeParticipant.objects.count(),
        "sectors": ProgrammeSector.objects.count(),
    }


def test_importing_the_same_files_again_skips_every_activity_and_duplicates_nothing(reference_data, import_file):
    import_file(MAPPING)
    import_file(EXAMPLE)
    before = counts()
    stamps = dict(Programme.objects.values_list("pk", "updated_at"))

    again = [import_file(MAPPING), import_file(EXAMPLE)]

    assert [(job.created_count, job.updated_count, job.skipped_count) for job in again] == [(0, 0, 2), (0, 0, 1)]
    assert counts() == before
    assert dict(Programme.objects.values_list("pk", "updated_at")) == stamps  # nothing was written


def test_a_changed_activity_is_updated_in_place(reference_data, import_file):
    original = activity_xml(
        "XM-TEST-1",
        body='<budget><value value-date="2025-01-01">100</value></budget>'
        '<participating-org ref="XM-IMPL" role="4" type="22"><narrative>Implementer</narrative></participating-org>',
    )
    import_file(activities_file(original))
    programme = Programme.objects.get(iati_identifier="XM-TEST-1")

    changed = activity_xml(
        "XM-TEST-1",
        sector='<sector code="14030" percentage="50"/><sector code="11220" percentage="50"/>',
        body='<budget><value value-date="2025-01-01">250</value></budget>'
        '<participating-org ref="XM-IMPL" role="4" type="22"><narrative>Implementer</narrative></participating-org>'
        '<participating-org ref="XM-FUNDER" role="1" type="10"><narrative>Funder</narrative></participating-org>',
        country="KE",
    )
    job = import_file(activities_file(changed))

    assert (job.created_count, job.updated_count, job.skipped_count) == (0, 1, 0)
    programme.refresh_from_db()
    assert Programme.objects.filter(iati_identifier="XM-TEST-1").count() == 1
    assert programme.total_budget == Decimal("250.00")
    assert {share.sector.code for share in programme.sector_shares.all()} == {"14030", "11220"}
    assert [link.area.pcode for link in programme.location_links.all()] == ["KE"]
    assert {p.actor.name for p in programme.participations.select_related("actor")} == {"Implementer", "Funder"}
    assert Actor.objects.filter(name="Implementer").count() == 1


def test_organisations_are_matched_by_identifier_then_by_name_and_never_duplicated(reference_data, import_file):
    known = factories.actor("Norwegian Refugee Council", acronym="NRC")
    first = activity_xml(
        "XM-TEST-2",
        body='<participating-org role="4" type="21">'
        "<narrative>NORWEGIAN REFUGEE COUNCIL</narrative></participating-org>"
        '<participating-org ref="XM-DAC-41114" role="1" type="40"><narrative>UNDP</narrative></participating-org>',
    )
    second = activity_xml(
        "XM-TEST-3",
        body='<participating-org role="4" type="21"><narrative>NRC</narrative></participating-org>'
        '<participating-org ref="XM-DAC-41114" role="1" type="40">'
        "<narrative>United Nations Development Programme</narrative></participating-org>",
    )
    import_file(activities_file(first, second))
    import_file(activities_file(first, second))

    assert Actor.objects.filter(name__iexact="Norwegian Refugee Council").get() == known
    assert Actor.objects.filter(iati_identifier="XM-DAC-41114").count() == 1
    undp = Actor.objects.get(iati_identifier="XM-DAC-41114")
    assert undp.name == "UNDP"  # the first name stays; the second is an alias
    assert list(undp.aliases.values_list("name", flat=True)) == ["United Nations Development Programme"]
    participants = ProgrammeParticipant.objects.filter(programme__iati_identifier="XM-TEST-3")
    assert {p.actor_id for p in participants} == {known.pk, undp.pk}


def test_an_actor_with_the_same_name_but_another_identifier_is_another_organisation(reference_data, import_file):
    other = factories.actor("Hope International", iati_identifier="XM-OTHER-HOPE")
    import_file(activities_file(activity_xml("XM-TEST-4", reporting="XM-TEST-NGO1")))

    reporter = Programme.objects.get(iati_identifier="XM-TEST-4").reporting_actor
    assert reporter != other
    assert reporter.iati_identifier == "XM-TEST-NGO1"


def test_agreements_and_links_are_updated_not_duplicated_when_amounts_change(reference_data, import_file):
    import_file(MAPPING)
    text = MAPPING.read_text().replace(">1500000</value>", ">1750000</value>")
    job = import_file(text)

    assert (job.updated_count, job.skipped_count) == (1, 1)
    assert FundingAgreement.objects.count() == 3
    incoming = FundingAgreement.objects.get(donor__iati_identifier="XM-TEST-DONOR")
    assert incoming.amount == Decimal("1750000.00")
    assert incoming.sub_grants.count() == 2
    assert ProgrammeLink.objects.count() == 1


def test_an_agreement_no_longer_in_the_file_is_removed_on_reimport(reference_data, import_file):
    import_file(MAPPING)
    start = MAPPING.read_text().index(
        '<transaction>\n   <transaction-type code="3"/>\n   <transaction-date iso-date="2025-05-01"/>'
    )
    end = MAPPING.read_text().index("</transaction>", start) + len("</transaction>")
    text = MAPPING.read_text()
    import_file(text[:start] + text[end:])

    assert not FundingAgreement.objects.filter(recipient__name="Kenya Relief").exists()
    assert FundingAgreement.objects.count() == 2


def test_a_pending_related_activity_is_linked_when_its_activity_arrives_in_a_later_file(reference_data, import_file):
    import_file(MAPPING)
    water = Programme.objects.get(iati_identifier="XM-TEST-NGO1-ACT1")
    assert water.unresolved_related_activities == [{"ref": "XM-TEST-ELSEWHERE-9", "type": "1"}]

    import_file(activities_file(activity_xml("XM-TEST-ELSEWHERE-9", reporting="XM-OTHER-ORG")))

    water.refresh_from_db()
    assert water.unresolved_related_activities == []
    link = ProgrammeLink.objects.get(to_programme__iati_identifier="XM-TEST-ELSEWHERE-9")
    assert (link.from_programme, link.link_type) == (water, LinkType.CONSORTIUM)
    assert link.status == LinkStatus.PROPOSED  # another organisation's programme: it confirms


def test_the_other_side_naming_the_same_relation_confirms_a_proposed_link(reference_data, import_file):
    import_file(activities_file(activity_xml("XM-A-1", reporting="XM-ORG-A")))
    import_file(
        activities_file(activity_xml("XM-B-1", reporting="XM-ORG-B", body='<related-activity ref="XM-A-1" type="4"/>'))
    )
    link = ProgrammeLink.objects.get()
    assert link.status == LinkStatus.CONFIRMED  # the command runs as the system, which speaks for both

    link.status = LinkStatus.PROPOSED
    link.save()
    import_file(
        activities_file(activity_xml("XM-A-1", reporting="XM-ORG-A", body='<related-activity ref="XM-B-1" type="4"/>'))
    )

    link.refresh_from_db()
    assert (ProgrammeLink.objects.count(), link.link_type, link.status) == (1, LinkType.JOINT, LinkStatus.CONFIRMED)


def test_a_failed_reimport_leaves_the_programme_as_it_was(reference_data, import_file):
    import_file(activities_file(activity_xml("XM-TEST-5")))
    bad = activity_xml("XM-TEST-5", sector='<sector code="99999" percentage="100"/>')

    job = import_file(activities_file(bad))

    assert job.error_count == 1
    programme = Programme.objects.get(iati_identifier="XM-TEST-5")
    assert [share.sector.code for share in programme.sector_shares.all()] == ["14030"]
    assert job.status == ImportStatus.DONE


def test_a_consortium_link_starts_from_the_lead_whichever_side_names_it(reference_data, import_file):
    lead = activity_xml("XM-LEAD", body='<related-activity ref="XM-MEMBER-2" type="2"/>')
    member_1 = activity_xml("XM-MEMBER-1", body='<related-activity ref="XM-LEAD" type="1"/>')
    member_2 = activity_xml("XM-MEMBER-2")
    import_file(activities_file(lead, member_1, member_2))

    links = {
        (link.from_programme.iati_identifier, link.to_programme.iati_identifier) for link in ProgrammeLink.objects.all()
    }
    # The lead names member 2 as its child (2); member 1 names the lead as its parent (1): both start at the lead.
    assert links == {("XM-LEAD", "XM-MEMBER-1"), ("XM-LEAD", "XM-MEMBER-2")}
    assert set(ProgrammeLink.objects.values_list("link_type", "status").distinct()) == {
        (LinkType.CONSORTIUM, LinkStatus.CONFIRMED)
    }
