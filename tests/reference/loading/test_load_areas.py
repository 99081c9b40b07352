"""Countries, admin-1 and admin-2 areas from the IATI Country list and the OCHA p-code file."""

import csv

from django.conf import settings
from lxml import etree

from reference.choices import AreaLevel
from reference.models import Area

PCODES_CSV = settings.REFERENCE_DATA_DIR / "pcodes" / "global-pcodes-adm-1-2.csv"
COUNTRY_XML = settings.REFERENCE_DATA_DIR / "iati" / "codelists" / "Country.xml"


def test_it_loads_every_pcode_area(loaded):
    assert Area.objects.filter(level=AreaLevel.ADMIN1).count() == 2510
    assert Area.objects.filter(level=AreaLevel.ADMIN2).count() == 30257
    assert Area.objects.exclude(level=AreaLevel.COUNTRY).count() == 32767


def test_it_loads_every_country_of_the_iati_list(loaded):
    codes = etree.parse(str(COUNTRY_XML)).xpath("//codelist-item/code/text()")
    assert len(codes) == 251
    assert set(Area.objects.countries().values_list("pcode", flat=True)) == set(codes)


def test_it_gives_every_country_of_the_pcode_file_its_areas(loaded):
    with PCODES_CSV.open(encoding="utf-8-sig", newline="") as handle:
        locations = {row["Location"] for row in csv.DictReader(handle)}
    with_children = Area.objects.countries().filter(children__isnull=False).distinct()
    # SOURCES.md says 157 countries; the file itself names 156 distinct ISO-3 codes.
    assert len(locations) == 156
    assert with_children.count() == len(locations)


def test_it_nests_areas_by_materialised_path(loaded):
    south_sudan, state, county = (Area.objects.get(pcode=pcode) for pcode in ("SS", "SS01", "SS0101"))
    assert (state.parent, county.parent) == (south_sudan, state)
    assert county.path == "/SS/SS01/SS0101/"
    assert south_sudan.contains(state) and state.contains(county)
    assert not state.contains(south_sudan)
    assert set(Area.objects.within(state)) == {state, *state.children.all()}
    assert list(Area.objects.containing(county)) == [south_sudan, state, county]


def test_it_follows_the_parent_column_where_pcodes_are_not_prefixes(loaded):
    # Each of these admin-2 p-codes does not start with its parent's p-code.
    expected = {
        "KG02205000000": "/KG/KG02000000000/KG02205000000/",  # Kyrgyzstan
        "LB21": "/LB/LB8/LB21/",  # Lebanon: LB21 lies in LB8, not LB2
        "3501263": "/TJ/3501000/3501263/",  # Tajikistan: numeric codes
    }
    for pcode, path in expected.items():
        area = Area.objects.get(pcode=pcode)
        assert area.path == path
        assert area.parent.pcode == path.split("/")[2]
    lebanon_area = Area.objects.get(pcode="LB21")
    assert lebanon_area in Area.objects.within(Area.objects.get(pcode="LB8"))
    assert lebanon_area not in Area.objects.within(Area.objects.get(pcode="LB2"))


def test_it_files_each_area_under_its_iso2_country(loaded):
    for pcode, country in {"BDI001001": "BI", "BES1": "BQ", "TUR001": "TR", "3501000": "TJ", "AF01": "AF"}.items():
        area = Area.objects.get(pcode=pcode)
        assert area.country_code == country
        assert area.path.startswith(f"/{country}/")
    assert not Area.objects.exclude(level=AreaLevel.COUNTRY).exclude(parent__isnull=False).exists()


def test_it_keeps_names_and_validity_dates(loaded):
    kabul = Area.objects.get(pcode="AF01")
    assert (kabul.name, kabul.level, str(kabul.valid_from)) == ("Kabul", AreaLevel.ADMIN1, "2021-11-17")
    assert Area.objects.get(pcode="SS").valid_from is None


def test_it_names_unnamed_official_rows_by_their_pcode(loaded):
    assert Area.objects.get(pcode="JM10001").name == "JM10001"
    assert any("JM10001" in note for note in loaded.notes)
