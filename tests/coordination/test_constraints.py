"""Shared goal and flag rules hold in the database too, even for writes that skip `full_clean()`."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from coordination.choices import FlagStatus, Severity
from coordination.models import Contribution, Flag, GoalCommitment, GoalProgress, SharedGoal
from tests import factories

pytestmark = pytest.mark.django_db


def assert_database_refuses(model, write) -> None:
    """The write fails and leaves the table as it was."""
    before = list(model.objects.order_by("pk").values())
    with pytest.raises(IntegrityError), transaction.atomic():
        write()
    assert list(model.objects.order_by("pk").values()) == before


def create_flag(**values) -> Flag:
    values.setdefault("subject_key", factories.unique("pair"))
    return Flag.objects.create(rule="overlap", severity=Severity.HIGH, message="m", **values)


def test_the_database_refuses_a_horizon_that_ends_before_it_starts():
    actor = factories.actor()

    assert_database_refuses(
        SharedGoal,
        lambda: factories.goal(convening_actor=actor, horizon_start=date(2024, 1, 1), horizon_end=date(2023, 12, 31)),
    )


def test_the_database_refuses_a_target_date_before_the_baseline_date():
    actor = factories.actor()

    assert_database_refuses(
        SharedGoal,
        lambda: factories.goal(convening_actor=actor, baseline_date=date(2024, 6, 1), target_date=date(2024, 1, 1)),
    )


def test_the_database_refuses_a_second_commitment_of_the_same_actor():
    goal = factories.goal()
    factories.commitment(goal, goal.convening_actor)

    assert_database_refuses(GoalCommitment, lambda: factories.commitment(goal, goal.convening_actor))


def test_the_database_refuses_the_same_contribution_twice():
    goal, programme = factories.goal(), factories.programme()
    factories.contribution(programme, goal)

    assert_database_refuses(Contribution, lambda: factories.contribution(programme, goal))


def test_the_database_refuses_two_progress_reports_on_one_day():
    goal = factories.goal()
    factories.progress(goal, on=date(2024, 3, 1))

    assert_database_refuses(GoalProgress, lambda: factories.progress(goal, on=date(2024, 3, 1), value=Decimal("2")))


def test_the_database_refuses_a_flag_dismissed_without_a_reason():
    assert_database_refuses(Flag, lambda: create_flag(status=FlagStatus.DISMISSED))


def test_the_database_refuses_to_dismiss_an_existing_flag_without_a_reason():
    flag = create_flag()

    assert_database_refuses(Flag, lambda: Flag.objects.filter(pk=flag.pk).update(status=FlagStatus.DISMISSED))


def test_the_database_refuses_a_resolved_flag_without_a_time():
    assert_database_refuses(Flag, lambda: create_flag(status=FlagStatus.RESOLVED))


def test_the_database_refuses_a_second_flag_for_the_same_rule_and_subject():
    flag = create_flag()

    assert_database_refuses(Flag, lambda: create_flag(subject_key=flag.subject_key))
