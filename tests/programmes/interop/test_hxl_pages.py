"""The 3W import pages: upload, preview (mapping, actions, errors, suggestions), confirm with CSRF, cancel."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from programmes.models import Programme
from programmes.models_imports import ImportJob, ImportStatus
from tests.programmes.interop.hxl_sheets import csv_bytes, reference, sheet, upload

UPLOAD = reverse("programmes:hxl_import")
ROWS = sheet(
    ["Actor A", "Water for Juba", "WASH", "Central Equatoria", "Juba", "2024-01-01", "", "ongoing"],
    ["Actor A", "Water for Juba", "WASH", "Central Equatoria", "Kajo-Keji", "2024-01-01", "", "ongoing"],
    ["Actor A", "Food in Jubba", "FSC", "Central Equatoria", "Jubba", "", "", ""],
    headers=["Organisation", "Project", "Cluster", "State", "County", "Start", "End", "Status"],
    tags=["#org+impl", "#activity", "#sector", "#adm1+name", "#adm2+name", "#date+start", "#date+end", "#status"],
)
EXTRA = [[*row, value] for row, value in zip(ROWS, ["Beneficiaries", "#affected", "10", "20", "30"], strict=True)]


@pytest.fixture
def ref(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return reference()


def page(job) -> str:
    return reverse("programmes:hxl_job", args=[job.pk])


@pytest.fixture
def previewed(ref, client, owner, actor_a, django_capture_on_commit_callbacks):
    """A job whose preview is ready, uploaded through the page by the owner (editor of Actor A)."""
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, {"file": upload(csv_bytes(EXTRA))})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page(job)
    return job


def test_the_upload_page_is_for_editors_and_reviewers(ref, client, owner, owner_viewer):
    client.force_login(owner)
    assert client.get(UPLOAD).status_code == 200
    client.force_login(owner_viewer)
    response = client.get(UPLOAD)
    assert response.status_code == 403
    assert "You cannot import files" in response.content.decode()
    client.logout()
    assert client.get(UPLOAD).status_code == 302


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_form(ref, client, owner):
    client.force_login(owner)

    response = client.post(UPLOAD, {"file": upload(b'{"not": "csv"}', "data.json")})

    assert response.status_code == 200
    assert "is neither" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_preview_page_shows_the_mapping_the_actions_and_the_suggestions(previewed, client):
    response = client.get(page(previewed))

    html = response.content.decode()
    assert previewed.status == ImportStatus.PREVIEW_READY
    assert "Implementing organisation" in html  # #org+impl column mapped
    assert "#affected" in html and "not used" in html
    assert "Create programme" in html
    assert "one programme with rows 3, 4" in html
    assert "Did you mean:" in html and "Juba (SS0101)" in html
    assert "Confirm import" in html
    assert Programme.objects.count() == 0


def test_someone_else_cannot_see_or_confirm_the_job(previewed, client, colleague):
    client.force_login(colleague)

    assert client.get(page(previewed)).status_code == 404
    assert client.post(reverse("programmes:hxl_confirm", args=[previewed.pk])).status_code == 404
    assert ImportJob.objects.get().status == ImportStatus.PREVIEW_READY


def test_confirming_without_a_csrf_token_is_refused(previewed, owner):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(owner)

    response = csrf_client.post(reverse("programmes:hxl_confirm", args=[previewed.pk]))

    assert response.status_code == 403
    assert ImportJob.objects.get().status == ImportStatus.PREVIEW_READY


def test_confirming_imports_and_shows_the_job_page(previewed, owner, django_capture_on_commit_callbacks):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(owner)
    form = csrf_client.get(page(previewed)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_client.post(
            reverse("programmes:hxl_confirm", args=[previewed.pk]), {"csrfmiddlewaretoken": token}
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:import_detail", args=[previewed.pk])
    job = ImportJob.objects.get()
    assert (job.status, job.created_count, job.error_count) == (ImportStatus.DONE, 1, 1)
    assert Programme.objects.get().locations.count() == 2
    assert csrf_client.get(page(job)).status_code == 302  # a confirmed job lives on the shared job page


def test_cancelling_imports_nothing(previewed, client):
    response = client.post(reverse("programmes:hxl_cancel", args=[previewed.pk]))

    assert response.status_code == 302
    assert ImportJob.objects.get().status == ImportStatus.CANCELLED
    assert "cancelled" in client.get(page(previewed)).content.decode()
    assert Programme.objects.count() == 0


def test_while_the_preview_is_prepared_the_page_polls_for_it(ref, client, owner, actor_a):
    client.force_login(owner)
    client.post(UPLOAD, {"file": upload(csv_bytes(ROWS))})  # on_commit never runs: the preview is not built
    job = ImportJob.objects.get()

    html = client.get(page(job)).content.decode()
    fragment = client.get(page(job), headers={"HX-Request": "true"}).content.decode()

    assert job.status == ImportStatus.PREVIEWING
    assert 'hx-trigger="every 2s"' in html
    assert fragment.lstrip().startswith('<div id="hxl-job"')
    assert "<html" not in fragment


def test_a_sheet_missing_hashtags_shows_why_on_its_page(ref, client, owner, django_capture_on_commit_callbacks):
    client.force_login(owner)
    content = csv_bytes([["Org", "Place"], ["#org+impl", "#adm1+code"], ["Actor A", "SS01"]])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(UPLOAD, {"file": upload(content)})
    job = ImportJob.objects.get()

    html = client.get(page(job)).content.decode()

    assert job.status == ImportStatus.FAILED
    assert "This file cannot be imported." in html
    assert "#activity: the programme title" in html
    assert "Confirm import" not in html


def test_the_programme_list_links_to_the_import(ref, client, owner):
    client.force_login(owner)

    assert UPLOAD in client.get(reverse("programmes:list")).content.decode()
