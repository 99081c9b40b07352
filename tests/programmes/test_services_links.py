"""Link services: the other side confirms; only confirmed links count for the rules."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coordination.engine.facts import CountryFacts
from programmes import services_links as services
from programmes.choices import LinkStatus, LinkType
from programmes.models import ProgrammeLink
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours(actor_a):
    return factories.programme(reporting_actor=actor_a)


@pytest.fixture
def theirs(actor_b):
    return factories.programme(reporting_actor=actor_b)


def propose(user, ours, theirs, link_type=LinkType.COMPLEMENTARY):
    return services.link_propose(user=user, from_programme=ours, to_programme=theirs, link_type=link_type)


def test_a_proposal_waits_for_the_other_side(owner, colleague, ours, theirs):
    link = propose(owner, ours, theirs)
    assert link.status == LinkStatus.PROPOSED
    with pytest.raises(PermissionDenied):
        services.link_confirm(user=owner, link=link)  # the proposer cannot confirm their own proposal
    assert services.link_confirm(user=colleague, link=link).status == LinkStatus.CONFIRMED


def test_nobody_proposes_from_a_programme_they_do_not_edit(colleague, ours, theirs):
    with pytest.raises(PermissionDenied):
        propose(colleague, ours, theirs)
    assert not ProgrammeLink.objects.exists()


def test_an_answered_proposal_is_not_answered_twice(owner, colleague, ours, theirs):
    link = propose(owner, ours, theirs)
    services.link_decline(user=colleague, link=link)
    with pytest.raises(ValidationError):
        services.link_confirm(user=colleague, link=link)


def test_a_pair_has_one_open_link_per_type_in_either_direction(owner, colleague, ours, theirs):
    propose(owner, ours, theirs)
    with pytest.raises(ValidationError):
        propose(colleague, theirs, ours)
    assert propose(colleague, theirs, ours, LinkType.REFERRAL).status == LinkStatus.PROPOSED


def test_either_side_removes_and_others_cannot(owner, colleague, reviewer, ours, theirs):
    first, second = factories.link(ours, theirs), factories.link(ours, theirs, LinkType.JOINT)
    with pytest.raises(PermissionDenied):
        services.link_remove(user=reviewer, link=first)
    services.link_remove(user=owner, link=first)
    services.link_remove(user=colleague, link=second)
    assert not ProgrammeLink.objects.exists()


def test_only_confirmed_links_count_for_the_rules(owner, colleague, ours, theirs):
    juba = factories.area_tree()["SS0101"]
    ours.locations.set([juba])
    theirs.locations.set([juba])
    link = propose(owner, ours, theirs)
    assert not CountryFacts("SS", date.today()).linked(ours.pk, theirs.pk)
    services.link_confirm(user=colleague, link=link)
    assert CountryFacts("SS", date.today()).linked(ours.pk, theirs.pk)
