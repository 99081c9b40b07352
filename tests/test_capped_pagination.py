"""Lists never count a whole large table: exact totals up to a cap, "more than" (or PostgreSQL's estimate for
a whole table) beyond it, and "next" known from one extra row (nexus_portal/pagination.py)."""

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from nexus_portal import pagination
from nexus_portal.pagination import CappedPaginator, approximately, capped_count
from programmes.models import Programme
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    return 5


def programmes(count: int) -> None:
    actor = factories.actor()
    for number in range(count):
        factories.programme(reporting_actor=actor, title=f"Programme {number:03d}")


def test_it_counts_exactly_up_to_the_cap_and_no_further(small_cap):
    programmes(5)
    at_cap = CappedPaginator(Programme.objects.order_by("title", "pk"), 2)
    at_cap.page(1)
    programmes(1)
    beyond = CappedPaginator(Programme.objects.order_by("title", "pk"), 2)
    beyond.page(1)

    assert (at_cap.count, at_cap.count_exact, at_cap.num_pages) == (5, True, 3)
    assert (beyond.count, beyond.count_exact, beyond.num_pages, beyond.more_than) == (None, False, None, 5)
    assert (capped_count(Programme.objects.all(), 6), capped_count(Programme.objects.all(), 5)) == (6, None)


def test_it_knows_there_is_a_next_page_without_a_total(small_cap):
    programmes(9)
    paginator = CappedPaginator(Programme.objects.order_by("title", "pk"), 4)

    first, last = paginator.page(1), paginator.page(3)

    assert [p.title for p in first] == [f"Programme {n:03d}" for n in range(4)]
    assert first.has_next() and first.next_page_number() == 2 and not first.has_previous()
    assert [p.title for p in last] == ["Programme 008"] and not last.has_next()
    assert (last.start_index(), last.end_index()) == (9, 9)


def test_a_page_past_the_end_is_an_error_and_the_first_page_may_be_empty(small_cap):
    programmes(3)
    paginator = CappedPaginator(Programme.objects.order_by("pk"), 2)

    with pytest.raises(pagination.EmptyPage):
        paginator.page(3)
    assert list(CappedPaginator(Programme.objects.none(), 2).page(1)) == []


def test_estimates_are_rounded_to_three_figures():
    assert [approximately(n) for n in (7, 999, 1234, 99_987, 536_351)] == [7, 999, 1230, 100_000, 536_000]


def test_the_programme_list_says_more_than_the_cap_and_pages_on(client, owner, small_cap):
    programmes(30)
    client.force_login(owner)

    first = client.get(reverse("programmes:list"), {"status": "2"})
    second = client.get(reverse("programmes:list"), {"status": "2", "page": "2"})

    assert "More than 5 programmes" in first.content.decode()
    assert "Page 1" in first.content.decode() and "Page 1 of" not in first.content.decode()
    assert 'rel="next"' in first.content.decode()
    assert 'rel="prev"' in second.content.decode() and 'rel="next"' not in second.content.decode()


def test_a_short_programme_list_keeps_its_exact_total(client, owner):
    programmes(3)
    client.force_login(owner)

    content = client.get(reverse("programmes:list")).content.decode()

    assert "3 programmes" in content and "More than" not in content


@pytest.mark.postgres
def test_on_postgresql_the_whole_list_shows_the_tables_estimate(client, owner, small_cap):
    programmes(12)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE programmes_programme")
    client.force_login(owner)

    content = client.get(reverse("programmes:list")).content.decode()

    assert "About 12 programmes" in content


def test_the_flag_inbox_says_more_than_the_cap(client, reviewer, small_cap):
    from coordination.models import Flag

    for number in range(7):
        Flag.objects.create(rule="overlap", subject_key=f"pair-{number}", severity="high", message="Side by side")
    client.force_login(reviewer)

    content = client.get(reverse("coordination:flag_list")).content.decode()

    assert "More than 5 flags" in content


def test_the_api_gives_no_count_beyond_the_cap_but_always_a_next_link(reviewer, small_cap):
    programmes(8)
    api = APIClient()
    api.force_authenticate(reviewer)

    first = api.get("/api/programmes/", {"page_size": 3}).json()
    last = api.get("/api/programmes/", {"page_size": 3, "page": 3}).json()
    short = api.get("/api/programmes/", {"page_size": 3, "q": "Programme 007"}).json()

    assert first["count"] is None and "page=2" in first["next"]
    assert len(last["results"]) == 2 and last["next"] is None and last["count"] is None
    assert short["count"] == 1 and short["next"] is None


def test_the_home_page_says_more_than_the_cap(client, owner, actor_a, small_cap):
    for _ in range(7):
        factories.programme(reporting_actor=actor_a)
    client.force_login(owner)

    response = client.get(reverse("home"))

    assert response.context["own_programme_count"] is None
    assert "Showing the most recent of more than 5 programmes." in response.content.decode()
