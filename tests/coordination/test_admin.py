"""The flag admin triages flags the engine wrote: status, assignee and reason, each leaving a history entry."""

import pytest
from django.urls import reverse

from actors.models import User
from coordination.choices import FlagAction, FlagStatus
from coordination.models import Flag, FlagEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return User.objects.create(username="root", is_staff=True, is_superuser=True)  # no password: fast


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def flag():
    return Flag.objects.create(rule="overlap", subject_key="programme:1:2", severity="high", message="Overlap")


def triage(admin_client, flag, **fields):
    data = {"status": flag.status, "assigned_to": "", "dismissed_reason": "", "resolved_at_0": "", "resolved_at_1": ""}
    data |= {"events-TOTAL_FORMS": 0, "events-INITIAL_FORMS": 0}
    return admin_client.post(reverse("admin:coordination_flag_change", args=[flag.pk]), data | fields)


def test_dismissing_without_a_reason_shows_the_message_and_changes_nothing(admin_client, flag):
    response = triage(admin_client, flag, status=FlagStatus.DISMISSED)

    assert response.status_code == 200
    assert "Give a reason when dismissing a flag." in response.text
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    assert not flag.events.exists()


def test_dismissing_with_a_reason_records_who_and_why(admin_client, superuser, flag):
    reason = "Two phases of one grant."

    assert triage(admin_client, flag, status=FlagStatus.DISMISSED, dismissed_reason=reason).status_code == 302

    event = flag.events.get()
    assert (event.action, event.user, event.note) == (FlagAction.DISMISSED, superuser, reason)


def test_resolving_fills_in_the_time(admin_client, flag):
    assert triage(admin_client, flag, status=FlagStatus.RESOLVED).status_code == 302

    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED
    assert flag.resolved_at is not None
    assert flag.events.get().action == FlagAction.RESOLVED


def test_assigning_records_the_actor(admin_client, flag):
    actor = factories.actor(name="NRC")

    assert triage(admin_client, flag, assigned_to=actor.pk).status_code == 302

    assert list(flag.events.values_list("action", "note")) == [(FlagAction.ASSIGNED, "NRC")]


def test_what_the_engine_wrote_cannot_be_changed_here(admin_client, flag):
    assert triage(admin_client, flag, message="Edited", rule="other", severity="low").status_code == 302

    flag.refresh_from_db()
    assert (flag.message, flag.rule, flag.severity) == ("Overlap", "overlap", "high")


def test_the_history_is_read_only(admin_client, flag):
    FlagEvent.objects.create(flag=flag, action=FlagAction.OPENED, note="first seen")

    response = admin_client.get(reverse("admin:coordination_flag_change", args=[flag.pk]))

    assert "first seen" in response.text
    assert 'name="events-0-note"' not in response.text
    assert admin_client.get(reverse("admin:coordination_flagevent_add")).status_code == 403
