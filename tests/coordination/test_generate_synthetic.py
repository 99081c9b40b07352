"""manage.py generate_synthetic: realistic, deterministic data at scale on top of the real reference data."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Sum

from actors.models import Actor
from analyses.models import Analysis, ContextEvent
from coordination.models import Contribution, DirtyCountry, Flag, FlagRun, GoalCommitment, SharedGoal
from coordination.synthetic.context import Scale
from funding.models import FundingAgreement, FundingRequest, FundingRequestEvent, Tranche
from programmes.models import Programme, ProgrammeLink, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from reference.loading import load_reference_data
from reference.models import Area, CodeListItem, Sector

AS_OF = "2026-03-01"
# The first three crisis countries that the official p-code list has admin-2 areas for.
CHOSEN = {"SS", "SD", "SO"}


@pytest.fixture(scope="module")
def reference_data(django_db_setup, django_db_blocker):
    """The official reference data, loaded once for this module and removed afterwards, so tests
    elsewhere start from empty reference tables (as tests/reference/loading does)."""
    with django_db_blocker.unblock():
        load_reference_data(settings.REFERENCE_DATA_DIR)
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for model in (CodeListItem, Sector, Area):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def generate(*args: str, programmes: int = 300) -> str:
    out = StringIO()
    call_command(
        "generate_synthetic", "--programmes", str(programmes), "--countries", "3", "--as-of", AS_OF, *args, stdout=out
    )
    return out.getvalue()


def snapshot() -> list[tuple]:
    """What a seed must reproduce: programmes with dates, budgets, places and sectors (not database ids)."""
    places = defaultdict(list)
    for identifier, pcode in ProgrammeLocation.objects.values_list("programme__iati_identifier", "area__pcode"):
        places[identifier].append(pcode)
    sectors = defaultdict(list)
    for identifier, code, share in ProgrammeSector.objects.values_list(
        "programme__iati_identifier", "sector__code", "percentage"
    ):
        sectors[identifier].append((code, share))
    rows = Programme.objects.order_by("iati_identifier").values_list(
        "iati_identifier", "title", "status", "planned_start", "planned_end", "actual_start", "actual_end",
        "total_budget", "currency", "reporting_actor__name", "updated_at",
    )  # fmt: skip
    return [(*row, sorted(places[row[0]]), sorted(sectors[row[0]])) for row in rows]


@pytest.mark.django_db
def test_it_generates_the_expected_number_of_rows(reference_data):
    output = generate("--seed", "7")

    scale = Scale(programmes=300, countries=3)
    assert Programme.objects.count() == 300
    assert Programme.objects.filter(iati_identifier__startswith="SYN-").count() == 300
    assert Actor.objects.count() == scale.actors == 84
    assert ProgrammeLink.objects.count() == scale.links == 15
    assert SharedGoal.objects.count() == scale.goals == 2
    assert Analysis.objects.count() == scale.analyses == 6
    assert ContextEvent.objects.count() == scale.events == 3
    assert FundingAgreement.objects.count() == scale.agreements == 15
    assert FundingRequest.objects.count() == scale.requests == 4
    assert FundingAgreement.objects.filter(parent__isnull=False).exists()
    assert Tranche.objects.exists() and FundingRequestEvent.objects.exists()
    assert GoalCommitment.objects.exists() and Contribution.objects.exists()
    for phase in ("actors", "programmes", "links", "goals", "analyses", "funding", "requests", "statistics"):
        assert f"\n{phase}" in output
    assert "Generated in" in output


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(reference_data):
    savepoint = transaction.savepoint_create()
    generate("--seed", "7")
    first = snapshot()
    transaction.savepoint_rollback(savepoint)

    generate("--seed", "7")
    assert snapshot() == first
    transaction.savepoint_rollback(savepoint)

    generate("--seed", "8")
    assert [row[1] for row in snapshot()] != [row[1] for row in first]


@pytest.mark.django_db
def test_sector_percentages_sum_to_100_per_vocabulary(reference_data):
    generate()

    totals = ProgrammeSector.objects.values("programme", "sector__vocabulary").annotate(total=Sum("percentage"))
    assert totals and {row["total"] for row in totals} == {Decimal(100)}
    vocabularies = {row["sector__vocabulary"] for row in totals}
    assert vocabularies == {1, 10}  # DAC 5-digit codes, and clusters for humanitarian work
    humanitarian_clusters = ProgrammeSector.objects.filter(sector__vocabulary=10, programme__pillar_h=False)
    assert not humanitarian_clusters.exists()


@pytest.mark.django_db
def test_every_programme_has_real_locations_in_the_chosen_countries(reference_data):
    generate()

    located = ProgrammeLocation.objects.values_list("programme_id", flat=True).distinct()
    assert not Programme.objects.exclude(pk__in=located).exists()
    assert set(ProgrammeLocation.objects.values_list("area__country_code", flat=True)) == CHOSEN
    levels = dict(ProgrammeLocation.objects.values_list("area__level").annotate(n=Count("pk")))
    assert levels[2] > levels[1] > levels[0] > 0  # most in districts, some region-wide, a few country-wide
    per_programme = ProgrammeLocation.objects.values("programme").annotate(n=Count("pk"))
    assert {row["n"] for row in per_programme} <= {1, 2, 3}


@pytest.mark.django_db
def test_programmes_have_realistic_pillars_dates_and_participants(reference_data):
    generate()

    as_of = date.fromisoformat(AS_OF)
    programmes = Programme.objects.all()
    humanitarian = programmes.filter(pillar_h=True).count()
    assert 0.35 * 300 < humanitarian < 0.65 * 300
    assert programmes.filter(pillar_p=True).exists() and programmes.filter(pillar_h=True, pillar_d=True).exists()
    assert programmes.filter(status=2).count() > programmes.filter(status=4).count()
    assert not programmes.filter(start_date__lt=as_of - timedelta(days=6 * 366)).exists()
    assert programmes.filter(end_date__isnull=True).exists()
    assert not programmes.exclude(participations__role=4).exists()  # someone implements every programme
    assert ProgrammeParticipant.objects.filter(role=1).exists()
    stale = programmes.filter(updated_at__lt=datetime(2025, 9, 1, tzinfo=UTC)).count()
    assert 0 < stale < 300  # some records were left alone for more than six months


@pytest.mark.django_db
def test_it_marks_the_countries_and_the_global_rules_for_a_recheck(reference_data):
    generate()

    assert set(DirtyCountry.objects.values_list("country_code", flat=True)) == CHOSEN | {""}


@pytest.mark.django_db
def test_the_rule_engine_runs_on_it_and_finds_flags(reference_data):
    generate()

    call_command("compute_flags", "--full", "--as-of", AS_OF, stdout=StringIO())

    run = FlagRun.objects.get()
    assert run.status == FlagRun.Status.SUCCEEDED, run.log
    assert Flag.objects.count() > 10
    assert Flag.objects.values("rule").distinct().count() >= 5
    assert set(Flag.objects.exclude(partition="").values_list("partition", flat=True)) <= CHOSEN


@pytest.mark.django_db
def test_it_refuses_to_generate_twice_into_one_database(reference_data):
    generate(programmes=20)

    with pytest.raises(CommandError, match="already holds synthetic data") as refused:
        generate(programmes=20)
    assert refused.value.returncode == 1


@pytest.mark.django_db
def test_it_asks_for_the_reference_data_when_it_is_missing(reference_data):
    Sector.objects.all().delete()

    with pytest.raises(CommandError, match="load_reference") as refused:
        generate(programmes=20)
    assert refused.value.returncode == 1
    assert not Programme.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--programmes", "0"],
        ["--programmes", "many"],
        ["--programmes", "10", "--countries", "0"],
        ["--programmes", "10", "--countries", "200"],
        ["--programmes", "10", "--seed", "x"],
        ["--programmes", "10", "--as-of", "2026-13-01"],
        ["--programmes", "10", "--as-of", (date.today() + timedelta(days=2)).isoformat()],
    ],
)
@pytest.mark.django_db
def test_bad_arguments_exit_with_code_2(reference_data, args):
    with pytest.raises(CommandError) as refused:
        call_command("generate_synthetic", *args, stdout=StringIO())
    assert refused.value.returncode == 2
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_with_no_recheck_it_only_marks_the_countries(reference_data, django_capture_on_commit_callbacks):
    from coordination.dirty import enqueue_recheck

    with django_capture_on_commit_callbacks() as callbacks:
        output = generate("--no-recheck", programmes=30)

    assert enqueue_recheck not in callbacks
    assert set(DirtyCountry.objects.values_list("country_code", flat=True)) == CHOSEN | {""}
    assert "marked for the next flag run" in output


@pytest.mark.parametrize(
    ("programmes", "available", "expected"),
    [(300, 135, 12), (100_000, 135, 12), (150_000, 135, 18), (1_000_000, 135, 118), (1_000_000, 40, 40)],
)
def test_without_countries_it_takes_12_or_one_per_8500_programmes(programmes, available, expected):
    from coordination.management.commands.generate_synthetic import default_countries

    assert default_countries(programmes, available) == expected
