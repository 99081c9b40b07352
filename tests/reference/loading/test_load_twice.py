"""Loading again writes only what changed."""

from django.conf import settings

from reference.loading import load_reference_data
from reference.models import Area, CodeListItem, Sector

from .helpers import counts, replace_line


def row_counts() -> tuple[int, int, int]:
    return Area.objects.count(), Sector.objects.count(), CodeListItem.objects.count()


def test_the_first_load_creates_every_row(loaded):
    assert counts(loaded) == {
        "countries": (251, 0, 0),
        "admin-1 areas": (2510, 0, 0),
        "admin-2 areas": (30257, 0, 0),
        "sectors: DAC 5-digit": (325, 0, 0),
        "sectors: DAC 3-digit": (44, 0, 0),
        "sectors: IASC clusters": (15, 0, 0),
        "code list items": (610, 0, 0),
    }


def test_a_second_load_changes_nothing(loaded, django_assert_max_num_queries):
    before = row_counts()
    with django_assert_max_num_queries(30):  # reads only: no INSERT or UPDATE batches
        report = load_reference_data(settings.REFERENCE_DATA_DIR)
    assert all(kind.counts.created == kind.counts.updated == 0 for kind in report.kinds)
    assert sum(kind.counts.unchanged for kind in report.kinds) == sum(before)
    assert row_counts() == before


def test_it_updates_only_the_rows_that_changed(loaded, data_copy):
    replace_line(data_copy / "pcodes" / "global-pcodes-adm-1-2.csv", 2, "AFG,1,AF01,Kabul City,AFG,2021-11-17")
    report = load_reference_data(data_copy)
    assert counts(report)["admin-1 areas"] == (0, 1, 2509)
    assert counts(report)["admin-2 areas"] == (0, 0, 30257)
    assert Area.objects.get(pcode="AF01").name == "Kabul City"


def test_it_keeps_rows_the_files_no_longer_list(loaded):
    kept = Area.objects.create(
        pcode="AF99", name="Old", level=1, parent=Area.objects.get(pcode="AF"), path="/AF/AF99/", country_code="AF"
    )
    report = load_reference_data(settings.REFERENCE_DATA_DIR)
    assert Area.objects.filter(pk=kept.pk).exists()
    assert any("AF99" in note for note in report.notes)
