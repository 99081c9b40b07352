"""Import jobs over the API: multipart upload answered 202, the job's progress and counts, its problems
paginated; a job is its creator's alone (404 for everyone else)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nexus_portal.api.tokens import ApiToken
from programmes.models import Programme
from programmes.models_imports import ImportChannel, ImportJob, ImportKind, ImportProblem, ImportStatus, ProblemLevel
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


def client_for(user, *, read_only_token: bool = False) -> APIClient:
    api = APIClient()
    if read_only_token:
        _, key = ApiToken.issue(user=user, name="test", read_only=True)
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    else:
        api.force_authenticate(user)
    return api


def xml_file(content: str, name: str = "activities.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="application/xml")


def job_of(user, *, problems: int = 0, **fields) -> ImportJob:
    job = ImportJob.objects.create(kind=ImportKind.IATI, channel=ImportChannel.API, created_by=user, **fields)
    ImportProblem.objects.bulk_create(
        ImportProblem(job=job, position=n, identifier=f"XM-{n}", level=ProblemLevel.WARNING, message=f"Note {n}")
        for n in range(1, problems + 1)
    )
    return job


def test_a_multipart_upload_answers_202_with_the_job(reviewer, django_capture_on_commit_callbacks):
    factories.area_tree()
    factories.sector("14030")
    content = activities_file(activity_xml("XM-1"), activity_xml("XM-2", sector='<sector code="99999"/>'))

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(reviewer).post(
            "/api/imports/", {"file": xml_file(content), "kind": "iati"}, format="multipart"
        )

    assert response.status_code == 202, response.json()
    body = response.json()
    job = ImportJob.objects.get()
    assert body["id"] == job.pk and response["Location"] == f"{job.pk}/"
    assert (body["kind"], body["channel"], body["original_name"]) == ("iati", "api", "activities.xml")
    detail = client_for(reviewer).get(f"/api/imports/{job.pk}/").json()
    assert detail["status"] == "done" and detail["is_finished"] is True and detail["percent"] == 100
    assert (detail["total"], detail["created_count"], detail["error_count"]) == (2, 1, 1)
    problems = client_for(reviewer).get(f"/api/imports/{job.pk}/problems/").json()
    errors = [row for row in problems["results"] if row["level"] == "error"]
    message = "Sector codes the portal does not know: 99999 (OECD DAC CRS purpose code (5 digit))."
    assert errors == [{"position": 2, "identifier": "XM-2", "level": "error", "message": message}]
    assert Programme.objects.filter(iati_identifier="XM-1").exists()


def test_kind_defaults_to_iati_and_the_job_is_queued_until_commit(reviewer):
    response = client_for(reviewer).post(
        "/api/imports/", {"file": xml_file(activities_file(activity_xml("XM-1")))}, format="multipart"
    )
    assert response.status_code == 202
    assert (response.json()["kind"], response.json()["status"], response.json()["percent"]) == ("iati", "queued", 0)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "iati"}, "file", "No file was submitted."),
        ({"file": "not a file"}, "file", "The submitted data was not a file. Check the encoding type on the form."),
        ({"kind": "pdf"}, "kind", '"pdf" is not a valid choice.'),
        ({"extra": "1"}, "extra", "Unknown field."),
    ],
)
def test_a_malformed_request_is_400_naming_the_field(reviewer, data, field, message):
    if "file" not in data and field != "file":
        data = {**data, "file": xml_file(activities_file(activity_xml("XM-1")))}
    response = client_for(reviewer).post("/api/imports/", data, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["fields"][field] == [message]
    assert not ImportJob.objects.exists()


def test_a_refused_file_is_400_with_the_reason_and_nothing_is_stored(reviewer, tmp_path):
    response = client_for(reviewer).post(
        "/api/imports/", {"file": xml_file("<iati-activities version='1.05'/>", "old.xml")}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"][0].startswith("This is an IATI 1.05 file.")
    assert not ImportJob.objects.exists()
    assert not list(tmp_path.rglob("*.xml"))


def test_users_who_may_not_import_get_403_and_read_only_tokens_cannot_upload(owner_viewer, reviewer):
    upload = {"file": xml_file(activities_file(activity_xml("XM-1")))}
    assert client_for(owner_viewer).post("/api/imports/", upload, format="multipart").status_code == 403
    upload = {"file": xml_file(activities_file(activity_xml("XM-1")))}
    assert (
        client_for(reviewer, read_only_token=True).post("/api/imports/", upload, format="multipart").status_code == 403
    )
    assert not ImportJob.objects.exists()


def test_a_job_is_visible_to_its_creator_only(owner, colleague, reviewer):
    mine = job_of(owner, problems=1)
    job_of(colleague)
    for other in (colleague, reviewer):
        api = client_for(other)
        assert api.get(f"/api/imports/{mine.pk}/").status_code == 404
        assert api.get(f"/api/imports/{mine.pk}/problems/").status_code == 404
        assert mine.pk not in [row["id"] for row in api.get("/api/imports/").json()["results"]]
    listed = client_for(owner).get("/api/imports/").json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]


def test_jobs_cannot_be_changed_or_deleted_over_the_api(owner):
    job = job_of(owner)
    api = client_for(owner)
    assert api.patch(f"/api/imports/{job.pk}/", {"status": "done"}, format="json").status_code == 405
    assert api.delete(f"/api/imports/{job.pk}/").status_code == 405
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED


def test_the_list_shows_progress_newest_first(owner):
    older = job_of(owner, status=ImportStatus.DONE, total=4, processed=4, created_count=4)
    newer = job_of(owner, status=ImportStatus.RUNNING, total=10, processed=3)
    rows = client_for(owner).get("/api/imports/").json()["results"]
    assert [(row["id"], row["percent"], row["is_finished"]) for row in rows] == [
        (newer.pk, 30, False), (older.pk, 100, True),
    ]  # fmt: skip


def test_problems_are_paginated_in_file_order(owner):
    job = job_of(owner, problems=60)
    page = client_for(owner).get(f"/api/imports/{job.pk}/problems/", {"page_size": 25, "page": 3}).json()
    assert page["count"] == 60
    assert [row["position"] for row in page["results"]] == list(range(51, 61))


def test_list_and_problems_cost_the_same_queries_at_any_size(owner, django_assert_num_queries):
    api = client_for(owner)
    job = job_of(owner, problems=3)
    with CaptureQueriesContext(connection) as listed:
        assert api.get("/api/imports/").status_code == 200
    with CaptureQueriesContext(connection) as problems:
        assert api.get(f"/api/imports/{job.pk}/problems/").status_code == 200
    for _ in range(59):
        job_of(owner)
    ImportProblem.objects.bulk_create(
        ImportProblem(job=job, position=n, identifier=f"XM-{n}", message="Note") for n in range(4, 61)
    )
    with django_assert_num_queries(len(listed)):
        assert api.get("/api/imports/").json()["count"] == 60
    with django_assert_num_queries(len(problems)):
        assert len(api.get(f"/api/imports/{job.pk}/problems/").json()["results"]) == 50
