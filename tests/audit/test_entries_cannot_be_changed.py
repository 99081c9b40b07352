"""The trail is append-only: no ORM call and no admin page changes or removes an entry."""

import pytest
from django.urls import reverse

from nexus_portal.audit.models import AppendOnly, AuditEntry
from tests import factories
from tests.audit.helpers import last_entry_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return last_entry_of(factories.actor("Norwegian Refugee Council"), action="create")


def test_an_entry_cannot_be_saved_again_or_deleted(entry):
    entry.object_repr = "Someone else"

    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "Norwegian Refugee Council"


@pytest.mark.parametrize(
    "call",
    [
        lambda entries: entries.update(object_repr="x"),
        lambda entries: entries.delete(),
        lambda entries: entries.bulk_update(list(entries), ["object_repr"]),
        lambda entries: entries.update_or_create(pk=entries[0].pk, defaults={"object_repr": "x"}),
    ],
    ids=["update", "delete", "bulk_update", "update_or_create"],
)
def test_querysets_refuse_to_change_or_delete_entries(entry, call):
    with pytest.raises(AppendOnly):
        call(AuditEntry.objects.filter(pk=entry.pk))
    assert AuditEntry.objects.filter(pk=entry.pk, object_repr="Norwegian Refugee Council").exists()


def test_deleting_a_user_keeps_their_entries_with_their_name(owner, actor_a):
    from nexus_portal.audit import audit_context

    with audit_context(user=owner, interface="ui"):
        actor_a.name = "Renamed"
        actor_a.save()
    owner.delete()

    entry = last_entry_of(actor_a, action="update")
    assert (entry.user, entry.user_repr) == (None, "owner")


def test_the_admin_shows_entries_read_only(client, superuser, entry):
    client.force_login(superuser)
    change_url = reverse("admin:audit_auditentry_change", args=[entry.pk])

    page = client.get(change_url)
    posted = client.post(change_url, {"object_repr": "Someone else", "action": "delete"})
    deleted = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    added = client.get(reverse("admin:audit_auditentry_add"))
    listed = client.get(reverse("admin:audit_auditentry_changelist"), {"q": "Norwegian"})

    assert page.status_code == 200 and "Norwegian Refugee Council" in page.content.decode()
    assert posted.status_code == 403 and deleted.status_code == 403 and added.status_code == 403
    assert listed.status_code == 200 and "action-select" not in listed.content.decode()  # no bulk actions
    assert AuditEntry.objects.filter(pk=entry.pk, object_repr="Norwegian Refugee Council").exists()


def test_the_admin_hides_entries_of_named_analyses_from_administrators_not_named(client, superuser, actor_a):
    from analyses.choices import Sensitivity

    named = factories.analysis(authors=[actor_a], sensitivity=Sensitivity.NAMED)
    client.force_login(superuser)

    listed = client.get(reverse("admin:audit_auditentry_changelist"))
    hidden = last_entry_of(named, action="create")

    assert hidden.pk not in {e.pk for e in listed.context["cl"].result_list}
    assert client.get(reverse("admin:audit_auditentry_change", args=[hidden.pk])).status_code in (302, 404)
