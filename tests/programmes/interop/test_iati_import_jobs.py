"""Import jobs: what an upload checks before anything is stored, how a job runs, reports progress and is
never run twice, and how stalled jobs are picked up again."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from actors.models import Actor
from programmes.interop.jobs import PROGRESS_EVERY, import_job_create, run_import_job
from programmes.models import Programme
from programmes.models_imports import ImportChannel, ImportJob, ImportKind, ImportProblem, ImportStatus, ProblemLevel
from programmes.tasks import resume_stalled_imports, run_import
from tests import factories
from tests.programmes.interop.iati_files import activities_file, activity_xml

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_in_process(settings):
    """Run Celery tasks in this process, also when REDIS_URL is set (CI): these tests check the job, not the broker."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def upload(content: str | bytes, name: str = "activities.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def create(user, content, name="activities.xml", kind=ImportKind.IATI) -> ImportJob:
    return import_job_create(user=user, kind=kind, uploaded_file=upload(content, name), channel=ImportChannel.UI)


def test_an_upload_is_stored_under_a_generated_name_and_run_after_commit(
    reference_data, reviewer, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), translation.override("nb"):
        job = create(reviewer, activities_file(activity_xml("XM-1")), name="../../etc/My activities.XML")
        assert ImportJob.objects.get().status == ImportStatus.QUEUED  # nothing ran before the commit
        assert not Programme.objects.exists()
        [stored] = stored_files(media)
        assert stored.parent == media / "imports"
        assert stored.suffix == ".xml" and "activities" not in stored.name  # a generated name, never the user's

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE  # no broker in tests: the task ran in-process after commit
    assert (job.original_name, job.channel, job.created_by) == ("My activities.XML", ImportChannel.UI, reviewer)
    assert job.options == {"language": "nb"}
    assert Programme.objects.filter(iati_identifier="XM-1").exists()
    assert stored_files(media) == [] and not job.file  # the upload is deleted once the job has finished


def test_problems_are_written_in_the_uploaders_language(reference_data, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), translation.override("nb"):
        job = create(reviewer, activities_file(activity_xml("XM-1", sector='<sector code="99999"/>')))
    with translation.override("nb"):
        expected = translation.gettext("Sector codes the portal does not know: %(codes)s.")
    assert job.problems.get().message.startswith(expected.split("%")[0])


@pytest.mark.parametrize(
    ("content", "name", "field", "message"),
    [
        ("<iati-activities version='2.03'/>", "activities.csv", "file", "Choose a file ending in .xml."),
        (
            "<iati-organisations version='2.03'/>", "orgs.xml", "file",
            "This is an IATI organisation file (<iati-organisations>), not an activity file.",
        ),
        (
            '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><iati-activities version="2.03"/>', "a.xml",
            "file", "The file declares a document type",
        ),
        ("<iati-activities version='1.04'/>", "old.xml", "file", "This is an IATI 1.04 file."),
        ("", "empty.xml", "file", "The file is empty."),
    ],
)  # fmt: skip
def test_an_upload_is_checked_before_anything_is_stored(reviewer, media, content, name, field, message):
    with pytest.raises(ValidationError) as refused:
        create(reviewer, content, name=name)

    assert message in refused.value.message_dict[field][0]
    assert not ImportJob.objects.exists()
    assert stored_files(media) == []


def test_a_kind_the_portal_cannot_import_is_refused_by_the_service(reviewer, media):
    with pytest.raises(ValidationError) as refused:
        create(reviewer, "<iati-activities version='2.03'/>", kind="pdf")
    assert refused.value.message_dict == {"kind": ["The portal cannot import files of the kind “pdf”."]}
    assert not ImportJob.objects.exists()


def test_a_file_over_the_limit_is_refused_at_upload(reviewer, settings, media):
    settings.IATI_MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError, match="the limit for IATI files is 1 MB"):
        create(reviewer, activities_file(activity_xml("XM-1")) + " " * (1024 * 1024))
    assert stored_files(media) == []


def queued_job(user, content: str, media) -> ImportJob:
    job = ImportJob(kind=ImportKind.IATI, channel=ImportChannel.API, created_by=user, original_name="a.xml")
    job.file.save("a.xml", upload(content), save=False)
    job.save()
    return job


def test_progress_is_saved_every_few_activities_with_a_heartbeat(reference_data, reviewer, media):
    count = PROGRESS_EVERY * 2 + 3
    job = queued_job(reviewer, activities_file(*[activity_xml(f"XM-{n}") for n in range(count)]), media)
    seen = []

    run_import_job(job.pk, on_progress=lambda j: seen.append((j.status, j.total, j.processed)))

    running = ImportStatus.RUNNING
    assert seen == [(running, count, 0), (running, count, 25), (running, count, 50), (ImportStatus.DONE, count, count)]
    job.refresh_from_db()
    assert (job.created_count, job.percent, job.is_finished) == (count, 100, True)
    assert job.started_at <= job.heartbeat_at <= job.finished_at


def test_a_finished_job_is_never_run_again(reference_data, reviewer, media):
    job = queued_job(reviewer, activities_file(activity_xml("XM-1")), media)
    run_import.delay(job.pk)
    Programme.objects.all().delete()

    assert run_import.delay(job.pk).get() is None

    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.DONE, 1)
    assert not Programme.objects.exists()


def test_a_job_running_elsewhere_is_not_run_twice(reference_data, reviewer, media):
    job = queued_job(reviewer, activities_file(activity_xml("XM-1")), media)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, heartbeat_at=timezone.now())

    assert run_import_job(job.pk) is None
    assert not Programme.objects.exists()


def test_a_job_whose_worker_died_runs_again_from_the_start(reference_data, reviewer, media):
    job = queued_job(
        reviewer, activities_file(activity_xml("XM-1"), activity_xml("XM-2", sector="<sector code='1'/>")), media
    )
    stale = timezone.now() - timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, heartbeat_at=stale, processed=1, created_count=1, total=2
    )
    ImportProblem.objects.create(job=job, position=1, identifier="XM-1", message="left over from the dead run")
    factories.programme(
        iati_identifier="XM-1", title="half-done", reporting_actor=factories.actor("Hope International")
    )

    run_import_job(job.pk)

    job.refresh_from_db()
    assert (job.status, job.processed, job.created_count, job.updated_count, job.error_count) == ("done", 2, 0, 1, 1)
    assert list(job.problems.filter(level=ProblemLevel.ERROR).values_list("identifier", flat=True)) == ["XM-2"]
    assert not job.problems.filter(message="left over from the dead run").exists()
    assert Programme.objects.get(iati_identifier="XM-1").title == "Activity XM-1"


def test_the_sweep_starts_jobs_that_were_never_enqueued_and_closes_abandoned_command_jobs(
    reference_data, reviewer, media
):
    waiting = queued_job(reviewer, activities_file(activity_xml("XM-1")), media)
    abandoned = ImportJob.objects.create(
        kind=ImportKind.IATI, channel=ImportChannel.COMMAND, status=ImportStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(hours=2),
    )  # fmt: skip
    fresh = queued_job(reviewer, activities_file(activity_xml("XM-2")), media)
    ImportJob.objects.filter(pk__in=[waiting.pk, abandoned.pk]).update(created_at=timezone.now() - timedelta(hours=1))

    assert resume_stalled_imports.delay().get() == 1

    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {waiting.pk: ImportStatus.DONE, abandoned.pk: ImportStatus.FAILED, fresh.pk: ImportStatus.QUEUED}
    assert "stopped before it finished" in ImportJob.objects.get(pk=abandoned.pk).message


def test_a_new_organisation_that_looks_like_a_known_one_gets_a_duplicate_warning(reference_data, import_file):
    known = factories.actor("Hope International", iati_identifier="XM-HOPE-OLD")
    job = import_file(activities_file(activity_xml("XM-1", reporting="XM-HOPE-NEW")))

    created = Actor.objects.get(iati_identifier="XM-HOPE-NEW")
    assert created != known
    warnings = list(job.problems.filter(level=ProblemLevel.WARNING).values_list("message", flat=True))
    assert any(
        message.startswith(f"The new organisation Hope International may be a duplicate of {known}")
        for message in warnings
    ), warnings


def test_an_unexpected_error_in_one_activity_is_logged_and_the_rest_imported(
    reference_data, import_file, monkeypatch, caplog
):
    from programmes.interop import iati_import

    original = iati_import._Writer.write

    def fail_for_one(self):
        if self.parsed.identifier == "XM-2":
            raise RuntimeError("boom")
        return original(self)

    monkeypatch.setattr(iati_import._Writer, "write", fail_for_one)
    job = import_file(activities_file(activity_xml("XM-1"), activity_xml("XM-2"), activity_xml("XM-3")))

    assert (job.status, job.created_count, job.error_count) == (ImportStatus.DONE, 2, 1)
    assert job.problems.get(level=ProblemLevel.ERROR).identifier == "XM-2"
    assert "boom" in caplog.text


def test_a_job_stopped_at_the_time_limit_fails_with_how_far_it_got_and_keeps_its_problems(
    reference_data, import_file, monkeypatch
):
    from celery.exceptions import SoftTimeLimitExceeded

    from programmes.interop import iati_import

    original = iati_import._Writer.write

    def stop_at_the_third(self):
        if self.parsed.identifier == "XM-3":
            raise SoftTimeLimitExceeded()
        return original(self)

    monkeypatch.setattr(iati_import._Writer, "write", stop_at_the_third)
    bad = activity_xml("XM-2", sector='<sector code="99999"/>')
    job = import_file(activities_file(activity_xml("XM-1"), bad, activity_xml("XM-3"), activity_xml("XM-4")))

    assert (job.status, job.processed, job.created_count, job.error_count) == (ImportStatus.FAILED, 2, 1, 1)
    assert job.message.startswith("The import stopped at the time limit for background work, after 2 of 4 activities.")
    assert job.problems.filter(level=ProblemLevel.ERROR, identifier="XM-2").exists()
    assert not Programme.objects.filter(iati_identifier="XM-3").exists()
