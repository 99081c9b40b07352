"""Funding pages cost the same number of queries with few and with many related rows.

(The agreement and request lists and the funding API lists have theirs beside their other tests.)"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.choices import RequestStatus
from funding.models import FundingRequestEvent
from tests import factories
from tests.querycounts import assert_same_count, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(db):
    return factories.area_tree()


def test_an_agreement_page_costs_the_same_with_more_tranches_programmes_and_sub_grants(
    client, owner, actor_a, actor_b, areas
):
    client.force_login(owner)

    def page(size):
        agreement = factories.agreement(donor=actor_a, recipient=actor_b)
        agreement.countries.set([areas["SS"]])
        for index in range(size):
            factories.tranche(agreement, 2020 + index, Decimal("10"))
            agreement.funded_programmes.add(factories.programme(reporting_actor=actor_b))
            factories.agreement(donor=actor_b, recipient=factories.actor(), parent=agreement, amount=Decimal("5"))
        return queries_for(client, reverse("funding:agreement_detail", args=[agreement.pk]))

    assert_same_count(page(1), page(12))


def test_a_request_page_costs_the_same_with_a_longer_history(client, reviewer, actor_a):
    client.force_login(reviewer)
    donors = [factories.actor() for _ in range(3)]

    def page(size):
        request = factories.funding_request(applicant=actor_a, submitted_to=donors[0])
        for index in range(size):
            FundingRequestEvent.objects.create(
                request=request, status=RequestStatus.REDIRECTED, unit=donors[index % 2],
                redirected_to=donors[(index + 1) % 2], reason=f"Step {index}", date=date.today(),
            )  # fmt: skip
        return queries_for(client, reverse("funding:request_detail", args=[request.pk]))

    assert_same_count(page(1), page(15))
