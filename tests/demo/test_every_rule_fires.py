"""The demo shows every rule of the catalogue at work: a full run on it opens flags of all 17 rules."""

import io

import pytest
from django.core.management import call_command

from coordination.choices import FlagStatus
from coordination.engine.registry import all_rules
from coordination.models import Flag, FlagRun

pytestmark = pytest.mark.django_db


def test_a_full_run_on_the_demo_opens_flags_of_every_rule(demo):
    call_command("compute_flags", "--full", "--as-of", demo.as_of.isoformat(), stdout=io.StringIO())

    run = FlagRun.objects.latest("pk")
    assert run.status == FlagRun.Status.SUCCEEDED, run.log
    fired = set(Flag.objects.filter(status=FlagStatus.OPEN).values_list("rule", flat=True))
    assert sorted(set(all_rules()) - fired) == []


def test_a_second_full_run_on_the_demo_changes_no_flag(demo):
    call_command("compute_flags", "--full", "--as-of", demo.as_of.isoformat(), stdout=io.StringIO())
    before = set(Flag.objects.values_list("rule", "subject_key", "status", "severity", "evidence_hash"))

    call_command("compute_flags", "--full", "--as-of", demo.as_of.isoformat(), stdout=io.StringIO())

    run = FlagRun.objects.latest("pk")
    assert sum(counts.get("created", 0) + counts.get("updated", 0) for counts in run.counts.values()) == 0
    assert set(Flag.objects.values_list("rule", "subject_key", "status", "severity", "evidence_hash")) == before
