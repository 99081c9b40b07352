"""ISO-3 (the p-code file's Location) to ISO-2 (the IATI Country list, our country p-codes)."""

from collections.abc import Mapping, Sequence
from pathlib import Path

from reference.loading.errors import ReferenceDataError, at

# Countries whose admin-1 p-codes do not start with their ISO-2 code, checked by hand against
# ISO 3166-1. Seven use the ISO-3 code as prefix (BDI001, BES1, GAB001, ...): its first two letters
# are the right ISO-2 code for three of them but another country's for Burundi (BD, Bangladesh) and
# Bonaire, Sint Eustatius and Saba (BE, Belgium), so none is guessed. Tajikistan's are numeric.
ISO3_TO_ISO2_EXCEPTIONS: dict[str, str] = {
    "BDI": "BI",
    "BES": "BQ",
    "GAB": "GA",
    "KAZ": "KZ",
    "MMR": "MM",
    "QAT": "QA",
    "TJK": "TJ",
    "TUR": "TR",
}


def derive_iso2(iso3: str, admin1_pcodes: Sequence[str], country_codes: set[str]) -> str | None:
    """The two-letter prefix all admin-1 p-codes share, if it is a plausible ISO-2 code.

    Refused (None) when the p-codes start with the ISO-3 code itself: then the first two letters
    are the ISO-3 code's, which is often another country's ISO-2 code (BDI001 -> BD, Bangladesh).
    """
    prefixes = {pcode[:2] for pcode in admin1_pcodes}
    if len(prefixes) != 1 or any(pcode.startswith(iso3) for pcode in admin1_pcodes):
        return None
    prefix = prefixes.pop()
    return prefix if prefix.isalpha() and prefix.isupper() and prefix in country_codes else None


def map_iso3_to_iso2(
    admin1_pcodes: Mapping[str, Sequence[str]],
    first_lines: Mapping[str, int],
    country_codes: set[str],
    path: Path,
) -> dict[str, str]:
    """ISO-2 for every ISO-3 code; fails naming each code it cannot map or that maps twice."""
    mapping: dict[str, str] = {}
    problems: list[str] = []
    for iso3 in sorted(admin1_pcodes):
        iso2 = ISO3_TO_ISO2_EXCEPTIONS.get(iso3) or derive_iso2(iso3, admin1_pcodes[iso3], country_codes)
        if iso2 is None or iso2 not in country_codes:
            sample = admin1_pcodes[iso3][0]
            problems.append(
                f"{at(path, first_lines[iso3])}: cannot map ISO-3 code {iso3} to an ISO-2 code of "
                f"Country.xml (its admin-1 p-codes look like {sample!r}); add it to "
                "ISO3_TO_ISO2_EXCEPTIONS in reference/loading/iso_codes.py"
            )
        else:
            mapping[iso3] = iso2
    by_iso2: dict[str, str] = {}
    for iso3, iso2 in mapping.items():
        if iso2 in by_iso2:
            problems.append(
                f"{at(path, first_lines[iso3])}: ISO-3 codes {by_iso2[iso2]} and {iso3} both map to {iso2}; "
                "add the right one to ISO3_TO_ISO2_EXCEPTIONS in reference/loading/iso_codes.py"
            )
        by_iso2[iso2] = iso3
    if problems:
        raise ReferenceDataError("\n".join(problems))
    return mapping
