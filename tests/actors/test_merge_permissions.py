"""Who may merge which actor into which: administrators always; a manager of the kept actor when the duplicate
has no members of its own. Reviewers and managers look at pairs; a pair of strangers answers 404."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from actors.choices import MembershipRole
from actors.merge import actor_merge, may_see_duplicates, may_view_pair, merge_refusal
from actors.models import Actor
from tests import factories
from tests.access.matrix import add_member, quick_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(db):
    """A copy of actor A made by an import: no members."""
    return factories.actor("Actor A.")


@pytest.mark.parametrize(
    ("persona", "may_merge"),
    [
        ("owner", False),
        ("owner_manager", True),
        ("owner_viewer", False),
        ("colleague", False),
        ("reviewer", False),
        ("anonymous", False),
        ("superuser", True),
    ],
)
def test_an_imported_copy_is_merged_by_the_kept_actors_managers_and_administrators(
    personas, actor_a, imported, persona, may_merge
):
    user = personas[persona]
    assert (merge_refusal(user, actor_a, imported) is None) is may_merge
    if may_merge:
        record = actor_merge(user=user, keep=actor_a, duplicate=imported)
        assert record.kept == actor_a
        assert not Actor.objects.filter(pk=imported.pk).exists()
    else:
        with pytest.raises(PermissionDenied):
            actor_merge(user=user, keep=actor_a, duplicate=imported)
        assert Actor.objects.filter(pk=imported.pk).exists()


def test_a_manager_cannot_merge_an_actor_with_other_members_and_is_told_who_can(personas, actor_a, actor_b):
    with pytest.raises(PermissionDenied) as denied:
        actor_merge(user=personas["owner_manager"], keep=actor_a, duplicate=actor_b)

    assert "has members who are not managers of “Actor A”" in str(denied.value)
    assert "site administrator" in str(denied.value)
    assert Actor.objects.filter(pk=actor_b.pk).exists()
    actor_merge(user=personas["superuser"], keep=actor_a, duplicate=actor_b)
    assert not Actor.objects.filter(pk=actor_b.pk).exists()


def test_a_manager_may_merge_when_every_member_of_the_duplicate_manages_the_kept_actor(owner_manager, actor_a):
    duplicate = factories.actor("Actor A (old record)")
    add_member(owner_manager, duplicate, MembershipRole.EDITOR)

    actor_merge(user=owner_manager, keep=actor_a, duplicate=duplicate)

    assert not Actor.objects.filter(pk=duplicate.pk).exists()


def test_a_manager_of_the_duplicate_only_is_told_to_ask_the_kept_actors_managers(actor_a, imported):
    manager_of_copy = quick_user()
    add_member(manager_of_copy, imported, MembershipRole.MANAGER)

    refusal = merge_refusal(manager_of_copy, actor_a, imported)

    assert refusal == "Only a manager of “Actor A” or a site administrator can merge another organisation into it."
    assert may_view_pair(manager_of_copy, actor_a, imported)


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("owner", False),
        ("owner_manager", True),
        ("owner_viewer", False),
        ("colleague", False),
        ("reviewer", True),
        ("anonymous", False),
        ("superuser", True),
    ],
)
def test_reviewers_administrators_and_managers_see_duplicates(personas, persona, sees):
    assert may_see_duplicates(personas[persona]) is sees


# -- the pages --------------------------------------------------------------------------------------


def csrf_client(user) -> tuple[Client, str]:
    """A client that enforces CSRF like a browser, and a token read from a rendered page."""
    client = Client(enforce_csrf_checks=True)
    if user.is_authenticated:
        client.force_login(user)
        page = client.get("/actors/merges/").content.decode()
    else:
        page = client.get("/accounts/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client, token


@pytest.mark.parametrize(
    ("persona", "status", "shows_button"),
    [
        ("owner", 404, False),  # an editor, not a manager: the pair is none of their business
        ("owner_manager", 200, True),
        ("owner_viewer", 404, False),
        ("colleague", 404, False),  # cross-actor: B's editor asks about A
        ("reviewer", 200, False),
        ("anonymous", 302, False),
        ("superuser", 200, True),
    ],
)
def test_the_confirmation_page_by_persona(personas, actor_a, imported, persona, status, shows_button):
    client, _ = csrf_client(personas[persona])

    response = client.get(f"/actors/merge/{actor_a.pk}/{imported.pk}/")

    assert response.status_code == status
    assert ('type="submit">Merge “Actor A.” into “Actor A”' in response.content.decode()) is shows_button


@pytest.mark.parametrize(
    ("persona", "status", "merged"),
    [
        ("owner", 404, False),
        ("owner_manager", 302, True),
        ("owner_viewer", 404, False),
        ("colleague", 404, False),
        ("reviewer", 403, False),
        ("anonymous", 302, False),  # to the sign-in page
        ("superuser", 302, True),
    ],
)
def test_posting_the_merge_by_persona(personas, actor_a, imported, persona, status, merged):
    client, token = csrf_client(personas[persona])

    response = client.post(f"/actors/merge/{actor_a.pk}/{imported.pk}/", {"csrfmiddlewaretoken": token})

    assert response.status_code == status
    assert Actor.objects.filter(pk=imported.pk).exists() is not merged
    if persona == "reviewer":
        assert "Only a manager of “Actor A” or a site administrator" in response.content.decode()


def test_a_merge_posted_without_the_csrf_token_is_refused(superuser, actor_a, imported):
    client, _ = csrf_client(superuser)

    response = client.post(f"/actors/merge/{actor_a.pk}/{imported.pk}/")

    assert response.status_code == 403
    assert Actor.objects.filter(pk=imported.pk).exists()


def test_the_duplicates_page_is_refused_to_users_without_a_manager_role(personas):
    for persona in ("owner", "owner_viewer", "colleague"):
        client, _ = csrf_client(personas[persona])
        assert client.get("/actors/duplicates/").status_code == 403
    client, _ = csrf_client(personas["reviewer"])
    assert client.get("/actors/duplicates/").status_code == 200


def test_a_manager_of_another_actor_gets_404_for_a_pair_that_is_not_theirs(actor_a, actor_b, imported):
    manager_of_b = quick_user()
    add_member(manager_of_b, actor_b, MembershipRole.MANAGER)
    client, token = csrf_client(manager_of_b)

    assert client.get(f"/actors/merge/{actor_a.pk}/{imported.pk}/").status_code == 404
    response = client.post(f"/actors/merge/{actor_a.pk}/{imported.pk}/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 404
    response = client.post(f"/actors/not-duplicate/{actor_a.pk}/{imported.pk}/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 404
    assert Actor.objects.filter(pk=imported.pk).exists()
