"""manage.py load_reference [--data-dir DIR]."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def test_it_prints_a_summary_table_and_the_elapsed_time(loaded):
    out = StringIO()
    call_command("load_reference", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["kind", "created", "updated", "unchanged"]
    assert "admin-2 areas 0 0 30257" in [" ".join(line.split()) for line in lines]
    assert lines[-1].startswith("Loaded in ")


def test_it_reports_bad_data_as_a_command_error(loaded, tmp_path):
    with pytest.raises(
        CommandError, match=r"Currency\.xml: file not found\nNothing was loaded; the database is unchanged"
    ):
        call_command("load_reference", "--data-dir", str(tmp_path))
