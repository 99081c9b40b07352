from decimal import Decimal

import pytest

from programmes.pillars import derive_pillars
from programmes.services import programme_set_sectors
from reference.choices import SectorVocabulary
from tests import factories


@pytest.mark.parametrize(
    ("humanitarian", "codes", "expected"),
    [
        (True, [], {"H"}),
        (False, ["72010"], {"H"}),
        (False, ["73010"], {"H"}),
        (False, ["74020"], {"H"}),
        (False, ["15220"], {"P"}),
        (False, ["72010", "15220"], {"H", "P"}),
        (False, ["11220"], {"D"}),
        (False, [], {"D"}),
        (False, ["75010"], {"D"}),  # 750 is not a humanitarian prefix
        (False, ["152"], {"P"}),  # a DAC 3-digit category counts too
    ],
)
def test_it_derives_pillars_from_the_flag_and_dac_codes(humanitarian, codes, expected):
    assert derive_pillars(humanitarian=humanitarian, dac_codes=codes) == expected


@pytest.mark.django_db
def test_it_derives_pillars_when_sectors_are_set():
    programme = factories.programme(pillars="D", pillars_explicit=False)
    emergency = factories.sector("72010")
    peace = factories.sector("15220")

    programme_set_sectors(programme=programme, shares=[(emergency, Decimal("60")), (peace, Decimal("40"))])

    programme.refresh_from_db()
    assert (programme.pillar_h, programme.pillar_d, programme.pillar_p) == (True, False, True)


@pytest.mark.django_db
def test_an_explicit_pillar_choice_wins():
    programme = factories.programme(pillars="D")  # the factory marks pillars explicit
    programme_set_sectors(programme=programme, shares=[(factories.sector("72010"), Decimal("100"))])

    programme.refresh_from_db()
    assert (programme.pillar_h, programme.pillar_d, programme.pillar_p) == (False, True, False)


@pytest.mark.django_db
def test_cluster_codes_do_not_change_derived_pillars():
    programme = factories.programme(pillars="D", pillars_explicit=False)
    wash = factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER, family="WSH")

    programme_set_sectors(programme=programme, shares=[(wash, Decimal("100"))])

    programme.refresh_from_db()
    assert programme.pillar_label == "D"
