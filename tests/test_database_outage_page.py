"""While the database cannot be reached, pages answer a 503 "try again" page and the API a 503 in its
error shape: no traceback, no crash page; the portal recovers by itself when the database is back."""

import pytest
from django.db import OperationalError
from django.urls import path

from nexus_portal import urls as portal_urls
from tests import factories
from tests.test_health import database_unreachable


def _lost_connection(request):
    raise OperationalError("server closed the connection unexpectedly (host db.internal, user nexus)")


def _bug(request):
    raise ValueError("a plain bug")


urlpatterns = [path("lost/", _lost_connection), path("api/lost/", _lost_connection), path("bug/", _bug),
               *portal_urls.urlpatterns]  # fmt: skip
handler500 = portal_urls.handler500


@pytest.mark.urls(__name__)
def test_a_lost_database_connection_is_a_503_page_with_retry_after(client):
    client.raise_request_exception = False
    response = client.get("/lost/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert "Temporarily unavailable" in content and "Nothing you saved before is lost" in content
    assert "db.internal" not in content and "Traceback" not in content


@pytest.mark.urls(__name__)
def test_the_api_answers_503_in_its_error_shape(client):
    client.raise_request_exception = False
    response = client.get("/api/lost/")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"


@pytest.mark.urls(__name__)
def test_other_errors_keep_the_500_page(client):
    client.raise_request_exception = False
    response = client.get("/bug/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_signed_in_page_answers_503_while_postgresql_is_unreachable_then_recovers(client):
    client.force_login(factories.user())
    client.raise_request_exception = False
    with database_unreachable():
        response = client.get("/programmes/")
        api = client.get("/api/programmes/")
    assert response.status_code == 503 and "Temporarily unavailable" in response.content.decode()
    assert api.status_code == 503 and api.json()["error"]["code"] == "unavailable"
    assert client.get("/programmes/").status_code == 200
