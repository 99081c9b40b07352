"""Each entry says who made the change and through which interface: web page, API (token or session),
admin, import, background job, command line; anything else is "system"."""

from decimal import Decimal

import pytest
from celery import shared_task
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import Actor
from analyses.models import ContextEvent
from nexus_portal.api.tokens import ApiToken
from nexus_portal.audit import audit_context
from nexus_portal.audit.context import current
from programmes.choices import OrganisationRole
from programmes.services import programme_create
from tests import factories
from tests.audit.helpers import entries_of, last_entry_of
from tests.programmes.test_views_edit import current_data, edit_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def programme(actor_a, areas):
    return factories.programme(reporting_actor=actor_a, title="Water in Juba", locations=[areas["SS0101"]])


def test_a_change_made_on_a_web_page_records_the_user_and_ui(client, owner, programme):
    client.force_login(owner)

    response = client.post(edit_url(programme), current_data(client, programme, title="Water and hygiene"))

    assert response.status_code == 302
    [entry] = [entry for entry in entries_of(programme, action="update") if "title" in entry.changes]
    assert (entry.user, entry.user_repr, entry.interface) == (owner, "owner", "ui")
    assert entry.changes["title"] == ["Water in Juba", "Water and hygiene"]
    assert entry.ip == "127.0.0.1" and entry.request_id


def test_a_change_made_with_an_api_token_records_the_tokens_user_and_api(owner, programme):
    _, key = ApiToken.issue(user=owner, name="NGO database", read_only=False)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    response = api.patch(f"/api/programmes/{programme.pk}/", {"title": "Renamed by the NGO system"}, format="json")

    assert response.status_code == 200, response.content
    entry = last_entry_of(programme, action="update")
    assert (entry.user, entry.interface) == (owner, "api")
    assert entry.changes["title"] == ["Water in Juba", "Renamed by the NGO system"]


def test_a_change_made_through_the_api_with_a_session_records_the_user_and_api(owner, programme):
    api = APIClient()
    api.force_login(owner)

    response = api.patch(f"/api/programmes/{programme.pk}/", {"title": "Renamed in the API docs"}, format="json")

    assert response.status_code == 200, response.content
    entry = last_entry_of(programme, action="update")
    assert (entry.user, entry.interface) == (owner, "api")


def test_a_change_made_in_the_admin_records_admin(client, superuser, areas):
    event = factories.event(areas["SS01"], description="Clashes")
    client.force_login(superuser)

    response = client.post(reverse("admin:analyses_contextevent_delete", args=[event.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not ContextEvent.objects.filter(pk=event.pk).exists()
    entry = last_entry_of(event, action="delete")
    assert (entry.user, entry.interface) == (superuser, "admin")


def test_an_import_records_the_user_who_started_it_and_import(owner, actor_a, areas):
    with audit_context(user=owner, interface="import", request_id="import-7"):
        programme = programme_create(
            user=owner,
            fields={"title": "Imported", "reporting_actor": actor_a},
            participants=[(actor_a, OrganisationRole.IMPLEMENTING)],
            sectors=[(factories.sector(), Decimal(100))],
            locations=[areas["SS01"]],
        )

    entries = entries_of(programme)
    assert entries, "the import's writes are recorded"
    assert {(e.user, e.interface, e.request_id) for e in entries} == {(owner, "import", "import-7")}
    assert current().interface == "system"  # the context ends with the block


class MakeActorCommand(BaseCommand):
    help = "Creates one actor (a test double for any command that writes)."

    def handle(self, *args, **options):
        factories.actor("Made on the command line")


def test_a_change_made_by_a_management_command_records_command():
    call_command(MakeActorCommand())

    entry = last_entry_of(Actor.objects.get(name="Made on the command line"), action="create")
    assert (entry.user, entry.interface) == (None, "command")
    assert entry.request_id.startswith("command-")


@shared_task
def rename_actor(actor_id: int) -> None:
    actor = Actor.objects.get(pk=actor_id)
    actor.name = "Renamed by a job"
    actor.save()


def test_a_change_made_by_a_background_task_records_job(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    actor = factories.actor("Before the job")

    rename_actor.delay(actor.pk)

    entry = last_entry_of(actor, action="update")
    assert entry.interface == "job" and entry.request_id.startswith("task-")
    assert entry.changes == {"name": ["Before the job", "Renamed by a job"]}


def test_a_task_run_in_process_keeps_the_user_who_started_it(owner, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    actor = factories.actor("Before the job")

    with audit_context(user=owner, interface="ui"):
        rename_actor.delay(actor.pk)

    entry = last_entry_of(actor, action="update")
    assert (entry.user, entry.interface) == (owner, "job")


def test_writes_outside_any_context_record_system_and_no_user():
    actor = factories.actor()

    entry = last_entry_of(actor, action="create")
    assert (entry.user, entry.interface, entry.request_id) == (None, "system", "")


def test_an_unknown_interface_is_refused():
    with pytest.raises(ValueError, match="unknown audit interface"), audit_context(interface="email"):
        pass
