"""Shared goal and flag rules as `full_clean()` (and so every model form) reports them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from coordination.choices import FlagStatus, Severity
from coordination.models import Contribution, Flag, GoalCommitment, GoalProgress, SharedGoal
from tests import factories

pytestmark = pytest.mark.django_db


def validation_errors(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def new_goal(**values) -> SharedGoal:
    values.setdefault("horizon_start", date(2024, 1, 1))
    values.setdefault("horizon_end", date(2027, 12, 31))
    return SharedGoal(title="Safe water", convening_actor=factories.actor(), **values)


def new_flag(**values) -> Flag:
    values.setdefault("subject_key", factories.unique("pair"))
    return Flag(rule="overlap", severity=Severity.HIGH, message="m", **values)


def test_a_goal_without_baseline_or_target_is_valid():
    new_goal().full_clean()


def test_it_rejects_a_horizon_that_ends_before_it_starts():
    goal = new_goal(horizon_start=date(2024, 1, 1), horizon_end=date(2023, 12, 31))

    assert validation_errors(goal)["horizon_end"] == ["The horizon cannot end before it starts."]


def test_it_rejects_a_target_date_before_the_baseline_date():
    goal = new_goal(
        baseline_value=Decimal("1"),
        baseline_date=date(2024, 6, 1),
        target_value=Decimal("2"),
        target_date=date(2024, 1, 1),
    )

    assert validation_errors(goal)[NON_FIELD_ERRORS] == ["The target date cannot be before the baseline date."]


@pytest.mark.parametrize("baseline", [{"baseline_value": Decimal("100")}, {"baseline_date": date(2024, 1, 1)}])
def test_it_rejects_half_a_baseline(baseline):
    errors = validation_errors(new_goal(**baseline))

    assert errors["baseline_date"] == ["Give both the baseline value and its date, or neither."]


@pytest.mark.parametrize("target", [{"target_value": Decimal("100")}, {"target_date": date(2026, 1, 1)}])
def test_it_rejects_half_a_target(target):
    errors = validation_errors(new_goal(**target))

    assert errors["target_date"] == ["Give both the target value and its date, or neither."]


def test_it_rejects_a_second_commitment_of_the_same_actor():
    goal = factories.goal()
    factories.commitment(goal, goal.convening_actor)

    errors = validation_errors(GoalCommitment(goal=goal, actor=goal.convening_actor))

    assert errors[NON_FIELD_ERRORS] == ["This actor has already committed to the goal."]


def test_it_rejects_the_same_contribution_twice():
    goal, programme = factories.goal(), factories.programme()
    factories.contribution(programme, goal)

    errors = validation_errors(Contribution(programme=programme, goal=goal))

    assert errors[NON_FIELD_ERRORS] == ["This programme already contributes to the goal."]


def test_it_rejects_two_progress_reports_on_one_day():
    goal = factories.goal()
    factories.progress(goal, on=date(2024, 3, 1))

    errors = validation_errors(GoalProgress(goal=goal, date=date(2024, 3, 1), value=Decimal("1")))

    assert errors[NON_FIELD_ERRORS] == ["There is already a progress report for this goal on this date."]


def test_it_rejects_a_flag_dismissed_without_a_reason():
    errors = validation_errors(new_flag(status=FlagStatus.DISMISSED))

    assert errors[NON_FIELD_ERRORS] == ["Give a reason when dismissing a flag."]


def test_a_flag_dismissed_with_a_reason_is_valid():
    new_flag(status=FlagStatus.DISMISSED, dismissed_reason="The two programmes are phases of one grant.").full_clean()


def test_it_rejects_a_resolved_flag_without_a_time():
    errors = validation_errors(new_flag(status=FlagStatus.RESOLVED))

    assert errors[NON_FIELD_ERRORS] == ["A resolved flag needs the time it was resolved."]


def test_a_resolved_flag_with_a_time_is_valid():
    new_flag(status=FlagStatus.RESOLVED, resolved_at=timezone.now()).full_clean()


def test_it_rejects_a_second_flag_for_the_same_rule_and_subject():
    first = new_flag()
    first.save()

    errors = validation_errors(new_flag(subject_key=first.subject_key))

    assert errors[NON_FIELD_ERRORS] == ["Flag with this Rule and Subject key already exists."]
