"""HXL over the API: the programme and flag exports, and an HXL import job previewed, then confirmed."""

import csv
import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from coordination.choices import Severity
from coordination.models import Flag
from nexus_portal.api.tokens import ApiToken
from programmes.models import Programme
from programmes.models_imports import ImportJob, ImportStatus
from tests import factories
from tests.programmes.interop.hxl_sheets import csv_bytes, reference, sheet, upload

PROGRAMMES = "/api/programmes/export-hxl/"
FLAGS = "/api/flags/export-hxl/"
IMPORTS = "/api/imports/"


@pytest.fixture
def ref(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return reference()


def api(user, *, token: bool = False) -> APIClient:
    client = APIClient()
    if token:
        _, key = ApiToken.issue(user=user, name="test", read_only=False)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    else:
        client.force_authenticate(user)
    return client


def csv_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_programmes_export_as_csv_and_xlsx_with_the_list_filters(ref, owner, actor_a):
    factories.programme(reporting_actor=actor_a, title="In Juba", locations=[ref["SS0101"]])
    factories.programme(reporting_actor=actor_a, title="In Kenya", locations=[ref["KE"]])
    client = api(owner, token=True)

    as_csv = client.get(PROGRAMMES, {"file": "csv", "country": "SS"})
    as_xlsx = client.get(PROGRAMMES, {"file": "xlsx"})

    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")
    rows = csv_of(as_csv)
    assert rows[1][1] == "#activity"
    assert [row[1] for row in rows[2:]] == ["In Juba"]
    sheet_rows = list(load_workbook(io.BytesIO(b"".join(as_xlsx.streaming_content))).worksheets[0].values)
    assert sorted(row[1] for row in sheet_rows[2:]) == ["In Juba", "In Kenya"]


def test_a_bad_export_parameter_answers_the_api_error_shape(ref, owner):
    response = api(owner).get(PROGRAMMES, {"file": "pdf"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"file": ["Use csv or xlsx."]}
    assert APIClient().get(PROGRAMMES).status_code == 401


def test_the_flag_export_has_only_the_flags_the_user_may_see(ref, owner, actor_a, actor_b):
    mine = Flag.objects.create(
        rule="overlap", subject_key="a", severity=Severity.HIGH, message="Mine", area=ref["SS01"]
    )
    mine.responsible_actors.set([actor_a])
    theirs = Flag.objects.create(rule="overlap", subject_key="b", severity=Severity.HIGH, message="B", area=ref["SS01"])
    theirs.responsible_actors.set([actor_b])

    rows = csv_of(api(owner).get(FLAGS, {"severity": "high"}))

    assert [row[0] for row in rows[2:]] == [str(mine.pk)]


def test_an_hxl_import_over_the_api_is_previewed_then_confirmed(
    ref, owner, actor_a, django_capture_on_commit_callbacks
):
    client = api(owner, token=True)
    content = csv_bytes(sheet(["Actor A", "Water", "WASH", "", "SS0101", "", "", "ongoing"]))

    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(IMPORTS, {"kind": "hxl", "file": upload(content)}, format="multipart")
    assert created.status_code == 202, created.json()
    job_id = created.json()["id"]
    assert created.json()["status"] == ImportStatus.PREVIEWING  # the preview is built after the upload commits
    preview = client.get(f"{IMPORTS}{job_id}/preview/").json()
    assert preview["status"] == ImportStatus.PREVIEW_READY
    assert preview["preview"]["counts"]["create"] == 1
    assert preview["preview"]["rows"][0]["action"] == "create"
    assert Programme.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(f"{IMPORTS}{job_id}/confirm/")

    assert confirmed.status_code == 202
    job = ImportJob.objects.get(pk=job_id)
    assert (job.status, job.created_count) == (ImportStatus.DONE, 1)
    assert Programme.objects.get().title == "Water"
    again = client.post(f"{IMPORTS}{job_id}/confirm/")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_an_hxl_import_can_be_cancelled_and_only_by_its_owner(
    ref, owner, colleague, django_capture_on_commit_callbacks
):
    content = csv_bytes(sheet(["Actor A", "Water", "WASH", "", "SS0101", "", "", ""]))
    with django_capture_on_commit_callbacks(execute=True):
        job_id = api(owner).post(IMPORTS, {"kind": "hxl", "file": upload(content)}, format="multipart").json()["id"]

    assert api(colleague).post(f"{IMPORTS}{job_id}/cancel/").status_code == 404
    assert api(owner).post(f"{IMPORTS}{job_id}/cancel/").status_code == 202
    assert ImportJob.objects.get(pk=job_id).status == ImportStatus.CANCELLED
    assert api(owner).post(f"{IMPORTS}{job_id}/confirm/").status_code == 409


def test_a_file_that_is_not_a_spreadsheet_is_refused_at_upload(ref, owner):
    response = api(owner).post(IMPORTS, {"kind": "hxl", "file": upload(b"<xml/>", "data.xml")}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert not ImportJob.objects.exists()
