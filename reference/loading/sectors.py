"""Sectors of three vocabularies (DAC 5-digit, DAC 3-digit, IASC clusters) and their families."""

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reference.choices import SectorVocabulary
from reference.loading.errors import ReferenceDataError, at
from reference.loading.files import CodelistEntry, CsvRow, read_csv
from reference.loading.upsert import Row

logger = logging.getLogger(__name__)

HRINFO_ID, PREFERRED_TERM, ACRONYM, GROUP_TYPE = "HRinfo ID", "Preferred Term", "ACRONYM", "Group Type"
CLUSTER_COLUMNS = (HRINFO_ID, PREFERRED_TERM, ACRONYM, GROUP_TYPE)
CLUSTER_GROUP_TYPES = ("Cluster", "Area of Responsibility")  # the CSV says "Area of Responsibility (Sub-cluster)"
NO_CLUSTER = "(No corresponding humanitarian cluster)"

# Decided aliases: cluster names as commonly written that match no Preferred Term or synonym even
# ignoring case and punctuation. With the current files every "humanitarian-mapping" name matches
# without them (e.g. "Housing, Land, and Property" is PRO-HLP "Housing, Land and Property"); they keep
# a map entry renamed to a common variant on its cluster instead of falling back (with a note) to its
# DAC 3-digit family.
CLUSTER_ALIASES: dict[str, str] = {
    "WASH": "WSH",
    "Water, Sanitation and Hygiene": "WSH",
    "Shelter": "SHL",
    "Shelter and NFI": "SHL",
    "Emergency Shelter": "SHL",
    "CCCM": "CCM",
    "Camp Coordination and Camp Management": "CCM",
    "Food Security and Agriculture": "FSC",
    "Emergency Telecommunications Cluster": "TEL",
}


@dataclass(frozen=True)
class Cluster:
    code: str
    name: str
    hrinfo_id: str
    origin: str


def normalised(name: str) -> str:
    """Case and punctuation do not distinguish cluster names ("Housing, Land, and Property")."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def dac3_family(category: str) -> str:
    return f"DAC3:{category}"


def read_clusters(path: Path) -> list[Cluster]:
    clusters = []
    for row in read_csv(path, CLUSTER_COLUMNS):
        if not row.values[GROUP_TYPE].startswith(CLUSTER_GROUP_TYPES):
            continue
        clusters.append(_cluster(row, path))
    if not clusters:
        raise ReferenceDataError(f"{path}: no rows of {GROUP_TYPE} {' or '.join(CLUSTER_GROUP_TYPES)}")
    return clusters


def _cluster(row: CsvRow, path: Path) -> Cluster:
    for column in (ACRONYM, PREFERRED_TERM):
        if not row.values[column]:
            raise ReferenceDataError(f"{at(path, row.line)}: empty {column}")
    return Cluster(row.values[ACRONYM], row.values[PREFERRED_TERM], row.values[HRINFO_ID], at(path, row.line))


def cluster_names(clusters: Sequence[Cluster], cluster_map: Any, cluster_map_path: Path) -> dict[str, str]:
    """Normalised name -> cluster code, from preferred terms, acronyms, the map's names and synonyms,
    and CLUSTER_ALIASES."""
    codes = {cluster.code for cluster in clusters}
    by_hrinfo_id = {cluster.hrinfo_id: cluster.code for cluster in clusters}
    names: dict[str, str] = {}

    def add(name: str, code: str, origin: str) -> None:
        key = normalised(name)
        if names.get(key, code) != code:
            raise ReferenceDataError(f"{origin}: {name!r} names both {names[key]} and {code}")
        names[key] = code

    for cluster in clusters:
        add(cluster.name, cluster.code, cluster.origin)
        add(cluster.code, cluster.code, cluster.origin)
    if not isinstance(cluster_map, dict):
        raise ReferenceDataError(f"{cluster_map_path}: expected an object of cluster ids")
    for hrinfo_id, entry in cluster_map.items():
        code = by_hrinfo_id.get(hrinfo_id)
        if code is None:
            continue  # a cluster the coordination-groups file does not list
        try:
            for name in [entry["name"], *entry.get("synonyms", [])]:
                add(name, code, f"{cluster_map_path}, cluster {hrinfo_id}")
        except (TypeError, KeyError) as error:
            raise ReferenceDataError(f"{cluster_map_path}: cluster {hrinfo_id} has no name") from error
    for alias, code in CLUSTER_ALIASES.items():
        if code in codes:  # an alias of a cluster the file no longer lists has nothing to name
            add(alias, code, "CLUSTER_ALIASES")
    return names


def families_by_category(dac3_map: Any, names: dict[str, str], dac3_map_path: Path) -> tuple[dict[str, str], list[str]]:
    """DAC 3-digit category -> family, and notes on mapping names that match no cluster."""
    if not isinstance(dac3_map, dict):
        raise ReferenceDataError(f"{dac3_map_path}: expected an object of DAC 3-digit codes")
    families: dict[str, str] = {}
    notes: list[str] = []
    for category, entry in dac3_map.items():
        mapping = entry.get("humanitarian-mapping") if isinstance(entry, dict) else None
        if not mapping or mapping == NO_CLUSTER:
            families[category] = dac3_family(category)
        elif normalised(mapping) in names:
            families[category] = names[normalised(mapping)]
        else:
            families[category] = dac3_family(category)
            notes.append(
                f"{dac3_map_path}: DAC {category} humanitarian-mapping {mapping!r} matches no cluster; "
                f"family {families[category]}"
            )
    for note in notes:
        logger.warning(note)
    return families, notes


def sector_rows(
    vocabulary: SectorVocabulary, entries: Sequence[CodelistEntry], families: dict[str, str], path: Path
) -> list[Row]:
    digits = 5 if vocabulary == SectorVocabulary.DAC5 else 3
    rows = []
    for entry in entries:
        if not (entry.code.isdigit() and len(entry.code) == digits):
            raise ReferenceDataError(f"{at(path, entry.line)}: {entry.code!r} is not a {digits}-digit DAC code")
        category = entry.code[:3]
        fields = {
            "vocabulary": vocabulary,
            "code": entry.code,
            "name": entry.name,
            "category": category,
            "family": families.get(category, dac3_family(category)),
        }
        rows.append(Row(fields, at(path, entry.line)))
    return rows


def cluster_rows(clusters: Sequence[Cluster]) -> list[Row]:
    return [
        Row(
            {
                "vocabulary": SectorVocabulary.CLUSTER,
                "code": cluster.code,
                "name": cluster.name,
                "category": "",
                "family": cluster.code,
            },
            cluster.origin,
        )
        for cluster in clusters
    ]
