"""between-two-chairs: a request redirected at least twice, declined as outside the mandate by two donor units,
or pending without a decision more than 60 days after submission."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coordination.choices import FlagStatus, Severity
from coordination.engine import runner
from coordination.engine.registry import GlobalFacts, all_rules
from coordination.models import Flag, FlagRun
from funding.choices import RequestStatus
from funding.models import FundingRequestEvent
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "between-two-chairs"
AS_OF = date(2026, 6, 15)
S = RequestStatus


@pytest.fixture
def units():
    return {
        "mfa": factories.actor("Ministry of Foreign Affairs", acronym="MFA"),
        "norad": factories.actor("Norad", acronym="Norad"),
        "embassy": factories.actor("Royal Norwegian Embassy in Juba", acronym="RNE Juba"),
    }


@pytest.fixture
def applicant():
    return factories.actor("Upper Nile Relief and Development", acronym="UNRDA")


def evaluate(as_of=AS_OF):
    rule = all_rules()[CODE]
    return sorted(rule.evaluate(GlobalFacts(as_of), rule.params()), key=lambda c: c.subject_key)


def request(applicant, to, *, days_ago=100, status=S.PENDING, **extra):
    decided = extra.pop("decision_date", None if status == S.PENDING else AS_OF - timedelta(days=10))
    return factories.funding_request(
        applicant=applicant,
        submitted_to=to,
        submitted_on=AS_OF - timedelta(days=days_ago),
        status=status,
        decision_date=decided,
        **extra,
    )


def step(req, status, unit, days_ago, *, to=None, outside_mandate=False):
    return FundingRequestEvent.objects.create(
        request=req,
        status=status,
        unit=unit,
        redirected_to=to,
        outside_mandate=outside_mandate,
        date=AS_OF - timedelta(days=days_ago),
    )


def test_it_flags_a_request_redirected_twice(units, applicant):
    mfa, norad, embassy = units["mfa"], units["norad"], units["embassy"]
    req = request(applicant, mfa, status=S.REDIRECTED, redirected_to=embassy, title="Durable solutions in Renk")
    step(req, S.PENDING, mfa, 100)
    step(req, S.REDIRECTED, mfa, 80, to=norad)
    step(req, S.REDIRECTED, norad, 40, to=embassy)

    [flag] = evaluate()

    assert flag.subject_key == f"request:{req.pk}"
    assert flag.subject.model == "funding.fundingrequest" and flag.subject.pk == req.pk
    assert flag.severity == Severity.MEDIUM
    assert flag.responsible_actor_ids == {mfa.pk, norad.pk, embassy.pk}
    assert flag.country_code is None
    assert flag.evidence["reasons"] == ["redirected"]
    assert flag.evidence["redirects"] == [
        {"date": AS_OF - timedelta(days=80), "from": mfa.pk, "to": norad.pk},
        {"date": AS_OF - timedelta(days=40), "from": norad.pk, "to": embassy.pk},
    ]
    assert "“Durable solutions in Renk” from UNRDA" in flag.message
    assert "redirected 2 times (MFA → Norad → RNE Juba)" in flag.message
    assert "videresendt 2 ganger" in flag.message_nb


def test_a_request_redirected_once_is_not_flagged(units, applicant):
    req = request(applicant, units["mfa"], status=S.REDIRECTED, redirected_to=units["norad"])
    step(req, S.REDIRECTED, units["mfa"], 80, to=units["norad"])

    assert evaluate() == []


def test_it_flags_a_request_declined_as_outside_mandate_by_two_units(units, applicant):
    mfa, norad = units["mfa"], units["norad"]
    req = request(applicant, mfa, status=S.DECLINED, outside_mandate=True)
    step(req, S.DECLINED, mfa, 80, outside_mandate=True)
    step(req, S.DECLINED, norad, 30, outside_mandate=True)

    [flag] = evaluate()

    assert flag.evidence["reasons"] == ["outside_mandate"]
    assert flag.evidence["outside_mandate_units"] == sorted([mfa.pk, norad.pk])
    assert "declined as outside the mandate by MFA and Norad" in flag.message
    assert "utenfor mandatet av MFA og Norad" in flag.message_nb


def test_two_outside_mandate_refusals_by_the_same_unit_are_one_unit(units, applicant):
    req = request(applicant, units["mfa"], status=S.DECLINED, outside_mandate=True)
    step(req, S.DECLINED, units["mfa"], 80, outside_mandate=True)
    step(req, S.DECLINED, units["mfa"], 30, outside_mandate=True)
    step(req, S.DECLINED, units["norad"], 20)  # declined, but not as outside its mandate

    assert evaluate() == []


@pytest.mark.parametrize(("days_ago", "flagged"), [(61, True), (60, False)])
def test_a_pending_request_is_flagged_after_sixty_days(units, applicant, days_ago, flagged):
    req = request(applicant, units["embassy"], days_ago=days_ago)

    flags = evaluate()

    assert bool(flags) is flagged
    if flagged:
        assert flags[0].evidence["reasons"] == ["pending"]
        assert flags[0].evidence["submitted_on"] == AS_OF - timedelta(days=61)
        assert flags[0].responsible_actor_ids == {units["embassy"].pk}
        assert "pending for 61 days without a decision" in flags[0].message
        assert flags[0].subject.pk == req.pk


def test_a_long_decided_or_redirected_request_is_not_pending(units, applicant):
    request(applicant, units["mfa"], days_ago=200, status=S.DECLINED)
    request(applicant, units["mfa"], days_ago=200, status=S.REDIRECTED, redirected_to=units["norad"])

    assert evaluate() == []


def test_an_approved_request_has_found_its_owner(units, applicant):
    req = request(applicant, units["norad"], status=S.APPROVED)
    step(req, S.REDIRECTED, units["norad"], 80, to=units["mfa"])
    step(req, S.REDIRECTED, units["mfa"], 60, to=units["embassy"])
    step(req, S.APPROVED, units["embassy"], 10)

    assert evaluate() == []


def test_a_request_declined_after_two_redirects_is_still_flagged(units, applicant):
    req = request(applicant, units["norad"], status=S.DECLINED)
    step(req, S.REDIRECTED, units["norad"], 80, to=units["mfa"])
    step(req, S.REDIRECTED, units["mfa"], 60, to=units["embassy"])

    assert [flag.subject.pk for flag in evaluate()] == [req.pk]


def test_history_after_the_as_of_date_does_not_count(units, applicant):
    req = request(applicant, units["norad"], status=S.REDIRECTED, redirected_to=units["embassy"])
    step(req, S.REDIRECTED, units["norad"], 80, to=units["mfa"])
    step(req, S.REDIRECTED, units["mfa"], -5, to=units["embassy"])
    request(applicant, units["norad"], days_ago=-100)  # submitted after the as-of date

    assert evaluate() == []


def test_all_reasons_are_given_together(units, applicant):
    req = request(applicant, units["mfa"], days_ago=90)
    step(req, S.REDIRECTED, units["mfa"], 80, to=units["norad"])
    step(req, S.REDIRECTED, units["norad"], 70, to=units["mfa"])
    step(req, S.DECLINED, units["mfa"], 60, outside_mandate=True)
    step(req, S.DECLINED, units["norad"], 50, outside_mandate=True)

    [flag] = evaluate()

    assert flag.evidence["reasons"] == ["outside_mandate", "pending", "redirected"]


def test_the_flag_is_placed_in_the_country_of_the_requests_programme(units, applicant):
    areas = factories.area_tree()
    in_juba = factories.programme(locations=[areas["SS0101"], areas["SS01"]])
    across_borders = factories.programme(locations=[areas["SS0101"], areas["KE"]])
    in_one_country = request(applicant, units["mfa"], programme=in_juba)
    in_two = request(applicant, units["mfa"], programme=across_borders)

    flags = evaluate()

    assert {flag.subject.pk: flag.country_code for flag in flags} == {in_one_country.pk: "SS", in_two.pk: None}


def test_a_dismissed_pending_request_stays_dismissed_as_the_days_go_by(units, applicant):
    request(applicant, units["embassy"], days_ago=95)
    run = runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))
    assert run.status == FlagRun.Status.SUCCEEDED
    Flag.objects.filter(rule=CODE).update(status=FlagStatus.DISMISSED, dismissed_reason="The embassy is on it.")

    later = AS_OF + timedelta(days=7)
    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=later))

    assert Flag.objects.get(rule=CODE).status == FlagStatus.DISMISSED


def test_it_costs_four_queries_however_many_requests_it_flags(units, applicant):
    programme = factories.programme(locations=[factories.area_tree()["SS0101"]])
    for _ in range(6):
        req = request(applicant, units["mfa"], programme=programme)
        step(req, S.REDIRECTED, units["mfa"], 80, to=units["norad"])
        step(req, S.REDIRECTED, units["norad"], 70, to=units["embassy"])

    with CaptureQueriesContext(connection) as queries:
        flags = evaluate()

    assert len(flags) == 6
    assert len(queries) == 4  # the requests; their history; the actors' names; the programmes' countries


def test_the_engine_writes_global_flags(units, applicant):
    req = request(applicant, units["embassy"], days_ago=95)

    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag = Flag.objects.get(rule=CODE)
    assert flag.subject_key == f"request:{req.pk}" and flag.partition == ""
    assert flag.subject == req
    assert list(flag.responsible_actors.all()) == [units["embassy"]]
    assert flag.evidence["submitted_on"] == (AS_OF - timedelta(days=95)).isoformat()
