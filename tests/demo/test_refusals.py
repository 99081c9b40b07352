"""load_demo refuses to run where it would do harm or cannot work, and says why."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from actors.models import Actor, User
from nexus_portal.demo.places import required_pcodes
from nexus_portal.demo.users import DEMO_PASSWORD
from programmes.models import Programme
from reference.models import Area
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_refuses_with_debug_false_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=False") as error:
        call_command("load_demo")
    assert DEMO_PASSWORD in str(error.value) and "--force" in str(error.value)
    assert not User.objects.exists()


def test_it_refuses_without_reference_data_and_writes_nothing(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match=r"run manage\.py load_reference first"):
        call_command("load_demo")
    assert not Actor.objects.exists() and not User.objects.exists()


def test_a_load_that_fails_half_way_leaves_nothing_behind(settings):
    """Every area is there but no sector: the load stops at the first programme and rolls back."""
    settings.DEBUG = True
    for pcode in sorted(required_pcodes(), key=len):
        parent = None if len(pcode) == 2 else Area.objects.get(pcode=pcode[: 2 if len(pcode) == 4 else 4])
        factories.area(pcode, parent=parent)
    with pytest.raises(CommandError, match=r"missing sector .*run manage\.py load_reference first"):
        call_command("load_demo")
    assert not Actor.objects.exists() and not User.objects.exists() and not Programme.objects.exists()


def test_forcing_does_not_skip_the_reference_data_check(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match=r"run manage\.py load_reference first"):
        call_command("load_demo", force=True)


def test_it_refuses_an_as_of_date_in_the_future(settings):
    settings.DEBUG = True
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(CommandError, match="in the future"):
        call_command("load_demo", as_of=tomorrow)


def test_it_rejects_an_as_of_that_is_not_a_date(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--as-of must be a date"):
        call_command("load_demo", "--as-of", "last tuesday")


def test_demo_logins_says_to_load_the_demo_first():
    output = io.StringIO()
    call_command("demo_logins", stdout=output)
    assert "run manage.py load_demo first" in output.getvalue()
    assert DEMO_PASSWORD not in output.getvalue()
