"""Analysis pages cost the same number of queries with few and with many related rows.

(The library and the analyses API list have theirs beside their other tests.)"""

import pytest
from django.urls import reverse

from analyses.choices import Sensitivity
from tests import factories
from tests.querycounts import assert_same_count, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(db):
    return factories.area_tree()


def analysis_with(size, actor_a, areas):
    authors = [actor_a, *(factories.actor() for _ in range(size))]
    scope = [factories.area(f"SS02{index:03d}", parent=areas["SS02"]) for index in range(size)]
    return factories.analysis(authors=authors, scope=scope, sensitivity=Sensitivity.PARTNERS)


@pytest.mark.parametrize("page", ["analyses:detail", "analyses:edit"])
def test_an_analysis_page_costs_the_same_with_more_authors_and_areas(client, owner, actor_a, areas, page):
    client.force_login(owner)

    def queries(size):
        analysis = analysis_with(size, actor_a, areas)
        return queries_for(client, reverse(page, args=[analysis.pk]))

    assert_same_count(queries(1), queries(12))
