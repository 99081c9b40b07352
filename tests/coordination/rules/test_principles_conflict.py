"""principles-conflict: an agreement requiring government approval, to a recipient that adheres to the
humanitarian principles (agreements not yet ended)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coordination.choices import Severity
from coordination.engine import runner
from coordination.engine.registry import GlobalFacts, all_rules
from coordination.models import Flag, FlagRun
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "principles-conflict"
AS_OF = date(2026, 6, 15)


@pytest.fixture
def norad():
    return factories.actor("Norad", acronym="Norad")


@pytest.fixture
def red_cross():
    return factories.actor("South Sudan Red Cross", acronym="SSRC", adheres_to_humanitarian_principles=True)


def evaluate(as_of=AS_OF):
    rule = all_rules()[CODE]
    return list(rule.evaluate(GlobalFacts(as_of), rule.params()))


def agreement(donor, recipient, *, approval=True, start=AS_OF - timedelta(days=100), end=None, **extra):
    return factories.agreement(
        donor=donor,
        recipient=recipient,
        requires_government_approval=approval,
        start=start,
        end=end or AS_OF + timedelta(days=300),
        **extra,
    )


def test_it_flags_an_approval_clause_in_an_agreement_with_a_principled_recipient(norad, red_cross):
    areas = factories.area_tree()
    clause = agreement(norad, red_cross, reference="NORAD-SSD-SSRC-DRR")
    clause.countries.set([areas["SS"]])

    [flag] = evaluate()

    assert flag.subject_key == f"agreement:{clause.pk}"
    assert flag.subject.model == "funding.fundingagreement" and flag.subject.pk == clause.pk
    assert flag.severity == Severity.INFO
    assert flag.responsible_actor_ids == {norad.pk, red_cross.pk}
    assert flag.country_code == "SS"
    assert flag.evidence["reference"] == "NORAD-SSD-SSRC-DRR"
    assert flag.evidence["countries"] == ["SS"]
    assert flag.evidence["end"] == AS_OF + timedelta(days=300)
    assert "NORAD-SSD-SSRC-DRR" in flag.message and "South Sudan Red Cross (SSRC)" in flag.message
    assert "humanitarian principles" in flag.message and "humanitære prinsippene" in flag.message_nb


@pytest.mark.parametrize(("approval", "principled"), [(True, False), (False, True), (False, False)])
def test_it_needs_both_the_clause_and_a_principled_recipient(norad, approval, principled):
    recipient = factories.actor(adheres_to_humanitarian_principles=principled)
    agreement(norad, recipient, approval=approval)

    assert evaluate() == []


@pytest.mark.parametrize(
    ("start", "end", "flagged"),
    [
        (AS_OF - timedelta(days=400), AS_OF - timedelta(days=1), False),
        (AS_OF - timedelta(days=400), AS_OF, True),
        (AS_OF + timedelta(days=30), AS_OF + timedelta(days=400), True),
    ],
)
def test_only_agreements_not_yet_ended_are_flagged(norad, red_cross, start, end, flagged):
    agreement(norad, red_cross, start=start, end=end)

    assert bool(evaluate()) is flagged


def test_the_country_comes_from_the_funded_programmes_and_is_left_open_for_several(norad, red_cross):
    areas = factories.area_tree()
    by_programme = agreement(norad, red_cross)
    by_programme.funded_programmes.set([factories.programme(locations=[areas["SS0101"]])])
    regional = agreement(norad, red_cross)
    regional.countries.set([areas["SS"], areas["KE"]])

    flags = {flag.subject.pk: flag for flag in evaluate()}

    assert flags[by_programme.pk].country_code == "SS"
    assert flags[regional.pk].country_code is None
    assert flags[regional.pk].evidence["countries"] == ["KE", "SS"]


def test_it_costs_three_queries_however_many_agreements_it_flags(norad, red_cross):
    for _ in range(5):
        agreement(norad, red_cross).countries.set([factories.area("SS")])

    with CaptureQueriesContext(connection) as queries:
        flags = evaluate()

    assert len(flags) == 5
    assert len(queries) == 3  # the agreements; their own countries; their programmes' countries


def test_the_engine_writes_global_info_flags(norad, red_cross):
    clause = agreement(norad, red_cross)

    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag = Flag.objects.get(rule=CODE)
    assert flag.subject == clause and flag.partition == "" and flag.severity == Severity.INFO
    assert set(flag.responsible_actors.all()) == {norad, red_cross}
