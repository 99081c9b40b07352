"""get_restricted_or_404: the one way views fetch a single object for a user and an action."""

import pytest
from django.http import Http404

from actors.models import Actor
from nexus_portal.access import get_restricted_or_404
from programmes.models import Programme
from tests import factories
from tests.access.matrix import missing_pk


@pytest.fixture
def programme_of_a(actor_a):
    return factories.programme(reporting_actor=actor_a)


def test_it_returns_the_object_the_user_may_act_on(programme_of_a, owner):
    assert get_restricted_or_404(Programme, owner, "change", pk=programme_of_a.pk) == programme_of_a


def test_it_answers_a_hidden_object_exactly_like_a_missing_one(programme_of_a, colleague):
    with pytest.raises(Http404) as hidden:
        get_restricted_or_404(Programme, colleague, "change", pk=programme_of_a.pk)
    with pytest.raises(Http404) as missing:
        get_restricted_or_404(Programme, colleague, "change", pk=missing_pk(Programme))
    assert str(hidden.value) == str(missing.value) == "No Programme matches the given query."


def test_it_views_by_default(programme_of_a, colleague, anonymous):
    assert get_restricted_or_404(Programme, colleague, pk=programme_of_a.pk) == programme_of_a
    with pytest.raises(Http404):
        get_restricted_or_404(Programme, anonymous, pk=programme_of_a.pk)


def test_it_accepts_a_queryset_and_keeps_its_filters(programme_of_a, owner, actor_b):
    other = factories.programme(reporting_actor=actor_b)
    own_only = Programme.objects.filter(reporting_actor__memberships__user=owner)
    assert get_restricted_or_404(own_only, owner, pk=programme_of_a.pk) == programme_of_a
    with pytest.raises(Http404):
        get_restricted_or_404(own_only, owner, pk=other.pk)


def test_it_accepts_a_manager_and_any_lookup(actor_a, owner):
    assert get_restricted_or_404(Actor.objects, owner, name="Actor A") == actor_a


def test_it_refuses_an_unknown_action(programme_of_a, owner):
    with pytest.raises(ValueError, match="unknown action"):
        get_restricted_or_404(Programme, owner, "publish", pk=programme_of_a.pk)


def test_it_refuses_a_queryset_without_restrict(db, owner):
    from django.contrib.contenttypes.models import ContentType

    with pytest.raises(TypeError, match="no restrict"):
        get_restricted_or_404(ContentType, owner, pk=1)
