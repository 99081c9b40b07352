"""The writer: upsert by rule × subject key, resolve what no longer holds, dismissals and reopening."""

import pytest

from coordination.choices import FlagAction, FlagStatus, Severity
from coordination.engine.candidate import Candidate, SubjectRef
from coordination.engine.writer import write_partition
from coordination.models import Flag, FlagEvent
from tests import factories

pytestmark = pytest.mark.django_db
RULE = "stale-record"


def candidate(key="programme:1", *, evidence=None, severity=Severity.LOW, actors=()):
    return Candidate(
        rule=RULE,
        subject_key=key,
        severity=severity,
        message="m",
        message_nb="m",
        evidence=evidence or {"figure": 1},
        responsible_actor_ids=frozenset(actors),
    )


def test_it_opens_a_flag_per_subject_once():
    counts = write_partition(RULE, "SS", [candidate(), candidate(), candidate("programme:2")])

    assert counts.created == 2
    assert sorted(Flag.objects.values_list("subject_key", flat=True)) == ["SS:programme:1", "SS:programme:2"]
    assert set(FlagEvent.objects.values_list("action", flat=True)) == {FlagAction.OPENED}


def test_a_rerun_changes_nothing_but_last_seen():
    write_partition(RULE, "SS", [candidate()])
    before = Flag.objects.get()

    counts = write_partition(RULE, "SS", [candidate()])

    after = Flag.objects.get()
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 1)
    assert (after.pk, after.first_seen, after.status, after.evidence) == (
        before.pk,
        before.first_seen,
        before.status,
        before.evidence,
    )
    assert after.last_seen > before.last_seen


def test_a_flag_that_no_longer_holds_is_resolved_not_deleted():
    write_partition(RULE, "SS", [candidate()])

    counts = write_partition(RULE, "SS", [])

    flag = Flag.objects.get()
    assert counts.resolved == 1
    assert flag.status == FlagStatus.RESOLVED
    assert flag.resolved_at is not None


def test_a_resolved_flag_that_comes_back_reopens():
    write_partition(RULE, "SS", [candidate()])
    write_partition(RULE, "SS", [])

    counts = write_partition(RULE, "SS", [candidate()])

    flag = Flag.objects.get()
    assert counts.reopened == 1
    assert (flag.status, flag.resolved_at) == (FlagStatus.OPEN, None)
    assert list(flag.events.values_list("action", flat=True)) == ["opened", "resolved", "reopened"]


def test_a_dismissed_flag_stays_dismissed_while_its_evidence_is_unchanged():
    write_partition(RULE, "SS", [candidate(evidence={"pairs": [1, 2]})])
    Flag.objects.update(status=FlagStatus.DISMISSED, dismissed_reason="Known, coordinated by phone")

    write_partition(RULE, "SS", [candidate(evidence={"pairs": [1, 2]})])

    assert Flag.objects.get().status == FlagStatus.DISMISSED


def test_a_dismissed_flag_reopens_when_its_evidence_changes():
    write_partition(RULE, "SS", [candidate(evidence={"pairs": [1, 2]})])
    Flag.objects.update(status=FlagStatus.DISMISSED, dismissed_reason="Known")

    counts = write_partition(RULE, "SS", [candidate(evidence={"pairs": [1, 2, 3]})])

    flag = Flag.objects.get()
    assert counts.reopened == 1
    assert flag.status == FlagStatus.OPEN
    assert flag.evidence == {"pairs": [1, 2, 3]}


def test_it_only_resolves_flags_of_its_own_partition_and_rule():
    write_partition(RULE, "SS", [candidate()])
    write_partition(RULE, "KE", [candidate()])
    write_partition("overlap", "SS", [candidate()])

    write_partition(RULE, "SS", [])

    statuses = dict(Flag.objects.values_list("subject_key", "status").filter(rule=RULE))
    assert statuses == {"SS:programme:1": FlagStatus.RESOLVED, "KE:programme:1": FlagStatus.OPEN}
    assert Flag.objects.get(rule="overlap").status == FlagStatus.OPEN


def test_it_keeps_responsible_actors_and_subject_up_to_date():
    first, second = factories.actor(), factories.actor()
    programme = factories.programme(reporting_actor=first)
    subject = SubjectRef("programmes.programme", programme.pk)
    write_partition(RULE, "SS", [candidate(actors=[first.pk])])

    found_again = candidate(actors=[first.pk, second.pk])
    found_again.subject = subject
    write_partition(RULE, "SS", [found_again])

    flag = Flag.objects.get()
    assert set(flag.responsible_actors.all()) == {first, second}
    assert flag.subject == programme


def test_it_names_the_country_of_its_partition():
    country = factories.area("SS", name="South Sudan")
    write_partition(RULE, "SS", [candidate()])
    assert Flag.objects.get().country == country
