"""Read every reference file first, then write all of it in one transaction."""

import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from reference.choices import AreaLevel, SectorVocabulary
from reference.loading.areas import AreaSource, country_rows, read_pcode_areas
from reference.loading.errors import ReferenceDataError, at
from reference.loading.files import read_codelist, read_json
from reference.loading.sectors import (
    cluster_names,
    cluster_rows,
    families_by_category,
    read_clusters,
    sector_rows,
)
from reference.loading.upsert import Counts, Row, check_rows, upsert
from reference.models import Area, CodeListItem, Sector

CODELISTS_DIR = Path("iati/codelists")
PCODES_CSV = Path("pcodes/global-pcodes-adm-1-2.csv")
CLUSTERS_CSV = Path("clusters/global_coordination_groups.csv")
DAC3_MAP_JSON = Path("sector-maps/dac3-sector-map.json")
CLUSTER_MAP_JSON = Path("sector-maps/humanitarian-cluster-map.json")

# The IATI code lists the product uses; each is stored under its file's stem.
CODELISTS = (
    "Currency",
    "OrganisationType",
    "OrganisationRole",
    "ActivityStatus",
    "ActivityDateType",
    "EarmarkingCategory",
    "RelatedActivityType",
    "TransactionType",
    "BudgetType",
    "BudgetStatus",
    "HumanitarianScopeType",
    "HumanitarianScopeVocabulary",
    "SectorVocabulary",
    "GeographicVocabulary",
    "AidType",
    "FlowType",
    "FinanceType",
    "Country",
)

SECTOR_KINDS = {
    SectorVocabulary.DAC5: "sectors: DAC 5-digit",
    SectorVocabulary.DAC3: "sectors: DAC 3-digit",
    SectorVocabulary.CLUSTER: "sectors: IASC clusters",
}

AREA_KEY = ("pcode",)
SECTOR_KEY = ("vocabulary", "code")
CODELIST_KEY = ("codelist", "code")


@dataclass(frozen=True)
class KindCounts:
    kind: str
    counts: Counts


@dataclass
class LoadReport:
    kinds: list[KindCounts]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class Sources:
    """Everything the files say, checked, before the database is touched."""

    countries: list[Row]
    admin1: list[AreaSource]
    admin2: list[AreaSource]
    sectors: dict[SectorVocabulary, list[Row]]
    codelist_items: list[Row]
    notes: list[str]


def read_sources(data_dir: Path) -> Sources:
    codelists = {name: read_codelist(data_dir / CODELISTS_DIR / f"{name}.xml") for name in CODELISTS}
    country_xml = data_dir / CODELISTS_DIR / "Country.xml"
    countries = country_rows(codelists["Country"], country_xml)
    areas = read_pcode_areas(data_dir / PCODES_CSV, {row.fields["pcode"] for row in countries})

    clusters = read_clusters(data_dir / CLUSTERS_CSV)
    names = cluster_names(clusters, read_json(data_dir / CLUSTER_MAP_JSON), data_dir / CLUSTER_MAP_JSON)
    families, sector_notes = families_by_category(read_json(data_dir / DAC3_MAP_JSON), names, data_dir / DAC3_MAP_JSON)
    sectors = {}
    for vocabulary, stem in ((SectorVocabulary.DAC5, "Sector"), (SectorVocabulary.DAC3, "SectorCategory")):
        path = data_dir / CODELISTS_DIR / f"{stem}.xml"
        sectors[vocabulary] = sector_rows(vocabulary, read_codelist(path), families, path)
    sectors[SectorVocabulary.CLUSTER] = cluster_rows(clusters)

    codelist_items = [
        Row(
            {
                "codelist": name,
                "code": entry.code,
                "name": entry.name,
                "description": entry.description,
                "withdrawn": entry.withdrawn,
            },
            at(data_dir / CODELISTS_DIR / f"{name}.xml", entry.line),
        )
        for name, entries in codelists.items()
        for entry in entries
    ]

    check_rows(Area, AREA_KEY, [*countries, *(area.row for area in [*areas.admin1, *areas.admin2])])
    check_rows(Sector, SECTOR_KEY, [row for rows in sectors.values() for row in rows])
    check_rows(CodeListItem, CODELIST_KEY, codelist_items)
    notes = [*areas.notes, *sector_notes]
    return Sources(countries, areas.admin1, areas.admin2, sectors, codelist_items, notes)


def _upsert_areas(level: AreaLevel, areas: list[AreaSource]) -> Counts:
    """Children of areas written just before: parents-first order makes every parent id known."""
    parent_ids = dict(Area.objects.filter(level=level - 1).values_list("pcode", "pk"))
    rows = [Row({**area.row.fields, "parent_id": parent_ids[area.parent_pcode]}, area.row.origin) for area in areas]
    return upsert(Area, AREA_KEY, rows)


def write_sources(sources: Sources) -> list[KindCounts]:
    countries = upsert(
        Area, AREA_KEY, [Row({**row.fields, "parent_id": None}, row.origin) for row in sources.countries]
    )
    kinds = [
        KindCounts("countries", countries),
        KindCounts("admin-1 areas", _upsert_areas(AreaLevel.ADMIN1, sources.admin1)),
        KindCounts("admin-2 areas", _upsert_areas(AreaLevel.ADMIN2, sources.admin2)),
    ]
    for vocabulary, rows in sources.sectors.items():
        kinds.append(KindCounts(SECTOR_KINDS[vocabulary], upsert(Sector, SECTOR_KEY, rows)))
    kinds.append(KindCounts("code list items", upsert(CodeListItem, CODELIST_KEY, sources.codelist_items)))
    return kinds


def _kept_rows_note(sources: Sources) -> list[str]:
    """Areas no longer in the files stay (records may point at them); say so rather than delete."""
    source_pcodes = {row.fields["pcode"] for row in sources.countries}
    source_pcodes.update(area.row.fields["pcode"] for area in [*sources.admin1, *sources.admin2])
    kept = set(Area.objects.values_list("pcode", flat=True)) - source_pcodes
    if not kept:
        return []
    return [f"{len(kept)} area(s) in the database are not in the files and were kept: {', '.join(sorted(kept)[:10])}"]


def load_reference_data(data_dir: Path | str) -> LoadReport:
    """Upsert areas, sectors and code list items from `data_dir`; all or nothing.

    Raises ReferenceDataError (naming file and line) before writing anything if a file is missing or
    malformed; any failure while writing rolls the whole load back.
    """
    started = time.monotonic()
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise ReferenceDataError(f"{data_dir}: data directory not found")
    sources = read_sources(data_dir)
    with transaction.atomic():
        kinds = write_sources(sources)
        notes = [*sources.notes, *_kept_rows_note(sources)]
    return LoadReport(kinds, notes, time.monotonic() - started)
