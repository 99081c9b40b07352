"""The engine's bulk flag writes (new flags, last seen, resolution) are not audited row by row: they
would flood the trail and FlagEvent already records openings and resolutions. A person's triage is."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from coordination.engine import runner
from coordination.models import Flag, FlagRun
from coordination.services_flags import flag_acknowledge
from nexus_portal.audit import audit_context
from nexus_portal.audit.models import AuditEntry
from programmes.models import Programme
from tests import factories
from tests.audit.helpers import entries_of

pytestmark = pytest.mark.django_db


def run_full():
    return runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=["stale-record"]))


@pytest.fixture
def stale_programmes():
    areas = factories.area_tree()
    programmes = [
        factories.programme(locations=[areas["SS0101"]], start=date.today() - timedelta(days=500)) for _ in range(3)
    ]
    Programme.objects.update(updated_at=timezone.now() - timedelta(days=400))
    return programmes


def test_flag_runs_write_no_audit_entries(stale_programmes):
    before = AuditEntry.objects.count()

    first, second = run_full(), run_full()

    assert first.counts["stale-record"]["created"] == 3 and second.status == FlagRun.Status.SUCCEEDED
    assert Flag.objects.count() == 3
    assert AuditEntry.objects.count() == before


def test_triaging_a_flag_records_the_status_change_and_who_made_it(stale_programmes, reviewer):
    run_full()
    flag = Flag.objects.first()

    with audit_context(user=reviewer, interface="ui"):
        flag_acknowledge(flag=flag, user=reviewer)

    [entry] = entries_of(flag)
    assert (entry.action, entry.user, entry.changes) == ("update", reviewer, {"status": ["open", "acknowledged"]})
