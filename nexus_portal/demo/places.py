"""Where the demo happens: three crisis countries with real OCHA p-codes, split into case areas and background.

Rule cases live in admin-2 areas that no background programme touches, and background programmes use an
admin-1 area as a location only in regions without case areas, so a case (or near-miss) is never turned
on or off by a randomly placed background programme ("shared area" means equal or containing).
"""

COUNTRIES = ("SS", "ML", "SO")  # South Sudan, Mali, Somalia
OTHER_COUNTRIES = ("KE", "NO")  # Kenya (the Nairobi embassy covers Somalia), Norway (headquarters)

# Admin-2 areas reserved for rule cases and near-misses (see cases.py and docs/demo-data.md).
CASE_AREAS = {
    "SS0106": "Yei: inflexible-funding-in-crisis",
    "SS0105": "Terekeka: stale-record",
    "SS0208": "Torit: internal-silo",
    "SS0207": "Magwi: internal-silo near-miss (linked)",
    "SS0308": "Pibor: stale-analysis (trigger event)",
    "SS0303": "Bor South: overlap near-miss (linked)",
    "SS0502": "Aweil East: cross-pillar-silo",
    "SS0501": "Aweil Centre: cross-pillar-silo near-miss (linked)",
    "SS0504": "Aweil South: cross-pillar-silo near-miss (< 30 days overlap)",
    "SS0609": "Rubkona: no-exit-strategy (≥ 36 months)",
    "SS0607": "Panyijiar: no-exit-strategy (ending within 6 months)",
    "SS0604": "Leer: no-exit-strategy near-miss (plan, handover, sequenced link)",
    "SS0707": "Malakal: overlap (both humanitarian, same cluster)",
    "SS0711": "Renk: humanitarian-run-over",
    "SS0803": "Tonj East: unlinked-programme",
    "SS0802": "Gogrial West: unlinked-programme near-miss (< 12 months)",
    "SS0903": "Wau: weak-shared-goal",
    "SS0404": "Rumbek East: stale-goal-progress (contributing programme)",
    "SS0407": "Yirol East: stale-goal-progress (contributing programme)",
    "ML0501": "Bandiagara: country-level-analysis-only",
    "ML0506": "Mopti: country-level-analysis-only",
    "ML0404": "Niono: country-level-analysis-only near-miss (district analysis)",
    "ML0403": "Macina: scope of the district analysis",
    "SO2605": "Doolow: uncovered-programme",
}

# Background admin-2 areas per admin-1 region. A region listed in ADMIN1_LOCATIONS_ALLOWED has no case
# areas, so a background programme may also be located at the region itself.
BACKGROUND_AREAS = {
    "SS": {
        "SS01": ["SS0101", "SS0102", "SS0103", "SS0104"],
        "SS02": ["SS0201", "SS0202", "SS0203", "SS0205"],
        "SS03": ["SS0301", "SS0305", "SS0310"],
        "SS04": ["SS0401", "SS0402", "SS0403", "SS0406", "SS0408"],
        "SS05": ["SS0503", "SS0505"],
        "SS06": ["SS0601", "SS0603", "SS0606", "SS0608"],
        "SS07": ["SS0702", "SS0704", "SS0705"],
        "SS08": ["SS0801", "SS0804", "SS0805", "SS0806"],
        "SS09": ["SS0901", "SS0902"],
        "SS10": ["SS1003", "SS1008", "SS1009", "SS1010"],
    },
    "ML": {
        "ML02": ["ML0204", "ML0207"],
        "ML04": ["ML0405", "ML0406"],
        "ML06": ["ML0602", "ML0605"],
        "ML07": ["ML0701", "ML0702", "ML0703"],
        "ML09": ["ML0901"],
        "ML10": ["ML1001"],
    },
    "SO": {
        "SO12": ["SO1201", "SO1202"],
        "SO13": ["SO1301"],
        "SO17": ["SO1701"],
        "SO18": ["SO1801"],
        "SO20": ["SO2001"],
        "SO22": ["SO2201"],
        "SO24": ["SO2401", "SO2402", "SO2403"],
    },
}
ADMIN1_LOCATIONS_ALLOWED = {"SS04", "SS10", "ML07", "SO22", "SO24"}

# Countries where some background programmes are located at country level only (pair rules skip them).
COUNTRY_LEVEL_BACKGROUND = ("SS", "ML")

# Background programmes per country (case programmes come on top).
BACKGROUND_PER_COUNTRY = {"SS": 56, "ML": 36, "SO": 34}

# Regions with an active, well-formed shared goal that every background programme there contributes to.
GOAL_REGIONS = ("SS04", "SS08", "SS10", "ML07", "ML09", "SO12", "SO24")

# Admin-1 regions left without a current sub-national conflict/context analysis on purpose:
# Mopti is covered by country-level analyses only; Gedo by no current analysis at all.
ANALYSIS_GAP_REGIONS = ("ML05", "SO26")

ADMIN1_USED = sorted({region for regions in BACKGROUND_AREAS.values() for region in regions} | {"ML05", "SO26"})


def required_pcodes() -> set[str]:
    """Every area the demo refers to; all must come from the reference data."""
    pcodes = set(COUNTRIES) | set(OTHER_COUNTRIES) | set(CASE_AREAS) | set(ADMIN1_USED)
    for regions in BACKGROUND_AREAS.values():
        for areas in regions.values():
            pcodes.update(areas)
    return pcodes
