"""The portal's 500 handler: a database that cannot be reached is a 503 "try again in a minute"
(with Retry-After), not a crash page; every other error is Django's own 500 page (templates/500.html).

Registered as `handler500` in nexus_portal/urls.py, so it also catches database errors raised by
middleware (the session, the signed-in user) and by the API (as JSON in the API's error shape). No
traceback or exception message reaches the client either way.
"""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    """True for "cannot connect / the connection was lost", not for a bad query or a constraint."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OperationalError | InterfaceError):
            return True
        if isinstance(error, DatabaseError):
            return False
        error = error.__cause__ or error.__context__
    return False


@requires_csrf_token
def server_error(request, template_name="500.html"):
    if not database_unavailable(sys.exc_info()[1]):
        return django_server_error(request, template_name)
    if request.path.startswith("/api/"):
        body = {
            "error": {
                "status": 503,
                "code": "unavailable",
                "message": "The database is not reachable just now; try again shortly.",
                "fields": {},
            }
        }
        response = JsonResponse(body, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
