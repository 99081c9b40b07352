"""Exports (IATI XML and HXL, from the pages and the API) carry only what the user may see: another
organisation's funding agreement on a programme everyone may read stays out of a partner's export,
and a flag stays out of the HXL flag export of users it is not for. Each check has its positive control
(the owner's export does carry it), so an empty export cannot pass."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from coordination.choices import Severity
from coordination.models import Flag
from funding.models import FundingAgreement
from tests import factories

pytestmark = pytest.mark.django_db
SECRET_REFERENCE = "AGR-SECRET-4471"
PROGRAMME_EXPORTS = ["/programmes/export.xml", "/programmes/export.hxl.csv", "/api/programmes/export-iati/",
                     "/api/programmes/export-hxl/"]  # fmt: skip


@pytest.fixture
def funded_programme(actor_a, actor_b):
    area = factories.area_tree()["SS0101"]
    programme = factories.programme(reporting_actor=actor_a, locations=[area], title="Water for Juba exported")
    agreement = factories.agreement(donor=actor_a, recipient=factories.actor(), reference=SECRET_REFERENCE)
    FundingAgreement.funded_programmes.through.objects.create(fundingagreement=agreement, programme=programme)
    return programme


def export(user, path: str) -> str:
    if path.startswith("/api/"):
        client = APIClient()
        client.force_authenticate(user)
    else:
        client = Client()
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


@pytest.mark.parametrize("path", PROGRAMME_EXPORTS)
def test_a_partner_exports_the_programme_but_not_another_organisations_agreement(funded_programme, colleague,
                                                                                 owner, path):  # fmt: skip
    by_partner = export(colleague, path)
    assert "Water for Juba exported" in by_partner  # programmes are open to partners
    assert SECRET_REFERENCE not in by_partner
    if "iati" in path or path.endswith(".xml"):
        assert SECRET_REFERENCE in export(owner, path)  # the donor's own export does carry it


@pytest.mark.parametrize("path", PROGRAMME_EXPORTS)
def test_anonymous_visitors_export_nothing(funded_programme, path):
    response = (APIClient() if path.startswith("/api/") else Client()).get(path)
    assert response.status_code in (302, 401, 403)


def test_the_hxl_flag_export_holds_only_the_users_flags(actor_a, owner, colleague, reviewer):
    flag = Flag.objects.create(rule="overlap", subject_key="programme:1:2", severity=Severity.HIGH,
                               message="Secret overlap of A 9931")  # fmt: skip
    flag.responsible_actors.set([actor_a])
    assert "Secret overlap of A 9931" not in export(colleague, "/api/flags/export-hxl/")
    assert "Secret overlap of A 9931" in export(reviewer, "/api/flags/export-hxl/")
    assert "Secret overlap of A 9931" in export(owner, "/api/flags/export-hxl/")
