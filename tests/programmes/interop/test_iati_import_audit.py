"""What an import writes is in the audit trail, with the user who started it and interface "import",
and the flag re-check is told where it wrote (dirty marks), although new rows are written in bulk."""

import pytest

from coordination.dirty import AFFECTED, GLOBAL_MARK
from coordination.models import DirtyCountry
from funding.models import FundingAgreement
from nexus_portal.audit.models import AuditEntry
from programmes.models import Programme
from tests.audit.helpers import entries_of, history_of
from tests.programmes.interop.iati_files import MAPPING, activities_file, activity_xml

pytestmark = pytest.mark.django_db


def test_created_programmes_and_agreements_are_recorded_as_the_importing_user(reference_data, import_file, reviewer):
    job = import_file(MAPPING, user=reviewer)

    water = Programme.objects.get(iati_identifier="XM-TEST-NGO1-ACT1")
    created = entries_of(water, action="create")
    assert len(created) == 1 and created[0].changes["title"] == [None, "Water for Juba"]
    children = [entry for entry in history_of(water) if entry.action == "update" and "location_links" in entry.changes]
    assert children[0].changes["location_links"] == {"added": ["Juba (SS0101)", "Kenya (KE)"]}
    assert sorted(children[0].changes["participations"]["added"])[0] == "Hope International (Accountable)"
    agreement = FundingAgreement.objects.get(recipient__name="Kenya Relief")
    assert [entry.action for entry in entries_of(agreement)] == ["create", "update"]
    assert entries_of(agreement)[1].changes == {
        "funded_programmes": {"added": [{"id": water.pk, "repr": "Water for Juba"}]}
    }
    entries = AuditEntry.objects.filter(request_id=f"import-{job.pk}")
    assert entries.exists()
    assert set(entries.values_list("user", "interface").distinct()) == {(reviewer.pk, "import")}


def test_an_unchanged_reimport_writes_no_audit_entries(reference_data, import_file):
    import_file(MAPPING)
    before = AuditEntry.objects.count()
    import_file(MAPPING)
    assert AuditEntry.objects.count() == before


def test_an_update_records_only_what_changed(reference_data, import_file):
    import_file(activities_file(activity_xml("XM-1")))
    programme = Programme.objects.get()
    import_file(activities_file(activity_xml("XM-1", country="KE")))

    last = history_of(programme)[-1]
    assert last.changes == {"location_links": {"added": ["Kenya (KE)"], "removed": ["South Sudan (SS)"]}}


def marked() -> set:
    return {
        (code, region) if region else code
        for code, region in DirtyCountry.objects.values_list("country_code", "region")
    }


def test_the_places_an_import_touches_are_marked_for_the_flag_recheck(reference_data, import_file):
    DirtyCountry.objects.all().delete()
    import_file(MAPPING)

    water = Programme.objects.get(iati_identifier="XM-TEST-NGO1-ACT1")
    peace = Programme.objects.get(iati_identifier="XM-TEST-NGO1-ACT2")
    # What a save of each programme and of an agreement would mark (coordination/dirty.py), although the
    # import wrote them in bulk: where the programmes work, and the agreements' countries and global rules.
    expected = AFFECTED["programmes.Programme"](water) | AFFECTED["programmes.Programme"](peace)
    expected |= AFFECTED["funding.FundingAgreement"](FundingAgreement.objects.get(recipient__name="Kenya Relief"))
    assert expected >= {"SS", "KE", GLOBAL_MARK}
    assert expected <= marked()


def test_a_moved_programme_marks_where_it_worked_before_and_where_it_works_now(reference_data, import_file):
    import_file(MAPPING)
    peace = Programme.objects.get(iati_identifier="XM-TEST-NGO1-ACT2")
    before = AFFECTED["programmes.Programme"](peace)
    DirtyCountry.objects.all().delete()

    moved = activity_xml("XM-TEST-NGO1-ACT2", country="KE").replace(
        "Activity XM-TEST-NGO1-ACT2", "Peace committees in Eastern Equatoria"
    )
    import_file(activities_file(moved))

    after = AFFECTED["programmes.Programme"](peace)
    assert before != after
    assert before | after <= marked()
