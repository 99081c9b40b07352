"""The import pages: upload, the job page with its polled progress and paginated problems, and My imports."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import Programme
from programmes.models_imports import ImportChannel, ImportJob, ImportKind, ImportProblem, ImportStatus, ProblemLevel
from tests.programmes.interop.iati_files import activities_file, activity_xml

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_in_process(settings):
    """Run Celery tasks in this process, also when REDIS_URL is set (CI): these tests check the job, not the broker."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


NEW = reverse("programmes:import_new")
LIST = reverse("programmes:imports")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


def job_of(user, *, status=ImportStatus.DONE, problems=0, kind=ImportKind.IATI, **fields) -> ImportJob:
    job = ImportJob.objects.create(
        kind=kind, channel=ImportChannel.UI, created_by=user, status=status, original_name="a.xml", **fields
    )
    ImportProblem.objects.bulk_create(
        ImportProblem(job=job, position=n, identifier=f"XM-{n}", level=ProblemLevel.ERROR, message=f"Reason {n}")
        for n in range(1, problems + 1)
    )
    return job


def assert_no_inline_script(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> found"


def test_an_editor_uploads_a_file_and_lands_on_its_job(
    client, owner, actor_a, reference_data, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    content = activities_file(activity_xml("XM-A-1", reporting="XM-A", reporting_name="Actor A"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, {"file": SimpleUploadedFile("mine.xml", content.encode())})

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.created_by, job.channel, job.status) == (owner, ImportChannel.UI, ImportStatus.DONE)
    assert Programme.objects.filter(iati_identifier="XM-A-1", reporting_actor=actor_a).exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Import of mine.xml" in page
    assert "Activities processed: 1 of 1" in page
    assert "No problems: every activity was imported as it is in the file." in page


def test_the_upload_page_shows_the_form_to_editors_and_reviewers(client, owner, reviewer):
    for user in (owner, reviewer):
        client.force_login(user)
        response = client.get(NEW)
        page = response.content.decode()
        assert response.status_code == 200
        assert 'type="file" name="file"' in page and 'enctype="multipart/form-data"' in page
        assert_no_inline_script(page)


def test_a_user_who_edits_for_no_organisation_gets_403_with_an_explanation(client, owner_viewer):
    client.force_login(owner_viewer)
    response = client.get(NEW)
    assert response.status_code == 403
    assert "Importing IATI files is open to editors of an organisation" in response.content.decode()
    response = client.post(NEW, {"file": SimpleUploadedFile("a.xml", b"<iati-activities version='2.03'/>")})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (
        NEW,
        LIST,
        reverse("programmes:import_progress", args=[1]),
        reverse("programmes:import_detail", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_a_refused_file_is_explained_next_to_the_field_and_nothing_is_stored(client, reviewer, tmp_path):
    client.force_login(reviewer)
    organisation_file = SimpleUploadedFile("orgs.xml", b"<iati-organisations version='2.03'/>")

    response = client.post(NEW, {"file": organisation_file})

    assert response.status_code == 200
    page = response.content.decode()
    assert '<div class="field field-invalid"><label for="id_file">' in page
    assert '<ul class="errorlist" id="id_file_error"><li>This is an IATI organisation file' in page
    assert not ImportJob.objects.exists()
    assert not list(tmp_path.rglob("*.xml"))


def test_someone_elses_job_answers_404_on_every_page(client, owner, colleague):
    job = job_of(owner, problems=2)
    client.force_login(colleague)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("programmes:import_progress", args=[job.pk])).status_code == 404
    assert "a.xml" not in client.get(LIST).content.decode()


def test_a_running_job_polls_its_progress_every_two_seconds(client, owner):
    job = job_of(owner, status=ImportStatus.RUNNING, total=200, processed=50, created_count=40, error_count=10)
    client.force_login(owner)

    page = client.get(job.get_absolute_url()).content.decode()
    fragment = client.get(reverse("programmes:import_progress", args=[job.pk]), headers={"HX-Request": "true"})

    for html in (page, fragment.content.decode()):
        assert f'hx-get="{reverse("programmes:import_progress", args=[job.pk])}" hx-trigger="every 2s"' in html
        assert '<progress max="100" value="25"' in html
        assert "Activities processed: 50 of 200" in html
    assert_no_inline_script(page)


def test_polling_stops_when_the_job_has_finished(client, owner):
    job = job_of(owner, status=ImportStatus.DONE, total=3, processed=3, created_count=3)
    client.force_login(owner)

    polled = client.get(reverse("programmes:import_progress", args=[job.pk]), headers={"HX-Request": "true"})
    page = client.get(job.get_absolute_url()).content.decode()

    assert polled.headers["HX-Refresh"] == "true"  # the page reloads once, with the problems
    assert "hx-trigger" not in page.split('id="import-progress"')[1].split(">")[0]
    assert '<progress max="100" value="100"' in page


def test_a_failed_job_shows_why(client, owner):
    job = job_of(owner, status=ImportStatus.FAILED, message="This is an IATI 1.04 file.")
    client.force_login(owner)
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<p class="message message-error" role="alert">This is an IATI 1.04 file.</p>' in page


def test_problems_are_paginated_with_identifier_level_and_reason(client, owner):
    job = job_of(owner, problems=120, error_count=120)
    client.force_login(owner)

    first = client.get(job.get_absolute_url()).content.decode()
    last = client.get(job.get_absolute_url(), {"page": 3}).content.decode()

    assert first.count("<td>XM-") == 50 and "<td>XM-1</td>" in first and "<td>XM-51</td>" not in first
    assert last.count("<td>XM-") == 20 and "<td>XM-120</td>" in last
    assert "<td>Reason 120</td>" in last and "Page 3 of 3" in last


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_job_page_costs_the_same_queries_however_many_problems(client, owner, django_assert_num_queries):
    job = job_of(owner, problems=5)
    client.force_login(owner)
    client.get(job.get_absolute_url())  # warm the session
    few = queries_for(client, job.get_absolute_url())
    ImportProblem.objects.bulk_create(
        ImportProblem(job=job, position=n, identifier=f"XM-{n}", message="Reason") for n in range(6, 121)
    )
    with django_assert_num_queries(few):
        response = client.get(job.get_absolute_url())
    assert response.content.decode().count("<td>XM-") == 50


def test_my_imports_lists_only_my_jobs_newest_first(client, owner, colleague):
    older, newer = job_of(owner), job_of(owner, status=ImportStatus.RUNNING, total=10, processed=5)
    job_of(colleague)
    client.force_login(owner)

    page = client.get(LIST).content.decode()

    assert re.findall(r'href="/programmes/imports/(\d+)/"', page) == [str(newer.pk), str(older.pk)]
    assert f'href="{NEW}"' in page
    assert "50 %" in page
    assert_no_inline_script(page)


def test_my_imports_costs_the_same_queries_however_many_jobs(client, owner, django_assert_num_queries):
    for _ in range(2):
        job_of(owner)
    client.force_login(owner)
    client.get(LIST)
    few = queries_for(client, LIST)
    for _ in range(28):
        job_of(owner)
    with django_assert_num_queries(few):
        response = client.get(LIST)
    assert len(re.findall(r'href="/programmes/imports/(\d+)/"', response.content.decode())) == 25  # a full page


def test_the_programme_list_offers_import_to_those_who_may_import(client, owner, owner_viewer):
    client.force_login(owner)
    assert f'href="{NEW}"' in client.get(reverse("programmes:list")).content.decode()
    client.force_login(owner_viewer)
    assert f'href="{NEW}"' not in client.get(reverse("programmes:list")).content.decode()


def test_a_spreadsheet_job_is_followed_on_its_own_page(client, owner):
    job = job_of(owner, kind=ImportKind.HXL, status=ImportStatus.PREVIEW_READY)
    client.force_login(owner)
    hxl_page = reverse("programmes:hxl_job", args=[job.pk])
    assert f'href="{hxl_page}"' in client.get(LIST).content.decode()
    response = client.get(job.get_absolute_url())
    assert (response.status_code, response["Location"]) == (302, hxl_page)
