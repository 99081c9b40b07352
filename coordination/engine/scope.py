"""Where a re-check looks: a whole country, or the parts of it where programmes changed.

An incremental run may get, for a country, the areas where programmes changed (the p-codes of their
locations, old and new; `FlagRun.regions`). From those:

- the buckets: every area of a country lies in exactly one bucket, an admin-1 region (named by its
  p-code) or the country level itself (named by the country's p-code), the first two parts of its
  ancestor path ("/SS/SS01/SS0101/" → "SS01", "/SS/" → "SS"). Two programmes that share an area (both
  locations at level ≥ 1, one inside the other) always share a bucket;
- the affected areas: each changed area (level ≥ 1) and every area inside it. A programme's pairs all
  have their shared area at or inside one of its locations (the deeper of two nested locations), so no
  pair of a changed programme has its shared area elsewhere, before or after the change.

Rules say which kind of flags they write (`Rule.scope`), and so what a partial re-check evaluates:

- AREA: flags about pairs that share an area, or about an area and the pairs whose shared area it is
  (overlap, cross-pillar-silo, internal-silo): each belongs to its area; only the affected areas are
  re-checked;
- REGION: flags about an admin-1 region and what lies inside it: each belongs to the bucket of its area;
- PROGRAMME: each flag is about one programme, and depends on that programme and on those sharing an
  area with it: the programmes working in the changed areas, inside them or in the areas containing
  them are re-checked (with their flags, and the flags whose area lies there);
- COUNTRY: the flags depend on the whole country (analyses, funding): re-checked whole whenever any
  part of the country is.
"""

from dataclasses import dataclass

AREA = "area"
REGION = "region"
PROGRAMME = "programme"
COUNTRY = "country"
KINDS = (AREA, REGION, PROGRAMME, COUNTRY)


def bucket_of_path(path: str) -> str:
    """The bucket of an area: its admin-1 ancestor's p-code, or the country's for the country itself."""
    parts = path.strip("/").split("/")
    return parts[1] if len(parts) > 1 else parts[0]


def containing_paths(changed: list[str]) -> set[str]:
    """The paths of the level-1+ areas strictly containing the changed ones ("/SS/SS01/SS0101/" → "/SS/SS01/");
    the country itself shares no area with anything."""
    found = set()
    for path in changed:
        parts = path.strip("/").split("/")
        found.update("/" + "/".join(parts[:depth]) + "/" for depth in range(2, len(parts)))
    return found


def affected_paths(changed: list[str]) -> list[str]:
    """The paths of the changed areas whose subtrees hold the pairs that may have changed: the level-1+
    ones (no pair shares the country itself)."""
    return [path for path in changed if len(path.strip("/").split("/")) > 1]


@dataclass(frozen=True)
class WriteScope:
    """The part of a partition one write covers: flags outside it are neither matched nor resolved.

    A flag is inside when its area is one of `area_ids`, or (for programme rules) when it is about one
    of `programme_ids`.
    """

    area_ids: frozenset[int]
    programme_ids: frozenset[int] = frozenset()
