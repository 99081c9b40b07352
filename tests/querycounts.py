"""Helpers for the query-count tests (tests/<app>/test_query_counts*.py): a page or an API list must cost
the same number of queries with a few related rows and with many (shared/docs/engineering.md)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url: str, params=None, **extra) -> list[str]:
    """The SQL of one GET, which must answer 200."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {}, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in captured.captured_queries]


def assert_same_count(small: list[str], large: list[str]) -> None:
    """The same number of queries; on failure, every query of the larger page (Zulip's habit)."""
    assert len(large) == len(small), f"{len(small)} → {len(large)} queries:\n\n" + "\n\n".join(large)
