"""DAC 5-digit and 3-digit codes and IASC clusters, each with the family used across vocabularies."""

from pathlib import Path

import pytest

from reference.choices import SectorVocabulary
from reference.loading.errors import ReferenceDataError
from reference.loading.sectors import Cluster, cluster_names, families_by_category
from reference.models import Sector

CLUSTER_CODES = {
    "SHL",
    "CCM",
    "FSC",
    "WSH",
    "LOG",
    "PRO",
    "EDU",
    "NUT",
    "HEA",
    "ERY",
    "TEL",
    "PRO-MIN",
    "PRO-CPN",
    "PRO-GBV",
    "PRO-HLP",
}


def sector(vocabulary: SectorVocabulary, code: str) -> Sector:
    return Sector.objects.get(vocabulary=vocabulary, code=code)


def test_it_loads_every_sector_of_the_three_vocabularies(loaded):
    assert Sector.objects.filter(vocabulary=SectorVocabulary.DAC5).count() == 325
    assert Sector.objects.filter(vocabulary=SectorVocabulary.DAC3).count() == 44
    clusters = Sector.objects.filter(vocabulary=SectorVocabulary.CLUSTER)
    assert set(clusters.values_list("code", flat=True)) == CLUSTER_CODES


def test_it_gives_each_cluster_its_own_code_as_family(loaded):
    for cluster in Sector.objects.filter(vocabulary=SectorVocabulary.CLUSTER):
        assert cluster.family == cluster.code
    assert sector(SectorVocabulary.CLUSTER, "PRO-GBV").name == "Gender Based Violence"


def test_it_files_basic_education_under_the_education_cluster(loaded):
    primary = sector(SectorVocabulary.DAC5, "11220")
    assert (primary.category, primary.family) == ("112", "EDU")
    assert sector(SectorVocabulary.DAC3, "112").family == "EDU"


def test_it_gives_emergency_response_its_dac3_family(loaded):
    # The map names no single cluster for 720 Emergency Response (multi-sector relief).
    assert sector(SectorVocabulary.DAC5, "72010").family == "DAC3:720"
    assert sector(SectorVocabulary.DAC5, "73010").family == "ERY"


def test_it_matches_cluster_names_ignoring_case_and_punctuation(loaded):
    # The map says "Housing, Land, and Property"; the cluster file "Housing, Land and Property".
    assert sector(SectorVocabulary.DAC3, "323").family == "PRO-HLP"
    assert sector(SectorVocabulary.DAC5, "14030").family == "WSH"


def test_it_falls_back_to_dac3_where_the_map_names_no_cluster(loaded):
    assert sector(SectorVocabulary.DAC5, "15220").family == "DAC3:152"  # "(No corresponding ...)"
    assert sector(SectorVocabulary.DAC3, "160").family == "DAC3:160"  # no mapping given
    assert sector(SectorVocabulary.DAC3, "920").family == "DAC3:920"  # not in the map at all


def test_every_humanitarian_mapping_name_matches_a_cluster(loaded):
    assert not [note for note in loaded.notes if "matches no cluster" in note]


def test_it_reports_mapping_names_that_match_no_cluster():
    clusters = [Cluster("WSH", "Water Sanitation Hygiene", "11", "clusters.csv, line 6")]
    names = cluster_names(clusters, {"11": {"name": "Water Sanitation Hygiene", "synonyms": ["WASH"]}}, Path("map"))
    families, notes = families_by_category(
        {"140": {"humanitarian-mapping": "wash"}, "999": {"humanitarian-mapping": "Basket Weaving"}},
        names,
        Path("dac3.json"),
    )
    assert families == {"140": "WSH", "999": "DAC3:999"}
    assert len(notes) == 1 and "'Basket Weaving' matches no cluster" in notes[0]


def test_it_refuses_a_name_given_to_two_clusters():
    clusters = [Cluster("WSH", "Water", "11", "a, line 2"), Cluster("FSC", "Food", "6", "a, line 3")]
    with pytest.raises(ReferenceDataError, match="'Food' names both"):
        cluster_names(clusters, {"11": {"name": "Food"}}, Path("map.json"))
