"""Flags: reviewers see and triage all; members of a responsible actor see them, its editors
triage them. Flag events (the triage history) are read with their flag and never edited."""

import pytest

from coordination.choices import FlagAction, Severity
from coordination.models import Flag, FlagEvent
from tests.access.matrix import NO, YES, assert_access, matrix


@pytest.fixture
def flag_for_a(actor_a):
    flag = Flag.objects.create(
        rule="overlap", subject_key="programme:1:2", severity=Severity.MEDIUM, message="Two programmes overlap"
    )
    flag.responsible_actors.set([actor_a])
    return flag


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          YES,  YES,   YES),
        ("owner_manager",  YES,  YES,   YES),
        ("owner_viewer",   YES,  NO,    NO),
        ("colleague",      NO,   NO,    NO),
        ("reviewer",       YES,  YES,   YES),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  YES,   YES),
    ),
)  # fmt: skip
def test_a_flag_is_seen_by_its_responsible_actor_and_reviewers(personas, flag_for_a, persona, action, expected):
    assert_access(flag_for_a, personas[persona], action, expected)


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          YES,  NO,    NO),
        ("owner_manager",  YES,  NO,    NO),
        ("owner_viewer",   YES,  NO,    NO),
        ("colleague",      NO,   NO,    NO),
        ("reviewer",       YES,  NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  YES,   YES),
    ),
)  # fmt: skip
def test_flag_events_are_read_with_their_flag_and_are_append_only(personas, flag_for_a, persona, action, expected):
    flag_event = FlagEvent.objects.create(flag=flag_for_a, action=FlagAction.OPENED)
    assert_access(flag_event, personas[persona], action, expected)


def test_a_flag_with_several_responsible_actors_is_seen_by_each(flag_for_a, actor_b, owner, colleague):
    flag_for_a.responsible_actors.add(actor_b)
    assert_access(flag_for_a, owner, "change", True)
    assert_access(flag_for_a, colleague, "change", True)


def test_a_flag_without_responsible_actors_is_for_reviewers_only(owner, reviewer):
    orphan = Flag.objects.create(rule="silo", subject_key="area:SS01", severity=Severity.LOW, message="Silo")
    assert_access(orphan, owner, "view", False)
    assert_access(orphan, reviewer, "change", True)


@pytest.fixture
def flag_run(db):
    from coordination.models import FlagRun

    return FlagRun.objects.create(trigger=FlagRun.Trigger.SCHEDULE, as_of="2026-01-01", status="succeeded")


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          NO,   NO,    NO),
        ("owner_manager",  NO,   NO,    NO),
        ("owner_viewer",   NO,   NO,    NO),
        ("colleague",      NO,   NO,    NO),
        ("reviewer",       YES,  NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  NO,    NO),
    ),
)  # fmt: skip
def test_flag_runs_are_read_by_reviewers_and_written_only_by_the_engine(personas, flag_run, persona, action, expected):
    assert_access(flag_run, personas[persona], action, expected)


@pytest.fixture
def dirty_mark(db):
    from coordination.models import DirtyCountry

    return DirtyCountry.objects.create(country_code="SS")


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          NO,   NO,    NO),
        ("owner_manager",  NO,   NO,    NO),
        ("owner_viewer",   NO,   NO,    NO),
        ("colleague",      NO,   NO,    NO),
        ("reviewer",       NO,   NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  NO,    NO),
    ),
)  # fmt: skip
def test_dirty_marks_are_engine_bookkeeping(personas, dirty_mark, persona, action, expected):
    assert_access(dirty_mark, personas[persona], action, expected)
