"""The preview of a 3W import: what each row would do, resolved against the portal, without writing anything."""

import io

import pytest

from actors.models import Actor
from programmes.interop.hxl_import import CREATE, ERROR, UNCHANGED, UPDATE, plan_import, preview_json
from programmes.interop.hxl_read import read_sheet
from programmes.models import Programme, ProgrammeLocation, ProgrammeParticipant
from tests import factories
from tests.programmes.interop.hxl_sheets import csv_bytes, reference, sheet


@pytest.fixture
def ref(db):
    return reference()


def preview(rows, *, user, **options) -> dict:
    data = read_sheet(io.BytesIO(csv_bytes(rows)), name="3w.csv")
    return preview_json(plan_import(data, user=user, **options))


def by_row(result: dict) -> dict[int, dict]:
    return {row["row"]: row for row in result["rows"]}


def test_the_preview_maps_columns_resolves_rows_and_writes_nothing(ref, owner, actor_a):
    before = (Programme.objects.count(), Actor.objects.count(), ProgrammeLocation.objects.count())
    rows = sheet(
        ["Actor A", "Water for Juba", "WASH", "Central Equatoria", "SS0101", "2024-01-31", "", "ongoing"],
        ["Actor A", "Food in Kajo-Keji", "Food Security", "Central Equatoria", "SS0102", "", "", "planned"],
        ["Actor A", "Nowhere", "WASH", "Central Equatoria", "SS9999", "", "", ""],
    )

    result = preview(rows, user=owner)

    assert (Programme.objects.count(), Actor.objects.count(), ProgrammeLocation.objects.count()) == before
    assert [column["field"] for column in result["columns"]][:3] == ["org_impl", "title", "sector"]
    assert result["hashtag_row"] == 2
    rows_out = by_row(result)
    assert rows_out[3]["action"] == CREATE
    assert rows_out[3]["orgs"][0]["actor_id"] == actor_a.pk
    assert rows_out[3]["area"] == {"pcode": "SS0101", "name": "Juba", "level": 2}
    assert rows_out[5]["action"] == ERROR
    assert "SS9999" in rows_out[5]["errors"][0]
    assert {key: result["counts"][key] for key in ("rows", "create", "rows_with_errors")} == {
        "rows": 3,
        "create": 2,
        "rows_with_errors": 1,
    }


def test_area_names_are_found_ignoring_case_and_accents_and_near_misses_get_suggestions(ref, owner):
    rows = sheet(
        ["Actor A", "Water", "WASH", "central equatoria", "", "", "", ""],
        ["Actor A", "Water 2", "WASH", "Céntral Equatória", "", "", "", ""],
        ["Actor A", "Food", "WASH", "Centrl Equatoria", "", "", "", ""],
        headers=["Org", "Project", "Cluster", "State", "County", "Start", "End", "Status"],
    )

    result = by_row(preview(rows, user=owner))

    assert result[3]["area"]["pcode"] == "SS01"
    assert result[4]["area"]["pcode"] == "SS01"
    assert result[5]["action"] == ERROR
    assert result[5]["suggestions"][0] == "Central Equatoria (SS01)"


def test_an_admin_2_name_is_looked_up_inside_the_admin_1_of_the_row_with_suggestions(ref, owner):
    headers = ["Org", "Project", "State", "County"]
    tags = ["#org+impl", "#activity", "#adm1+name", "#adm2+name"]
    rows = sheet(
        ["Actor A", "Water", "Central Equatoria", "Juba"],
        ["Actor A", "Water 2", "Central Equatoria", "Jubba"],
        headers=headers,
        tags=tags,
    )

    result = by_row(preview(rows, user=owner))

    assert result[3]["area"]["pcode"] == "SS0101"
    assert result[4]["action"] == ERROR
    assert "Jubba" in result[4]["errors"][0]
    assert result[4]["suggestions"][0] == "Juba (SS0101)"


def test_names_are_looked_up_in_the_country_chosen_on_upload(ref, owner):
    factories.area("KE01", name="Juba", parent=ref["KE"])  # the same name in another country
    headers, tags = ["Org", "Project", "County"], ["#org+impl", "#activity", "#adm1+name"]
    rows = sheet(["Actor A", "Water", "Juba"], headers=headers, tags=tags)

    assert by_row(preview(rows, user=owner, country="KE"))[3]["area"]["pcode"] == "KE01"
    assert by_row(preview(rows, user=owner, country="SS"))[3]["action"] == ERROR


def test_rows_of_one_activity_in_several_areas_become_one_programme(ref, owner):
    rows = sheet(
        ["Actor A", "Water for Equatoria", "WASH", "", "SS0101", "2024-01-01", "2025-12-31", "ongoing"],
        ["actor a", "WATER FOR EQUATORIA", "WASH", "", "SS0102", "2024-01-01", "2025-12-31", "ongoing"],
        ["Actor A", "Water for Equatoria", "WASH", "", "SS0101", "2026-01-01", "2026-12-31", "planned"],
    )

    result = preview(rows, user=owner)

    rows_out = by_row(result)
    assert rows_out[3]["group_rows"] == [3, 4]
    assert rows_out[4]["group_rows"] == [3, 4]
    assert rows_out[5]["group_rows"] == []  # other dates: another phase, another programme
    assert result["counts"]["create"] == 2


def test_an_activity_code_matches_the_programme_with_that_iati_identifier(ref, owner, actor_a):
    existing = factories.programme(reporting_actor=actor_a, iati_identifier="XM-1-001", title="Old title")
    headers = ["Code", *sheet()[0]]
    tags = ["#activity+code", *sheet()[1]]
    rows = [headers, tags, ["XM-1-001", "Actor A", "New title", "WASH", "", "SS0101", "", "", "ongoing"]]

    row = by_row(preview(rows, user=owner))[3]

    assert row["action"] == UPDATE
    assert row["programme"] == {"id": existing.pk, "title": "Old title"}


def test_without_a_code_the_reporting_actor_and_title_match_a_programme(ref, owner, actor_a):
    existing = factories.programme(reporting_actor=actor_a, title="Water for Juba")
    rows = sheet(["Actor A", "water for  JUBA", "WASH", "", "SS0101", "", "", "ongoing"])

    row = by_row(preview(rows, user=owner))[3]

    assert row["action"] == UPDATE
    assert row["programme"]["id"] == existing.pk


def test_a_row_that_would_change_nothing_is_unchanged(ref, owner, actor_a):
    existing = factories.programme(reporting_actor=actor_a, title="Water for Juba", locations=[ref["SS0101"]],
                                   sectors=[ref["WSH"]], start=None, status=2)  # fmt: skip
    existing.planned_start = None
    existing.humanitarian = True
    existing.save()
    rows = sheet(["Actor A", "Water for Juba", "WSH", "", "SS0101", "", "", "Implementation"])

    assert by_row(preview(rows, user=owner))[3]["action"] == UNCHANGED


def test_a_new_organisation_is_announced_and_only_an_administrator_may_import_for_it(ref, owner, superuser):
    rows = sheet(["Brand New Local NGO", "Water", "WASH", "", "SS0101", "", "", ""])

    as_owner = by_row(preview(rows, user=owner))[3]
    as_admin = by_row(preview(rows, user=superuser))[3]

    assert as_owner["action"] == ERROR
    assert "not in the portal yet" in as_owner["errors"][0]
    assert as_admin["action"] == CREATE
    assert as_admin["orgs"][0]["new"] is True


def test_a_user_who_is_not_an_editor_of_the_organisation_gets_a_row_error(ref, colleague, owner_viewer, reviewer):
    rows = sheet(["Actor A", "Water", "WASH", "", "SS0101", "", "", ""])

    for user in (colleague, owner_viewer, reviewer):
        row = by_row(preview(rows, user=user))[3]
        assert row["action"] == ERROR
        assert "not an editor of Actor A" in row["errors"][0]


def test_a_programme_the_user_may_not_change_is_not_updated(ref, colleague, actor_a):
    factories.programme(reporting_actor=actor_a, iati_identifier="XM-1-001")
    rows = [["Code", "Org", "Title", "Admin 2"], ["#activity+code", "#org+impl", "#activity", "#adm2+code"],
            ["XM-1-001", "Actor B", "Taken over", "SS0101"]]  # fmt: skip

    row = by_row(preview(rows, user=colleague))[3]

    assert row["action"] == ERROR
    assert "you may not change it" in row["errors"][0]


def test_values_that_break_the_programme_rules_are_row_errors(ref, owner):
    rows = sheet(
        ["Actor A", "Backwards", "WASH", "", "SS0101", "2025-01-01", "2024-01-01", ""],
        ["Actor A", "Bad date", "WASH", "", "SS0101", "someday", "", ""],
        ["Actor A", "Bad cluster", "Plumbing", "", "SS0101", "", "", ""],
        ["", "No organisation", "WASH", "", "SS0101", "", "", ""],
        ["Actor A", "No place", "WASH", "", "", "", "", ""],
    )

    result = by_row(preview(rows, user=owner))

    assert "end date is before the start" in result[3]["errors"][0]
    assert "not a date" in result[4]["errors"][0]
    assert "not an IASC cluster" in result[5]["errors"][0]
    assert "implementing organisation" in result[6]["errors"][0]
    assert "No location" in result[7]["errors"][0]
    assert all(row["action"] == ERROR for row in result.values())


def test_the_preview_keeps_counts_but_caps_the_rows_it_stores(ref, owner, monkeypatch):
    from programmes.interop import hxl_import

    monkeypatch.setattr(hxl_import, "PREVIEW_MAX_ROWS", 5)
    rows = sheet(*[["Actor A", f"Water {n}", "WASH", "", "SS0101", "", "", ""] for n in range(20)],
                 ["Actor A", "Broken", "WASH", "", "SS9999", "", "", ""])  # fmt: skip

    result = preview(rows, user=owner)

    assert result["counts"]["rows"] == 21
    assert result["counts"]["create"] == 20
    assert result["rows_shown"] == 6
    assert result["rows_truncated"] is True
    assert result["rows"][-1]["row"] == 23  # the error row is kept even past the cap


def test_missing_columns_stop_the_preview_before_any_row(ref, owner):
    result = preview([["Org", "Place"], ["#org+impl", "#adm1+code"], ["Actor A", "SS01"]], user=owner)

    assert result["missing"] and "#activity" in result["missing"][0]
    assert result["rows"] == []
    assert ProgrammeParticipant.objects.count() == 0


def test_two_programmes_of_the_sheet_cannot_update_the_same_programme(ref, owner, actor_a):
    factories.programme(reporting_actor=actor_a, title="Water for Juba")
    rows = sheet(
        ["Actor A", "Water for Juba", "WASH", "", "SS0101", "2024-01-01", "", ""],
        ["Actor A", "Water for Juba", "WASH", "", "SS0101", "2026-01-01", "", ""],
    )

    result = by_row(preview(rows, user=owner))

    assert result[3]["action"] == UPDATE
    assert result[4]["action"] == ERROR
    assert "Row 3 already updates this programme" in result[4]["errors"][0]
