import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from reference.loading import LoadReport, load_reference_data
from reference.models import Area, CodeListItem, Sector


def _delete_reference_rows() -> None:
    # One DELETE per table: the self-referencing parent key holds at the end of the statement.
    with connection.cursor() as cursor:
        for model in (CodeListItem, Sector, Area):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


@pytest.fixture(scope="package")
def official_data(django_db_setup, django_db_blocker):
    """The full official data, loaded once for this package (tests/reference/loading) and removed
    afterwards, so that tests elsewhere, including the rest of tests/reference, start from empty
    reference tables."""
    with django_db_blocker.unblock():
        report = load_reference_data(settings.REFERENCE_DATA_DIR)
    yield report
    with django_db_blocker.unblock():
        _delete_reference_rows()


@pytest.fixture
def loaded(official_data: LoadReport, db) -> LoadReport:
    """The report of the first load; each test runs in a transaction rolled back afterwards."""
    return official_data


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of reference/data/ (without the schemas and examples the loader never reads)."""
    target = tmp_path / "data"
    shutil.copytree(settings.REFERENCE_DATA_DIR, target, ignore=shutil.ignore_patterns("schema-2.03", "examples"))
    return target
