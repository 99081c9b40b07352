"""stale-record: an active programme not updated in 6 months."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from coordination.choices import Severity
from coordination.engine import runner
from coordination.engine.facts import CountryFacts
from coordination.engine.registry import all_rules
from coordination.engine.timeline import add_months
from coordination.models import Flag, FlagRun
from programmes.choices import ActivityStatus
from programmes.models import Programme
from tests import factories

pytestmark = pytest.mark.django_db

CODE = "stale-record"
AS_OF = date(2026, 6, 15)
SIX_MONTHS_AGO = add_months(AS_OF, -6)  # 15 Dec 2025


@pytest.fixture
def areas():
    return factories.area_tree()


def evaluate(as_of=AS_OF):
    rule = all_rules()[CODE]
    return list(rule.evaluate(CountryFacts("SS", as_of), rule.params()))


def last_updated(programme, day: date, at: time = time(12, 0)) -> None:
    Programme.objects.filter(pk=programme.pk).update(updated_at=datetime.combine(day, at, tzinfo=UTC))


def running_programme(areas, **extra):
    return factories.programme(locations=[areas["SS0101"]], start=AS_OF - timedelta(days=400), **extra)


def test_it_flags_a_programme_last_updated_exactly_six_months_ago(areas):
    programme = running_programme(areas)
    last_updated(programme, SIX_MONTHS_AGO)

    [flag] = evaluate()

    assert flag.subject_key == f"programme:{programme.pk}"
    assert flag.subject.model == "programmes.programme" and flag.subject.pk == programme.pk
    assert flag.severity == Severity.LOW
    assert flag.area_id == areas["SS0101"].pk
    assert flag.responsible_actor_ids == {programme.reporting_actor_id}
    assert flag.evidence["updated_at"] == SIX_MONTHS_AGO
    assert flag.evidence["programme"]["id"] == programme.pk
    assert "15 Dec 2025" in flag.message and "15.12.2025" in flag.message_nb


def test_it_counts_the_day_of_the_update_whatever_the_hour(areas):
    programme = running_programme(areas)
    last_updated(programme, SIX_MONTHS_AGO, time(23, 59))

    assert len(evaluate()) == 1


def test_it_does_not_flag_a_programme_updated_six_months_minus_a_day_ago(areas):
    programme = running_programme(areas)
    last_updated(programme, SIX_MONTHS_AGO + timedelta(days=1), time(0, 0))

    assert evaluate() == []


def test_a_freshly_saved_programme_is_not_stale(areas):
    running_programme(areas)

    assert evaluate(as_of=date.today()) == []


def test_six_months_are_clamped_to_the_end_of_a_shorter_month(areas):
    as_of = date(2026, 8, 31)  # six months earlier is 28 Feb 2026, not 3 March
    stale, fresh = running_programme(areas), running_programme(areas)
    last_updated(stale, date(2026, 2, 28))
    last_updated(fresh, date(2026, 3, 1))

    assert [flag.subject.pk for flag in evaluate(as_of)] == [stale.pk]


@pytest.mark.parametrize(
    ("status", "start", "end"),
    [
        (ActivityStatus.CLOSED, AS_OF - timedelta(days=400), None),
        (ActivityStatus.SUSPENDED, AS_OF - timedelta(days=400), None),
        (ActivityStatus.CANCELLED, AS_OF - timedelta(days=400), None),
        (ActivityStatus.IMPLEMENTATION, AS_OF - timedelta(days=400), AS_OF - timedelta(days=1)),  # ended
        (ActivityStatus.PIPELINE, AS_OF + timedelta(days=91), None),  # starts too far ahead
    ],
)
def test_it_ignores_inactive_programmes(areas, status, start, end):
    programme = factories.programme(locations=[areas["SS0101"]], status=status, start=start, end=end)
    last_updated(programme, SIX_MONTHS_AGO - timedelta(days=300))

    assert evaluate() == []


def test_it_flags_a_pipeline_programme_about_to_start_with_an_old_record(areas):
    programme = factories.programme(
        locations=[areas["SS0101"]], status=ActivityStatus.PIPELINE, start=AS_OF + timedelta(days=90)
    )
    last_updated(programme, SIX_MONTHS_AGO)

    assert [flag.subject.pk for flag in evaluate()] == [programme.pk]


def test_it_ignores_programmes_in_another_country(areas):
    programme = factories.programme(locations=[areas["KE"]], start=AS_OF - timedelta(days=400))
    last_updated(programme, SIX_MONTHS_AGO)

    assert evaluate() == []


def test_the_threshold_is_a_setting(areas, settings):
    settings.FLAG_RULE_SETTINGS = {CODE: {"months_without_update": 3}}
    programme = running_programme(areas)
    last_updated(programme, add_months(AS_OF, -3))

    assert [flag.subject.pk for flag in evaluate()] == [programme.pk]


def test_the_engine_writes_one_flag_per_stale_programme_and_resolves_it_after_an_update(areas):
    programme = running_programme(areas)
    last_updated(programme, SIX_MONTHS_AGO)

    run = runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag = Flag.objects.get(rule=CODE)
    assert run.status == FlagRun.Status.SUCCEEDED
    assert flag.subject == programme
    assert flag.partition == "SS" and flag.subject_key == f"SS:programme:{programme.pk}"
    assert flag.country.pcode == "SS" and flag.area.pcode == "SS0101"
    assert list(flag.responsible_actors.all()) == [programme.reporting_actor]

    last_updated(programme, AS_OF)
    runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, rules=[CODE], as_of=AS_OF))

    flag.refresh_from_db()
    assert flag.status == "resolved"


def test_the_flag_points_at_the_most_specific_location():
    as_of = date(2026, 6, 15)
    areas = factories.area_tree()
    programme = factories.programme(locations=[areas["SS"], areas["SS0101"]], start=as_of - timedelta(days=400))
    Programme.objects.filter(pk=programme.pk).update(updated_at="2025-01-01T00:00:00Z")
    rule = all_rules()["stale-record"]

    [candidate] = rule.evaluate(CountryFacts("SS", as_of), rule.params())

    assert candidate.area_id == areas["SS0101"].pk
