from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coordination.models import Flag, FlagRun
from programmes.models import Programme
from tests import factories

pytestmark = pytest.mark.django_db


def compute(*args):
    out = StringIO()
    call_command("compute_flags", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rule", "no-such-rule"], "Unknown rule code(s): no-such-rule"),
        (["--country", "XX"], "Unknown country code(s): XX"),
        (["--as-of", "2026-13-01"], "is not a date"),
        (["--full", "--country", "SS"], "either --full or --country"),
    ],
)
def test_bad_input_exits_with_code_2_and_a_clear_message(args, message):
    factories.area("SS")
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        compute(*args)
    assert caught.value.returncode == 2
    assert not FlagRun.objects.exists()


def test_it_prints_a_summary_per_rule():
    areas = factories.area_tree()
    programme = factories.programme(locations=[areas["SS0101"]], start=date(2024, 1, 1))
    Programme.objects.filter(pk=programme.pk).update(updated_at="2025-01-01T00:00:00Z")

    output = compute("--rule", "stale-record", "--country", "ss", "--as-of", "2026-01-15")

    assert "stale-record" in output
    assert "as of 2026-01-15" in output
    assert Flag.objects.get().rule == "stale-record"
