"""Shared set-up of the IATI import tests: the reference data the fixture files use, and running a file."""

from pathlib import Path

import pytest

from programmes.interop.jobs import run_import_job
from programmes.models_imports import ImportChannel, ImportJob, ImportKind
from reference.choices import SectorVocabulary
from tests import factories


@pytest.fixture
def reference_data(db):
    """The areas and sectors the fixture files name (and nothing else, so unknown codes stay unknown)."""
    areas = factories.area_tree()
    for code in ("AF", "AG"):
        areas[code] = factories.area(code)
    sectors = {code: factories.sector(code) for code in ("14030", "72010", "15220", "11220")}
    sectors.update({code: factories.sector(code, vocabulary=SectorVocabulary.DAC3) for code in ("140", "111", "112")})
    sectors["WSH"] = factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER, family="WSH")
    return {"areas": areas, "sectors": sectors}


@pytest.fixture
def import_file(tmp_path):
    """Run an IATI file (a path, or bytes/str written to a temporary file) as a command job would."""

    def run(source, *, user=None) -> ImportJob:
        if isinstance(source, bytes | str) and not isinstance(source, Path):
            path = tmp_path / f"upload-{len(list(tmp_path.iterdir()))}.xml"
            path.write_bytes(source.encode() if isinstance(source, str) else source)
            source = path
        job = ImportJob.objects.create(
            kind=ImportKind.IATI, channel=ImportChannel.COMMAND, created_by=user, original_name=Path(source).name
        )
        run_import_job(job.pk, source=source)
        job.refresh_from_db()
        return job

    return run


@pytest.fixture(autouse=True)
def tasks_in_process(settings):
    """Run Celery tasks (previews, imports) in this process also when REDIS_URL is set (CI): these tests check
    the jobs, not the broker. The real-worker test sets it back to False in its own fixture."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
