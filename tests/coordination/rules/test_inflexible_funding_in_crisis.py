"""inflexible-funding-in-crisis: an active, earmarked development agreement without a crisis modifier that
funds work in an area with active humanitarian programmes or a context event in the last 12 months."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coordination.choices import Severity
from coordination.engine import runner
from coordination.engine.facts import CountryFacts
from coordination.engine.registry import all_rules
from coordination.engine.timeline import add_months
from coordination.models import Flag, FlagRun
from funding.choices import Earmarking, Stream
from programmes.choices import ActivityStatus
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "inflexible-funding-in-crisis"
AS_OF = date(2026, 6, 15)
TWELVE_MONTHS_AGO = add_months(AS_OF, -12)


@pytest.fixture
def areas():
    return factories.area_tree()


@pytest.fixture
def norad():
    return factories.actor("Norad", acronym="Norad")


def evaluate(as_of=AS_OF):
    rule = all_rules()[CODE]
    return list(rule.evaluate(CountryFacts("SS", as_of), rule.params()))


def running(pillars, area, **extra):
    return factories.programme(pillars=pillars, locations=[area], start=AS_OF - timedelta(days=300), **extra)


def rigid_agreement(donor, *, funds=(), countries=(), **extra):
    fields = {
        "stream": Stream.DEVELOPMENT,
        "earmarking": Earmarking.TIGHTLY_EARMARKED,
        "start": AS_OF - timedelta(days=200),
        "end": AS_OF + timedelta(days=500),
        **extra,
    }
    agreement = factories.agreement(donor=donor, recipient=factories.actor("Farmers' union", acronym="FU"), **fields)
    agreement.funded_programmes.set(funds)
    agreement.countries.set(countries)
    return agreement


@pytest.fixture
def farming(areas):
    return running("D", areas["SS0101"])


def test_it_flags_rigid_development_money_beside_active_humanitarian_work(areas, norad, farming):
    health = running("H", areas["SS0101"])
    agreement = rigid_agreement(norad, funds=[farming], reference="NORAD-SSD-AGRI")

    [flag] = evaluate()

    assert flag.subject_key == f"agreement:{agreement.pk}"
    assert flag.subject.model == "funding.fundingagreement" and flag.subject.pk == agreement.pk
    assert flag.severity == Severity.MEDIUM
    assert flag.area_id == areas["SS0101"].pk
    assert flag.responsible_actor_ids == {norad.pk, agreement.recipient_id}
    assert flag.evidence["agreement"]["funded_programmes"] == [farming.pk]
    assert flag.evidence["agreement"]["earmarking"] == Earmarking.TIGHTLY_EARMARKED
    assert flag.evidence["areas"] == [{"area": "SS0101", "humanitarian_programmes": [health.pk], "events": []}]
    assert "NORAD-SSD-AGRI" in flag.message and "tightly earmarked" in flag.message
    assert "Juba (SS0101)" in flag.message and "humanitarian programmes are active" in flag.message
    assert "strengt øremerket" in flag.message_nb and "uten krisemodifikator" in flag.message_nb


def test_earmarked_money_counts_too(areas, norad, farming):
    running("H", areas["SS0101"])
    rigid_agreement(norad, funds=[farming], earmarking=Earmarking.EARMARKED)

    [flag] = evaluate()

    assert ": an earmarked development agreement" in flag.message
    assert ": en øremerket utviklingsavtale" in flag.message_nb


@pytest.mark.parametrize(
    "terms",
    [
        {"crisis_modifier": True},
        {"earmarking": Earmarking.SOFTLY_EARMARKED},
        {"earmarking": Earmarking.UNEARMARKED},
        {"stream": Stream.HUMANITARIAN},
        {"stream": Stream.PEACE},
        {"end": AS_OF - timedelta(days=1)},
        {"start": AS_OF + timedelta(days=1)},
    ],
)
def test_flexible_humanitarian_or_inactive_agreements_are_not_flagged(areas, norad, farming, terms):
    running("H", areas["SS0101"])
    rigid_agreement(norad, funds=[farming], **terms)

    assert evaluate() == []


def test_an_agreement_active_from_today_until_today_counts(areas, norad, farming):
    running("H", areas["SS0101"])
    rigid_agreement(norad, funds=[farming], start=AS_OF, end=AS_OF)

    assert len(evaluate()) == 1


@pytest.mark.parametrize(
    ("where", "flagged"),
    [("SS0101", True), ("SS01", True), ("SS0102", False), ("SS02", False), ("SS", False)],
)
def test_humanitarian_work_counts_in_the_same_area_or_a_province_around_it(areas, norad, farming, where, flagged):
    running("H", areas[where])
    rigid_agreement(norad, funds=[farming])

    assert bool(evaluate()) is flagged


def test_humanitarian_work_inside_a_province_wide_programme_counts(areas, norad):
    province_wide = running("D", areas["SS01"])
    running("HD", areas["SS0102"])
    rigid_agreement(norad, funds=[province_wide])

    [flag] = evaluate()

    assert flag.area_id == areas["SS01"].pk


def test_inactive_humanitarian_programmes_are_not_a_crisis(areas, norad, farming):
    running("H", areas["SS0101"], status=ActivityStatus.CLOSED)
    running("H", areas["SS0101"], end=AS_OF - timedelta(days=1))
    rigid_agreement(norad, funds=[farming])

    assert evaluate() == []


def test_the_funded_programme_itself_does_not_make_its_area_a_crisis_area(areas, norad):
    nexus = running("HD", areas["SS0101"])
    rigid_agreement(norad, funds=[nexus])

    assert evaluate() == []


@pytest.mark.parametrize(
    ("on", "flagged"),
    [
        (TWELVE_MONTHS_AGO + timedelta(days=1), True),
        (TWELVE_MONTHS_AGO, False),
        (AS_OF, True),
        (AS_OF + timedelta(days=1), False),
    ],
)
def test_a_context_event_counts_for_twelve_months(areas, norad, farming, on, flagged):
    event = factories.event(areas["SS0101"], on=on)
    rigid_agreement(norad, funds=[farming])

    flags = evaluate()

    assert bool(flags) is flagged
    if flagged:
        assert flags[0].evidence["areas"][0]["events"] == [event.pk]
        assert "context events were recorded in the last 12 months" in flags[0].message


@pytest.mark.parametrize(("where", "flagged"), [("SS01", True), ("SS", False), ("SS0102", False)])
def test_a_context_event_counts_in_a_province_around_the_work_but_not_country_wide(
    areas, norad, farming, where, flagged
):
    factories.event(areas[where], on=AS_OF - timedelta(days=30))
    rigid_agreement(norad, funds=[farming])

    assert bool(evaluate()) is flagged


def test_an_agreement_funding_no_programme_works_across_its_countries(areas, norad):
    health = running("H", areas["SS0102"])
    rigid_agreement(norad, countries=[areas["SS"]])

    [flag] = evaluate()

    assert flag.area_id == areas["SS"].pk
    assert flag.evidence["areas"] == [{"area": "SS", "humanitarian_programmes": [health.pk], "events": []}]


def test_an_agreement_in_another_country_is_not_flagged_here(areas, norad):
    running("H", areas["SS0102"])
    rigid_agreement(norad, countries=[areas["KE"]])

    assert evaluate() == []


def test_it_costs_the_same_queries_for_one_agreement_or_many(areas, norad, farming):
    running("H", areas["SS0101"])
    for _ in range(5):
        rigid_agreement(norad, funds=[farming, running("D", areas["SS0102"])])
    facts = CountryFacts("SS", AS_OF)
    rule = all_rules()[CODE]

    with CaptureQueriesContext(connection) as queries:
        flags = list(rule.evaluate(facts, rule.params()))

    assert len(flags) == 5
    # which agreements (two), agreements, tranches, own countries, programme countries (funding.amounts);
    # funded programmes; their locations; recent context events
    assert len(queries) == 9


def test_the_engine_writes_the_flag_in_the_country_partition(areas, norad, farming):
    running("H", areas["SS0101"])
    agreement = rigid_agreement(norad, funds=[farming])

    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag = Flag.objects.get(rule=CODE)
    assert flag.subject_key == f"SS:agreement:{agreement.pk}"
    assert flag.subject == agreement and flag.country == areas["SS"] and flag.area == areas["SS0101"]
    assert set(flag.responsible_actors.all()) == {norad, agreement.recipient}
