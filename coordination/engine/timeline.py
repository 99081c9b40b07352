"""Date semantics shared by every rule (domain.md, "Definitions used by the rules")."""

from datetime import date, timedelta

from analyses.models import add_months
from programmes.choices import ActivityStatus

PIPELINE_HORIZON_DAYS = 90
MIN_OVERLAP_DAYS = 30

__all__ = ["add_months", "is_active", "months_running", "overlap_days", "periods_overlap", "ran_at_least"]


def is_active(*, status: int, start: date | None, end: date | None, as_of: date) -> bool:
    """Implementation with a period containing the as-of date (open end = ongoing), or pipeline
    starting within the next 90 days."""
    if status == ActivityStatus.IMPLEMENTATION:
        return (start is None or start <= as_of) and (end is None or end >= as_of)
    if status == ActivityStatus.PIPELINE:
        return start is not None and as_of <= start <= as_of + timedelta(days=PIPELINE_HORIZON_DAYS)
    return False


def ran_at_least(start: date | None, months: int, as_of: date) -> bool:
    """Running time is measured from the start to the as-of date."""
    return start is not None and add_months(start, months) <= as_of


def months_running(start: date | None, as_of: date) -> int:
    if start is None or start > as_of:
        return 0
    months = (as_of.year - start.year) * 12 + as_of.month - start.month
    return months if add_months(start, months) <= as_of else months - 1


def overlap_days(start_a: date | None, end_a: date | None, start_b: date | None, end_b: date | None) -> float:
    """Days both periods share, counting both ends; an open end runs forever, an open start since ever."""
    start = max(start_a or date.min, start_b or date.min)
    if end_a is None and end_b is None:
        return float("inf")
    end = min(end_a or date.max, end_b or date.max)
    return (end - start).days + 1 if end >= start else 0


def periods_overlap(start_a, end_a, start_b, end_b) -> bool:
    return overlap_days(start_a, end_a, start_b, end_b) >= MIN_OVERLAP_DAYS
