"""manage.py find_duplicate_actors lists candidate pairs with reasons, and --merge merges as the system."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from actors.models import Actor, ActorMerge
from tests import factories

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("find_duplicate_actors", *args, stdout=out)
    return out.getvalue()


def test_it_prints_each_pair_with_its_reasons():
    council = factories.actor("Norwegian Refugee Council")
    acronym = factories.actor("Flyktningerådet", acronym="NRC")
    factories.actor("Save the Elephants")

    output = run()

    assert f"#{council.pk} Norwegian Refugee Council  ↔  #{acronym.pk} Flyktningerådet (NRC)" in output
    assert "- NRC is made of the initials of “Norwegian Refugee Council”" in output
    assert output.rstrip().endswith("1 possible duplicate pair(s).")


def test_it_says_so_when_there_are_none():
    factories.actor("Save the Children")
    factories.actor("Save the Elephants")

    assert run() == "0 possible duplicate pair(s).\n"


def test_merge_moves_the_references_and_prints_the_counts():
    keep = factories.actor("Norwegian Refugee Council", acronym="NRC")
    duplicate = factories.actor("NRC Norge")
    factories.programme(reporting_actor=duplicate)
    factories.programme(reporting_actor=duplicate)

    output = run("--merge", str(keep.pk), str(duplicate.pk))

    assert f"Merged #{duplicate.pk} NRC Norge into #{keep.pk} Norwegian Refugee Council (NRC)." in output
    assert "2  Programmes (as reporting actor)" in output
    assert "2  Participants (as actor)" in output
    assert "alias added: NRC Norge" in output
    assert not Actor.objects.filter(pk=duplicate.pk).exists()
    assert ActorMerge.objects.get().merged_by is None


def test_a_refused_merge_exits_with_the_reason_and_changes_nothing():
    keep = factories.actor("Headquarters")
    office = factories.actor("Office", parent=keep)

    with pytest.raises(CommandError, match="loop"):
        run("--merge", str(office.pk), str(keep.pk))
    with pytest.raises(CommandError, match="No actor with id 999999"):
        run("--merge", str(keep.pk), "999999")
    assert Actor.objects.count() == 2
