"""The demo is loaded once per test module (the reference data alone has 33k areas): committed outside the
per-test transactions, and removed again when the module is done."""

import io
from dataclasses import dataclass
from datetime import date

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from actors.models import Actor, Membership, User
from analyses.models import Analysis, ContextEvent
from coordination.dirty import deferred_rechecks
from coordination.models import Flag, SharedGoal
from funding.models import FundingAgreement, FundingRequest
from nexus_portal.audit.models import AuditEntry
from programmes.models import Programme
from reference.models import Area, CodeListItem, Sector

MD5_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


@dataclass(frozen=True)
class LoadedDemo:
    as_of: date
    output: str


def remove_demo_and_reference_data() -> None:
    """Delete in an order that PROTECT foreign keys allow (sub-grants before their parents).

    Deleting marks countries for a flag re-check; deferring it to after the commit means it finds nothing
    left to flag, and the engine's own rows (flags, runs, marks) go last.
    """
    with transaction.atomic(), deferred_rechecks():
        Flag.objects.all().delete()
        FundingRequest.objects.all().delete()
        while FundingAgreement.objects.exists():
            FundingAgreement.objects.filter(sub_grants__isnull=True).delete()
        SharedGoal.objects.all().delete()
        Analysis.objects.all().delete()
        ContextEvent.objects.all().delete()
        Programme.objects.all().delete()
        Membership.objects.all().delete()
        User.objects.all().delete()
        Actor.objects.all().delete()
        with connection.cursor() as cursor:  # 33k rows: the ORM's delete collector would take seconds
            cursor.execute(f"DELETE FROM {Area._meta.db_table}")  # foreign keys are checked at commit
        Sector.objects.all().delete()
        CodeListItem.objects.all().delete()
    for model in apps.get_app_config("coordination").get_models():
        model.objects.all().delete()
    with connection.cursor() as cursor:  # the audit trail is append-only through the ORM, on purpose
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table}")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Reference data and the demo, loaded as of today with --force (tests run with DEBUG=False)."""
    output = io.StringIO()
    # The same fast hasher as tests/conftest.py's autouse fixture, so check_password works in the tests.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[MD5_HASHER]):
        try:
            call_command("load_reference", stdout=io.StringIO())
            call_command("load_demo", force=True, stdout=output)
        except BaseException:
            remove_demo_and_reference_data()  # committed data must not leak into other modules
            raise
    yield LoadedDemo(as_of=timezone.localdate(), output=output.getvalue())
    with django_db_blocker.unblock():
        remove_demo_and_reference_data()
