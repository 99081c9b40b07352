"""manage.py import_iati: files imported now, progress and a summary per file, exit code 2 for refused files."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from programmes.models import Programme
from programmes.models_imports import ImportChannel, ImportJob, ImportStatus
from tests import factories
from tests.programmes.interop.iati_files import MAPPING, activities_file, activity_xml

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_iati", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_file_and_prints_progress_and_a_summary(reference_data):
    out, _ = run(MAPPING)

    assert f"{MAPPING}: 0/2 activities" in out
    assert f"{MAPPING}: 2 activities: 2 created, 0 updated, 0 skipped (unchanged), 0 with errors" in out
    job = ImportJob.objects.get()
    assert (job.channel, job.created_by, job.status, job.original_name) == (
        ImportChannel.COMMAND, None, ImportStatus.DONE, "portal-mapping.xml",
    )  # fmt: skip
    assert Programme.objects.count() == 2


def test_errors_are_listed_with_identifier_and_reason(reference_data, tmp_path):
    path = tmp_path / "mixed.xml"
    path.write_text(activities_file(activity_xml("XM-1"), activity_xml("XM-2", sector='<sector code="99999"/>')))

    out, _ = run(path)

    assert "1 created, 0 updated, 0 skipped (unchanged), 1 with errors" in out
    assert "  error: activity 2 XM-2: Sector codes the portal does not know: 99999" in out


def test_a_refused_file_gives_exit_code_2_and_the_other_files_are_still_imported(reference_data, tmp_path):
    hostile = tmp_path / "hostile.xml"
    hostile.write_text('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><iati-activities version="2.03"/>')
    missing = tmp_path / "missing.xml"
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_iati", str(hostile), str(missing), str(MAPPING), stdout=out, stderr=err)

    assert failed.value.returncode == 2
    assert f"{hostile}: refused: The file declares a document type" in err.getvalue()
    assert f"{missing}: refused: The file cannot be read" in err.getvalue()
    assert "2 created" in out.getvalue()
    assert Programme.objects.count() == 2
    assert list(ImportJob.objects.order_by("pk").values_list("status", flat=True)) == ["failed", "failed", "done"]


def test_as_user_applies_that_users_rights(reference_data, tmp_path, owner, actor_a):
    path = tmp_path / "two.xml"
    path.write_text(
        activities_file(
            activity_xml("XM-A-1", reporting="XM-A", reporting_name="Actor A"),
            activity_xml("XM-B-1", reporting="XM-B", reporting_name="Someone else"),
        )
    )
    out, _ = run(path, "--as-user", owner.username)

    assert "1 created, 0 updated, 0 skipped (unchanged), 1 with errors" in out
    assert ImportJob.objects.get().created_by == owner


def test_an_unknown_user_is_refused_before_anything_runs(tmp_path):
    factories.user("someone", is_active=False)
    with pytest.raises(CommandError, match="No active user named 'someone'") as failed:
        run(MAPPING, "--as-user", "someone")
    assert failed.value.returncode == 2
    assert not ImportJob.objects.exists()
