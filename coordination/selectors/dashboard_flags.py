"""Metric 7: open flags by rule and severity, median time to resolve, and the trend over time.

History is read from each flag's `first_seen` and `resolved_at`: a flag was open on a day when it was
first seen by then and not resolved by then. Dismissed flags are left out of every figure (the row does
not record when it was dismissed). A resolved flag that came back has no `resolved_at` any more, so it
counts as open since it was first seen. Three grouped queries, whatever the number of flags.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from django.db.models import Count, Q, QuerySet

from coordination.choices import FlagStatus, Severity
from coordination.selectors.scope import end_of_day, months_before

TREND_MONTHS = 12
RESOLVE_WINDOW_DAYS = 365


@dataclass(frozen=True)
class OpenFlags:
    counts: dict[tuple[str, str], int]  # (rule, severity) → flags open on the as-of date
    median_days_to_resolve: float | None  # of the flags resolved in the 12 months up to the as-of date
    resolved_in_window: int
    trend_dates: list[date]  # the same day of each of the 12 months before, then the as-of date
    trend: dict[str, list[int]]  # severity → open flags on each trend date

    def open_on(self, index: int) -> int:
        """All open flags on trend date `index` (-1: the as-of date, 6: six months before it)."""
        return sum(values[index] for values in self.trend.values())

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_severity(self) -> dict[str, int]:
        totals = dict.fromkeys(Severity.values, 0)
        for (_rule, severity), count in self.counts.items():
            totals[severity] = totals.get(severity, 0) + count
        return totals

    def by_rule(self) -> dict[str, dict[str, int]]:
        rules: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Severity.values, 0))
        for (rule, severity), count in sorted(self.counts.items()):
            rules[rule][severity] = count
        return dict(rules)


def open_flags(flags: QuerySet, as_of: date) -> OpenFlags:
    """7. `flags` are those of the country the user may see (the caller restricts them)."""
    flags = flags.exclude(status=FlagStatus.DISMISSED).order_by()
    until = end_of_day(as_of)
    open_then = flags.filter(_open_on(as_of))
    counts = {
        (row["rule"], row["severity"]): row["count"]
        for row in open_then.values("rule", "severity").annotate(count=Count("pk"))
    }
    resolved = flags.filter(resolved_at__gte=until - timedelta(days=RESOLVE_WINDOW_DAYS), resolved_at__lt=until)
    durations = [
        (end - start).total_seconds() / 86400 for start, end in resolved.values_list("first_seen", "resolved_at")
    ]
    dates, trend = _trend(flags, as_of)
    return OpenFlags(
        counts=counts,
        median_days_to_resolve=round(median(durations), 1) if durations else None,
        resolved_in_window=len(durations),
        trend_dates=dates,
        trend=trend,
    )


def _trend(flags: QuerySet, as_of: date) -> tuple[list[date], dict[str, list[int]]]:
    """Open flags per severity on the as-of date and on the same day of each of the 12 months before.

    One query: a conditional count per date, grouped by severity.
    """
    dates = [months_before(as_of, months) for months in range(TREND_MONTHS, -1, -1)]
    counts = {f"on_{index}": Count("pk", filter=_open_on(day)) for index, day in enumerate(dates)}
    trend = {severity: [0] * len(dates) for severity in Severity.values}
    for row in flags.values("severity").annotate(**counts):
        trend[row["severity"]] = [row[f"on_{index}"] for index in range(len(dates))]
    return dates, trend


def _open_on(day: date) -> Q:
    until = end_of_day(day)
    return Q(first_seen__lt=until) & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=until))
