"""Schemathesis fuzzes every operation of the generated OpenAPI schema, signed in as two users of
different organisations: no request may give a 5xx, and no response may carry the other
organisation's private records (a sentinel in each one's agreements, requests and restricted analyses)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from analyses.choices import Sensitivity
from nexus_portal.api.tokens import ApiToken
from tests import factories

SENTINEL = "SENTINEL-PRIVATE-{}"
# Minutes of requests: CI runs it once, in the PostgreSQL pass (.ci/run deselects "fuzz" on SQLite).
pytestmark = pytest.mark.fuzz


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open():
    """Calling the WSGI app directly fires request signals that close the database connection, which on
    PostgreSQL ends the test's transaction; Django's own test client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def two_organisations(db):
    """Each organisation has private records marked with its own sentinel; each user has a writable token."""
    areas = factories.area_tree()
    keys = {}
    for name in ("A", "B"):
        organisation = factories.actor(f"Organisation {name}")
        person = factories.user(f"user-{name.lower()}")
        factories.member(person, organisation, role="manager")
        secret = SENTINEL.format(name)
        factories.agreement(donor=organisation, recipient=factories.actor(), reference=secret)
        factories.funding_request(applicant=organisation, submitted_to=factories.actor(), title=secret)
        factories.analysis(authors=[organisation], scope=[areas["SS01"]], sensitivity=Sensitivity.STRICT,
                           title=secret, summary=secret)  # fmt: skip
        factories.programme(reporting_actor=organisation, locations=[areas["SS0101"]])
        keys[name] = ApiToken.issue(user=person, name="fuzzing", read_only=False)[1]
    return keys


@schemathesis.check
def no_other_organisations_secrets(ctx, response, case):
    other = case.headers.get("X-Other-Organisation", "") if case.headers else ""
    if other and SENTINEL.format(other) in response.text:
        raise AssertionError(f"{case.method} {case.path} returned organisation {other}'s private record")


# Loaded at import: generating the schema reads no data, and a lazy fixture does not work with pytest 9.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def fuzz(case, keys, me: str) -> None:
    other = "B" if me == "A" else "A"
    case.headers = {**(case.headers or {}), "X-Other-Organisation": other}
    case.call_and_validate(
        headers={"Authorization": f"Bearer {keys[me]}", "X-Other-Organisation": other},
        checks=[not_a_server_error, no_other_organisations_secrets],
    )


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_fails_or_leaks_signed_in_as_organisation_a(case, two_organisations):
    fuzz(case, two_organisations, "A")


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_fails_or_leaks_signed_in_as_organisation_b(case, two_organisations):
    fuzz(case, two_organisations, "B")
