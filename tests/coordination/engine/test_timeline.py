from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coordination.engine.facts import ProgrammeFact
from coordination.engine.timeline import is_active, months_running, overlap_days, periods_overlap, ran_at_least

AS_OF = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("status", "start", "end", "expected"),
    [
        (2, date(2025, 1, 1), None, True),
        (2, date(2025, 1, 1), AS_OF, True),
        (2, date(2025, 1, 1), date(2026, 6, 14), False),
        (2, date(2026, 6, 16), None, False),
        (1, date(2026, 9, 13), None, True),  # pipeline starting in exactly 90 days
        (1, date(2026, 9, 14), None, False),  # 91 days
        (1, date(2026, 6, 1), None, False),  # pipeline whose start has passed
        (3, date(2025, 1, 1), None, False),
        (4, date(2025, 1, 1), None, False),
        (6, date(2025, 1, 1), None, False),
    ],
)
def test_what_counts_as_active(status, start, end, expected):
    assert is_active(status=status, start=start, end=end, as_of=AS_OF) is expected


def test_periods_must_share_at_least_30_days_counting_both_ends():
    assert overlap_days(date(2026, 1, 1), date(2026, 1, 30), date(2026, 1, 1), None) == 30
    assert periods_overlap(date(2026, 1, 1), date(2026, 1, 30), date(2026, 1, 1), None)
    assert not periods_overlap(date(2026, 1, 1), date(2026, 1, 29), date(2026, 1, 1), None)
    assert not periods_overlap(date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1), None)


def test_running_time_is_counted_in_calendar_months():
    assert ran_at_least(date(2025, 6, 15), 12, AS_OF)
    assert not ran_at_least(date(2025, 6, 16), 12, AS_OF)
    assert months_running(date(2024, 6, 16), AS_OF) == 23
    assert months_running(date(2024, 6, 15), AS_OF) == 24


@given(periods=st.lists(st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2026, 4, 1))), min_size=4, max_size=4))
def test_the_fast_overlap_of_programme_facts_agrees_with_periods_overlap(periods):
    start_a, end_a, start_b, end_b = periods
    a, b = fact(start_a, end_a), fact(start_b, end_b)
    assert a.overlaps(b) is periods_overlap(start_a, end_a, start_b, end_b)
    assert b.overlaps(a) is periods_overlap(start_b, end_b, start_a, end_a)


def fact(start, end):
    return ProgrammeFact(
        id=1, title="P", reporting_actor_id=1, status=2, start=start, end=end, humanitarian=False,
        pillars=frozenset("D"), updated_at=AS_OF, budget=None, currency="", has_transition_plan=False,
        handover_actor_id=None,
    )  # fmt: skip
