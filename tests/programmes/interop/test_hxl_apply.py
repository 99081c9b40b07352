"""Applying a previewed 3W import through its job: upsert, one transaction per programme, problems and counters."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from actors.models import Actor
from coordination.models import FlagRun
from programmes.choices import ActivityStatus, OrganisationRole
from programmes.interop import hxl_apply, hxl_jobs
from programmes.models import Programme
from programmes.models_imports import ImportChannel, ImportJob, ImportProblem, ImportStatus, ProblemLevel
from tests import factories
from tests.programmes.interop.hxl_sheets import csv_bytes, reference, sheet, upload

HEADERS = ["Org", "Funder", "Project", "Cluster", "DAC", "County", "Start", "End", "Status", "Budget", "Currency"]
TAGS = ["#org+impl", "#org+funding", "#activity", "#sector", "#subsector", "#adm2+code", "#date+start", "#date+end",
        "#status", "#value+budget", "#currency"]  # fmt: skip
WATER = ["Actor A", "Norad", "Water for Equatoria", "WASH", "14030", "SS0101", "2024-01-01", "2026-12-31", "ongoing",
         "1 000 000", "USD"]  # fmt: skip
WATER_KAJO = [*WATER[:5], "SS0102", *WATER[6:]]
FOOD = ["Actor A", "", "Food for Juba", "Food Security", "", "SS0101", "01/03/2024", "", "Implementation", "", ""]


@pytest.fixture
def ref(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return reference()


@pytest.fixture
def run_sheet(django_capture_on_commit_callbacks):
    """Upload, preview and (unless confirm=False) confirm a sheet as `user`; the job after it ran."""

    def run(rows, *, user, confirm: bool = True, name: str = "3w.csv") -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = hxl_jobs.hxl_job_create(
                user=user, uploaded_file=upload(csv_bytes(rows), name), channel=ImportChannel.UI, options={}
            )
        job.refresh_from_db()
        assert job.status == ImportStatus.PREVIEW_READY, job.message
        if confirm:
            with django_capture_on_commit_callbacks(execute=True):
                hxl_jobs.hxl_job_confirm(user=user, job=job)
            job.refresh_from_db()
        return job

    return run


def rows(*data):
    return sheet(*data, headers=HEADERS, tags=TAGS)


def test_confirming_applies_the_preview(ref, owner, actor_a, run_sheet):
    norad = factories.actor("Norad", kind="development_agency")

    job = run_sheet(rows(WATER, WATER_KAJO, FOOD), user=owner)

    assert job.status == ImportStatus.DONE
    assert (job.total, job.processed, job.created_count, job.error_count) == (3, 3, 2, 0)
    water = Programme.objects.get(title="Water for Equatoria")
    assert water.reporting_actor == actor_a
    assert set(water.locations.values_list("pcode", flat=True)) == {"SS0101", "SS0102"}
    assert {(p.actor, p.role) for p in water.participations.all()} == {
        (actor_a, OrganisationRole.IMPLEMENTING),
        (norad, OrganisationRole.FUNDING),
    }
    assert {(s.sector.code, s.percentage) for s in water.sector_shares.all()} == {("WSH", 100), ("14030", 100)}
    assert water.status == ActivityStatus.IMPLEMENTATION
    assert (str(water.planned_start), str(water.planned_end)) == ("2024-01-01", "2026-12-31")
    assert (water.total_budget, water.currency) == (Decimal("1000000"), "USD")
    assert water.humanitarian and water.pillar_h  # a cluster-coded programme is humanitarian
    food = Programme.objects.get(title="Food for Juba")
    assert str(food.planned_start) == "2024-03-01"


def test_a_preview_that_is_not_confirmed_writes_nothing(ref, owner, run_sheet):
    job = run_sheet(rows(WATER, FOOD), user=owner, confirm=False)

    assert job.preview["counts"]["create"] == 2
    assert Programme.objects.count() == 0
    assert not ImportProblem.objects.exists()


def test_uploading_the_same_sheet_again_duplicates_nothing(ref, owner, run_sheet):
    factories.actor("Norad")
    run_sheet(rows(WATER, WATER_KAJO, FOOD), user=owner)
    before = {p.pk: p.updated_at for p in Programme.objects.all()}

    again = run_sheet(rows(WATER, WATER_KAJO, FOOD), user=owner)

    assert again.preview["counts"]["unchanged"] == 2
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 2)
    assert {p.pk: p.updated_at for p in Programme.objects.all()} == before


def test_a_changed_sheet_updates_the_programme_it_matches(ref, owner, run_sheet):
    factories.actor("Norad")
    run_sheet(rows(WATER, WATER_KAJO), user=owner)
    water = Programme.objects.get()

    changed = [*WATER[:6], "2024-01-01", "2027-06-30", "completed", "1 200 000", "USD"]
    job = run_sheet(rows(changed), user=owner)

    assert (job.created_count, job.updated_count) == (0, 1)
    water.refresh_from_db()
    assert Programme.objects.count() == 1
    assert (str(water.planned_end), water.status, water.total_budget) == ("2027-06-30", 4, Decimal("1200000"))
    assert list(water.locations.values_list("pcode", flat=True)) == ["SS0101"]  # the sheet's places replace


def test_an_update_keeps_what_the_sheet_has_no_column_for(ref, owner, actor_a, run_sheet):
    existing = factories.programme(
        reporting_actor=actor_a, title="Water for Juba", iati_identifier="XM-1-001", description="Kept",
        sectors=[ref["14030"]], currency="NOK", total_budget=5,
    )  # fmt: skip
    extending = factories.actor("Extender")
    factories.ProgrammeParticipant.objects.create(programme=existing, actor=extending, role=OrganisationRole.EXTENDING)
    data = [["Code", "Org", "Title", "County"], ["#activity+code", "#org+impl", "#activity", "#adm2+code"],
            ["XM-1-001", "Actor A", "Water for Juba and Kajo-Keji", "SS0102"]]  # fmt: skip

    job = run_sheet(data, user=owner)

    existing.refresh_from_db()
    assert job.updated_count == 1
    assert existing.title == "Water for Juba and Kajo-Keji"
    assert (existing.description, existing.currency, existing.total_budget) == ("Kept", "NOK", Decimal("5.00"))
    assert [s.sector.code for s in existing.sector_shares.all()] == ["14030"]
    assert existing.participations.filter(actor=extending, role=OrganisationRole.EXTENDING).exists()


def test_a_bad_row_is_skipped_with_its_row_number_and_the_others_are_imported(ref, owner, run_sheet):
    broken = [*FOOD[:2], "Broken place", *FOOD[3:5], "SS9999", *FOOD[6:]]

    job = run_sheet(rows(FOOD, broken), user=owner)

    assert (job.created_count, job.error_count) == (1, 1)
    problem = ImportProblem.objects.get(job=job, level=ProblemLevel.ERROR)
    assert (problem.position, problem.identifier) == (4, "Broken place")
    assert "SS9999" in problem.message
    assert Programme.objects.filter(title="Food for Juba").exists()


def test_a_programme_the_database_refuses_is_rolled_back_alone(ref, superuser, run_sheet, monkeypatch):
    real_create = hxl_apply.programme_create

    def refusing_create(**kwargs):
        programme = real_create(**kwargs)  # written, then refused: the transaction must undo it
        if programme.title == "Water for Equatoria":
            raise IntegrityError("simulated refusal")
        return programme

    monkeypatch.setattr(hxl_apply, "programme_create", refusing_create)
    new_funder = [*WATER[:1], "Brand New Funder", *WATER[2:]]

    job = run_sheet(rows(new_funder, WATER_KAJO, FOOD), user=superuser)

    assert (job.created_count, job.error_count, job.status) == (1, 2, ImportStatus.DONE)
    assert list(Programme.objects.values_list("title", flat=True)) == ["Food for Juba"]
    assert not Actor.objects.filter(name="Brand New Funder").exists()  # created in the group, rolled back with it
    assert set(ImportProblem.objects.filter(job=job, level="error").values_list("position", flat=True)) == {3, 4}


def test_new_organisations_are_created_with_a_warning(ref, superuser, run_sheet):
    data = rows(
        ["UNICEF South Sudan", "Ministry of Foreign Affairs", "Water", "WASH", "", "SS0101", "", "", "", "", ""]
    )

    job = run_sheet(data, user=superuser)

    unicef = Actor.objects.get(name="UNICEF South Sudan")
    ministry = Actor.objects.get(name="Ministry of Foreign Affairs")
    assert (unicef.kind, ministry.kind) == ("un_agency", "donor_ministry")
    assert Programme.objects.get().reporting_actor == unicef
    warnings = ImportProblem.objects.filter(job=job, level=ProblemLevel.WARNING)
    assert {w.position for w in warnings} == {3}
    assert any("UNICEF South Sudan" in w.message for w in warnings)


def test_a_reviewer_who_is_no_editor_imports_nothing(ref, reviewer, actor_a, run_sheet):
    job = run_sheet(rows(FOOD), user=reviewer)

    assert (job.created_count, job.error_count) == (0, 1)
    assert Programme.objects.count() == 0
    assert "not an editor" in ImportProblem.objects.get(job=job).message


def test_the_flags_are_rechecked_once_for_the_whole_import(ref, owner, run_sheet):
    run_sheet(rows(WATER, FOOD, [*FOOD[:2], "Food for Kajo-Keji", *FOOD[3:5], "SS0102", *FOOD[6:]]), user=owner)

    assert Programme.objects.count() == 3
    assert FlagRun.objects.count() == 1


def test_a_job_is_confirmed_once_and_only_by_its_owner(ref, owner, colleague, run_sheet):
    job = run_sheet(rows(FOOD), user=owner, confirm=False)

    with pytest.raises(ValidationError):
        hxl_jobs.hxl_job_confirm(user=colleague, job=job)
    hxl_jobs.hxl_job_confirm(user=owner, job=job)
    with pytest.raises(ValidationError, match="not waiting"):
        hxl_jobs.hxl_job_confirm(user=owner, job=job)


def test_a_cancelled_job_cannot_be_confirmed_and_its_file_is_deleted(
    ref, owner, run_sheet, django_capture_on_commit_callbacks
):
    job = run_sheet(rows(FOOD), user=owner, confirm=False)
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        hxl_jobs.hxl_job_cancel(user=owner, job=job)

    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.CANCELLED
    assert not storage.exists(name)
    with pytest.raises(ValidationError):
        hxl_jobs.hxl_job_confirm(user=owner, job=job)
    assert Programme.objects.count() == 0


def test_a_sheet_without_the_needed_hashtags_fails_its_preview_with_the_reason(
    ref, owner, django_capture_on_commit_callbacks
):
    content = csv_bytes([["Org", "Place"], ["#org+impl", "#adm1+code"], ["Actor A", "SS01"]])
    with django_capture_on_commit_callbacks(execute=True):
        job = hxl_jobs.hxl_job_create(user=owner, uploaded_file=upload(content), channel=ImportChannel.UI)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "#activity" in job.message
    with pytest.raises(ValidationError):
        hxl_jobs.hxl_job_confirm(user=owner, job=job)
