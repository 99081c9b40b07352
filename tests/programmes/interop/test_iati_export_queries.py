"""The export reads a fixed number of queries per chunk of programmes and hands the document on in pieces."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import User
from programmes.choices import LinkType, OrganisationRole
from programmes.interop import iati_export
from programmes.interop.iati_export import iter_iati_xml
from programmes.models import Programme, ProgrammeHumanitarianScope, ProgrammeParticipant
from reference.choices import SectorVocabulary
from tests import factories
from tests.programmes.interop.test_iati_export_support import validated

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(actor_a):
    user = factories.user("member")
    factories.member(user, actor_a)
    return user


def make(count: int, reporting) -> None:
    """`count` programmes with every kind of child the export reads."""
    areas = factories.area_tree()
    sectors = [factories.sector("14030"), factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER)]
    donor = factories.actor()
    previous = None
    for _ in range(count):
        programme = factories.programme(
            reporting_actor=reporting, locations=[areas["SS0101"], areas["KE"]], sectors=sectors,
            total_budget=Decimal("100"), currency="NOK",
        )  # fmt: skip
        ProgrammeParticipant.objects.create(programme=programme, actor=donor, role=OrganisationRole.FUNDING)
        ProgrammeHumanitarianScope.objects.create(programme=programme, scope_type=1, vocabulary="1-2", code="EQ-1")
        factories.agreement(donor=donor, recipient=reporting).funded_programmes.add(programme)
        if previous is not None:
            factories.link(previous, programme, LinkType.JOINT)
        previous = programme


def queries_to_export(user_pk: int, **options) -> tuple[int, bytes]:
    user = User.objects.get(pk=user_pk)  # a fresh user object: no memberships cached from an earlier export
    with CaptureQueriesContext(connection) as captured:
        body = b"".join(iter_iati_xml(Programme.objects.restrict(user, "view").order_by("pk"), user=user, **options))
    return len(captured), body


def test_the_number_of_queries_does_not_grow_with_the_number_of_programmes(member, actor_a, django_assert_num_queries):
    make(3, actor_a)
    small, body = queries_to_export(member.pk)
    assert len(validated(body)) == 3
    make(12, actor_a)
    user = User.objects.get(pk=member.pk)
    with django_assert_num_queries(small):
        body = b"".join(iter_iati_xml(Programme.objects.restrict(user, "view").order_by("pk"), user=user))
    assert len(validated(body)) == 15


def test_each_chunk_costs_the_same_fixed_number_of_queries(member, actor_a):
    make(6, actor_a)
    counts = {}
    for size in (2, 3, 6):  # three, two and one chunks of the six programmes
        counts[size], body = queries_to_export(member.pk, chunk_size=size)
        assert len(validated(body)) == 6
    per_chunk = counts[3] - counts[6]
    assert per_chunk > 0
    assert counts[2] - counts[3] == per_chunk


def test_the_document_is_handed_on_in_pieces_as_it_is_written(member, actor_a, monkeypatch):
    make(4, actor_a)
    monkeypatch.setattr(iati_export, "FLUSH_BYTES", 1)
    user = User.objects.get(pk=member.pk)
    pieces = list(iter_iati_xml(Programme.objects.order_by("pk"), user=user))
    assert len(pieces) >= 5  # at least one piece per activity, and the end of the document
    assert pieces[0].startswith(b"<?xml")
    assert len(validated(b"".join(pieces))) == 4


def test_nothing_is_read_before_the_first_piece_is_asked_for(member, actor_a, django_assert_num_queries):
    make(2, actor_a)
    user = User.objects.get(pk=member.pk)
    with django_assert_num_queries(0):
        stream = iter_iati_xml(Programme.objects.order_by("pk"), user=user)
    assert next(stream).startswith(b"<?xml")
