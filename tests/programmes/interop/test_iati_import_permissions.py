"""Who may import what: editors their organisation's activities, reviewers and administrators any; the
command runs as the system. An activity the user may not import is a problem row, not a crash."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from actors.models import Actor
from programmes.interop.jobs import import_job_create, may_import
from programmes.models import Programme
from programmes.models_imports import ImportChannel, ImportKind, ProblemLevel
from tests import factories
from tests.programmes.interop.iati_files import activities_file, activity_xml

pytestmark = pytest.mark.django_db


def own_and_others() -> str:
    return activities_file(
        activity_xml("XM-A-1", reporting="XM-A", reporting_name="Actor A"),
        activity_xml("XM-B-1", reporting="XM-B", reporting_name="Actor B"),
        activity_xml("XM-NEW-1", reporting="XM-NEW", reporting_name="An organisation not in the portal"),
    )


def test_an_editor_imports_their_organisations_activities_and_gets_a_problem_for_the_others(
    reference_data, import_file, owner, actor_a, actor_b
):
    job = import_file(own_and_others(), user=owner)

    assert (job.created_count, job.error_count) == (1, 2)
    assert Programme.objects.get().reporting_actor == actor_a  # found by name: actor A has no identifier yet
    errors = {problem.identifier: problem.message for problem in job.problems.filter(level=ProblemLevel.ERROR)}
    assert errors == {
        "XM-B-1": "You may only import activities that an organisation you edit for reports (reporting-org); "
        "XM-B-1 is reported by another organisation.",
        "XM-NEW-1": "You may only import activities that an organisation you edit for reports (reporting-org); "
        "XM-NEW-1 is reported by another organisation.",
    }
    assert not Actor.objects.filter(name="An organisation not in the portal").exists()


def test_a_reviewer_may_import_any_activity_and_new_reporting_organisations_are_added(
    reference_data, import_file, reviewer, actor_a, actor_b
):
    job = import_file(own_and_others(), user=reviewer)

    assert (job.created_count, job.error_count) == (3, 0)
    assert Programme.objects.get(iati_identifier="XM-B-1").reporting_actor == actor_b
    assert Actor.objects.filter(name="An organisation not in the portal", iati_identifier="XM-NEW").exists()


def test_an_editor_may_not_take_over_a_programme_of_another_organisation_by_its_identifier(
    reference_data, import_file, owner, actor_a, actor_b
):
    theirs = factories.programme(reporting_actor=actor_b, iati_identifier="XM-B-7", title="B's programme")
    job = import_file(activities_file(activity_xml("XM-B-7", reporting="XM-A", reporting_name="Actor A")), user=owner)

    assert job.error_count == 1
    assert job.problems.get().message == "A programme with the identifier XM-B-7 exists and you may not change it."
    theirs.refresh_from_db()
    assert (theirs.title, theirs.reporting_actor) == ("B's programme", actor_b)


def test_an_editor_updates_their_own_programme(reference_data, import_file, owner, actor_a):
    mine = factories.programme(reporting_actor=actor_a, iati_identifier="XM-A-7", title="Old title")
    job = import_file(activities_file(activity_xml("XM-A-7", reporting="XM-A", reporting_name="Actor A")), user=owner)

    assert job.updated_count == 1
    mine.refresh_from_db()
    assert mine.title == "Activity XM-A-7"


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("owner", True), ("owner_manager", True), ("owner_viewer", False), ("colleague", True), ("reviewer", True),
     ("anonymous", False), ("superuser", True)],
)  # fmt: skip
def test_who_may_start_an_import(personas, persona, allowed):
    assert may_import(personas[persona]) is allowed


def test_a_viewer_cannot_create_an_import_job(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("activities.xml", activities_file(activity_xml("XM-1")).encode())
    with pytest.raises(PermissionDenied):
        import_job_create(
            user=personas["owner_viewer"], kind=ImportKind.IATI, uploaded_file=upload, channel=ImportChannel.UI
        )
    assert not list(tmp_path.rglob("*.xml"))
