"""Pagination that never counts a large table: the pages and the API share it.

Django's Paginator runs `SELECT COUNT(*)` over everything the filters match before it can cut a page;
at 100,000 programmes or 500,000 flags that count costs more than the page itself. `CappedPaginator`
instead
- counts at most `cap` + 1 matching rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`): the total is exact
  up to `cap`, beyond it the list says "more than 1,000" (`count_exact` False);
- optionally takes an `estimate` (a callable) used beyond the cap, for a list that is a whole table
  (PostgreSQL's own row estimate, `table_estimate`): "about 100,000";
- reads the ids in order up to the cap (or to the end of the page, if deeper) in one narrow query, which
  gives both the capped count and whether a next page exists, then the page's rows by id: the filters
  are evaluated once per page, not once for a count and once more for the rows.
Queries per page: the ids and the page's rows (plus the view's own prefetches), at any size.
"""

from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.translation import gettext_lazy as _

COUNT_CAP = 1000


def capped_count(queryset, cap: int | None = None) -> int | None:
    """How many rows match, exactly when at most `cap` (COUNT_CAP) do; None beyond ("more than 1,000"). One
    query that reads at most cap + 1 rows: `SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1)`."""
    cap = COUNT_CAP if cap is None else cap
    found = queryset.order_by().values("pk")[: cap + 1].count()
    return found if found <= cap else None


def approximately(number: int) -> int:
    """Rounded to three significant figures, for an estimate: 99,987 → 100,000; 536,351 → 536,000."""
    step = 10 ** max(len(str(abs(number))) - 3, 0)
    return round(number / step) * step


def table_estimate(model) -> int | None:
    """PostgreSQL's estimate of the rows in the model's table (pg_class.reltuples, kept fresh by
    autovacuum's ANALYZE); None on other databases or before the first ANALYZE."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        row = cursor.fetchone()
    return row[0] if row and row[0] and row[0] > 0 else None


class CappedPage(Page):
    """A page that knows whether a next one exists from the extra row it fetched, not from a total."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        if not self.more:
            raise EmptyPage(_("That page contains no results"))
        return self.number + 1

    def start_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, cap=None, estimate=None):
        super().__init__(object_list, per_page, orphans=0, allow_empty_first_page=allow_empty_first_page)
        self.cap = COUNT_CAP if cap is None else cap
        self.estimate = estimate

    @cached_property
    def _capped_count(self) -> int:
        """How many rows match, counting no further than cap + 1."""
        rows = self.object_list
        if hasattr(rows, "order_by"):  # a queryset: count in the database, ordering and columns dropped
            found = capped_count(rows, self.cap)
            return self.cap + 1 if found is None else found
        return min(len(rows), self.cap + 1)

    @property
    def count_exact(self) -> bool:
        return self._capped_count <= self.cap

    @cached_property
    def count(self) -> int | None:
        """The exact total when at most `cap` rows match, else None (the list says "more than …")."""
        return self._capped_count if self.count_exact else None

    @cached_property
    def estimated_count(self) -> int | None:
        """Beyond the cap, the estimate rounded to three significant figures ("about 100,000"), if there is one."""
        if self.count_exact or self.estimate is None:
            return None
        estimate = self.estimate()
        return approximately(estimate) if estimate and estimate > self.cap else None

    @property
    def more_than(self) -> int:
        return self.cap

    @cached_property
    def num_pages(self) -> int | None:
        """Known only when the total is exact (the last page of a long list is reached by "next")."""
        if not self.count_exact:
            return None
        if not self._capped_count and not self.allow_empty_first_page:
            return 0
        return max(1, -(-self._capped_count // self.per_page))

    def validate_number(self, number) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("That page number is not an integer")) from None
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        return number

    def page(self, number) -> CappedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if hasattr(self.object_list, "values_list"):
            rows, more = self._queryset_page(bottom)
        else:
            rows = list(self.object_list[bottom : bottom + self.per_page + 1])
            more = len(rows) > self.per_page
            rows = rows[: self.per_page]
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(_("That page contains no results"))
        return CappedPage(rows, number, self, more=more)

    def _queryset_page(self, bottom: int) -> tuple[list, bool]:
        """Two queries, the filters evaluated once: the ids in order up to the cap (or to the end of this
        page, if it lies deeper), which also gives the capped count; then this page's rows by id, with
        everything the list selects, annotates and prefetches."""
        reach = max(self.cap + 1, bottom + self.per_page + 1)
        ids = list(self.object_list.values_list("pk", flat=True)[:reach])
        self._capped_count = min(len(ids), self.cap + 1)  # the count needs no query of its own now
        wanted = ids[bottom : bottom + self.per_page]
        rows = list(self.object_list.filter(pk__in=wanted)) if wanted else []
        return rows, len(ids) > bottom + self.per_page

    @property
    def page_range(self):
        return range(1, (self.num_pages or 0) + 1)
