"""Actor pages and API lists cost the same number of queries with few and with many rows.

(/api/actors/ has its own beside its other tests; the duplicate and merge pages are tested with them.)"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from actors.choices import MembershipRole
from actors.models import User
from nexus_portal.api.tokens import ApiToken
from tests import factories
from tests.querycounts import assert_same_count, queries_for

pytestmark = pytest.mark.django_db


def test_the_api_membership_list_costs_the_same_with_more_members(owner_manager, actor_a):
    api = APIClient()

    def members(count):
        for _ in range(count):
            factories.member(factories.user(), actor_a, MembershipRole.VIEWER)
        # A fresh user object each time, as each request has: it caches its actor ids.
        api.force_authenticate(User.objects.get(pk=owner_manager.pk))
        return queries_for(api, "/api/memberships/")

    assert_same_count(members(2), members(30))


def test_the_token_page_costs_the_same_with_more_tokens(client, owner):
    client.force_login(owner)

    def tokens(count):
        for number in range(count):
            ApiToken.issue(user=owner, name=f"System {number}")
        return queries_for(client, reverse("api_tokens"))

    assert_same_count(tokens(1), tokens(15))
