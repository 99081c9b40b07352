"""Resolving the values of a 3W sheet against the portal's data: sectors, areas, actors, programmes.

One `Resolver` per import keeps what it has looked up, so a sheet of 20,000 rows naming the same
places and organisations costs a handful of queries, not one per row.

- Clusters (#sector): IASC code or name (vocabulary 10), case, accents and punctuation ignored, with
  the aliases the reference loader knows (WASH → WSH, CCCM → CCM …) and a few 3W spellings.
- DAC sectors (#subsector): a 5-digit code (vocabulary 1), a 3-digit category (vocabulary 2), or a name.
- Areas: a p-code, else a name: among the admin-2 areas of the admin-1 area on the same row, else of
  the country (the row's #country, the country chosen on upload, or the one country all the sheet's
  p-codes are in), else among all admin areas. A name that is not found gets suggestions
  (difflib.get_close_matches: "Jubba" → "Juba (SS0101)").
"""

import difflib
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from actors.choices import ActorKind, Localness
from actors.matching import find_actor, normalise_identifier, normalise_name
from actors.models import Actor
from nexus_portal.querysets import CHANGE
from programmes.interop.hxl_read import folded
from programmes.models import Programme
from reference.choices import AreaLevel, SectorVocabulary
from reference.loading.sectors import CLUSTER_ALIASES
from reference.models import Area, Sector

# Cluster names seen in 3W sheets beyond the reference loader's aliases.
EXTRA_CLUSTER_ALIASES = {
    "FSL": "FSC",
    "Food Security and Livelihoods": "FSC",
    "Food": "FSC",
    "Shelter/NFI": "SHL",
    "Shelter & NFI": "SHL",
    "ES/NFI": "SHL",
    "NFI": "SHL",
    "GBV": "PRO-GBV",
    "Gender-Based Violence": "PRO-GBV",
    "CP": "PRO-CPN",
    "HLP": "PRO-HLP",
    "ETC": "TEL",
    "Camp Coordination and Management": "CCM",
}
SUGGESTIONS = 3
SUGGESTION_CUTOFF = 0.7


@dataclass(frozen=True)
class AreaRef:
    pk: int
    pcode: str
    name: str
    level: int
    parent_id: int | None
    country_code: str

    def as_dict(self) -> dict:
        return {"pcode": self.pcode, "name": self.name, "level": self.level}

    def __str__(self) -> str:
        return f"{self.name} ({self.pcode})"


AREA_FIELDS = ("pk", "pcode", "name", "level", "parent_id", "country_code")


class NotFound(ValueError):
    """A value that names nothing in the portal; `suggestions` are near misses to offer."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


class Resolver:
    def __init__(self, *, user):
        self.user = user
        self._clusters: dict[str, Sector] | None = None
        self._dac: dict[str, Sector] | None = None
        self._dac_names: dict[str, Sector] | None = None
        self._areas_by_code: dict[str, AreaRef | None] = {}
        self._areas_by_pk: dict[int, AreaRef] = {}
        self._scopes: dict[str, dict] = {}  # country code or "*" → indexes of its admin areas
        self._countries: dict[str, AreaRef] | None = None
        self._actors: dict[tuple[str, str], Actor | None] = {}
        self._suggestions: dict[tuple, list[str]] = {}

    # -- sectors ------------------------------------------------------------------------------------
    def cluster(self, value: str) -> Sector:
        if self._clusters is None:
            clusters = {
                sector.code.upper(): sector for sector in Sector.objects.filter(vocabulary=SectorVocabulary.CLUSTER)
            }
            self._clusters = {}
            for sector in clusters.values():
                self._clusters[folded(sector.code)] = sector
                self._clusters[folded(sector.name)] = sector
            for alias, code in {**CLUSTER_ALIASES, **EXTRA_CLUSTER_ALIASES}.items():
                if code in clusters:
                    self._clusters.setdefault(folded(alias), clusters[code])
        sector = self._clusters.get(folded(value))
        if sector is None:
            raise NotFound(
                _(
                    "“%(value)s” is not an IASC cluster; use a cluster code or name such as WSH or "
                    "Water Sanitation Hygiene."
                )
                % {"value": value},
                difflib.get_close_matches(folded(value), sorted(self._clusters), n=SUGGESTIONS, cutoff=0.6),
            )
        return sector

    def dac_sector(self, value: str) -> Sector:
        if self._dac is None:
            rows = Sector.objects.filter(vocabulary__in=[SectorVocabulary.DAC5, SectorVocabulary.DAC3])
            self._dac, self._dac_names = {}, {}
            for sector in rows:
                self._dac[sector.code] = sector
                self._dac_names.setdefault(folded(sector.name), sector)
        code = value.split()[0] if value.split() and value.split()[0].isdigit() else ""
        sector = self._dac.get(code) or self._dac_names.get(folded(value))
        if sector is None:
            raise NotFound(
                _("“%(value)s” is not a DAC sector; use a 5-digit purpose code such as 14030.") % {"value": value}
            )
        return sector

    # -- areas --------------------------------------------------------------------------------------
    def preload_pcodes(self, codes) -> None:
        """One query for every p-code the sheet names."""
        wanted = {code.strip().upper() for code in codes if code and code.strip()} - set(self._areas_by_code)
        for start in range(0, len(wanted), 500):
            chunk = sorted(wanted)[start : start + 500]
            found = {row["pcode"].upper(): row for row in Area.objects.filter(pcode__in=chunk).values(*AREA_FIELDS)}
            for code in chunk:
                row = found.get(code)
                self._areas_by_code[code] = self._remember(row) if row else None

    def _remember(self, row: dict) -> AreaRef:
        ref = AreaRef(**row)
        self._areas_by_pk[ref.pk] = ref
        return ref

    def area_by_code(self, code: str) -> AreaRef | None:
        key = code.strip().upper()
        if key not in self._areas_by_code:
            self.preload_pcodes([key])
        return self._areas_by_code[key]

    def area(self, pk: int) -> AreaRef:
        return self._areas_by_pk[pk]

    def country(self, value: str) -> AreaRef:
        if self._countries is None:
            self._countries = {}
            for row in Area.objects.filter(level=AreaLevel.COUNTRY).values(*AREA_FIELDS):
                ref = self._remember(row)
                self._countries[ref.pcode.upper()] = ref
                self._countries.setdefault(folded(ref.name), ref)
        ref = self._countries.get(value.strip().upper()) or self._countries.get(folded(value))
        if ref is None:
            raise NotFound(_("“%(value)s” is not a country; use its two-letter ISO code, e.g. SS.") % {"value": value})
        return ref

    def _scope(self, country_code: str) -> dict:
        """Indexes of the admin areas of one country ("*": all countries), loaded once."""
        if country_code not in self._scopes:
            rows = Area.objects.filter(level__in=[AreaLevel.ADMIN1, AreaLevel.ADMIN2])
            if country_code != "*":
                rows = rows.filter(country_code=country_code)
            by_name: dict[tuple[int, str], list[AreaRef]] = defaultdict(list)
            by_parent: dict[tuple[int, str], list[AreaRef]] = defaultdict(list)
            names: dict[int, set[str]] = defaultdict(set)
            for row in rows.values(*AREA_FIELDS).iterator(chunk_size=5000):
                ref = self._remember(row)
                key = folded(ref.name)
                by_name[(ref.level, key)].append(ref)
                by_parent[(ref.parent_id, key)].append(ref)
                names[ref.level].add(key)
            self._scopes[country_code] = {"by_name": by_name, "by_parent": by_parent, "names": names}
        return self._scopes[country_code]

    def area_by_name(self, name: str, *, level: int, country_code: str = "", parent: AreaRef | None = None) -> AreaRef:
        """The admin area of `level` called `name` (accents and case ignored) in the parent or country."""
        if parent is not None:
            country_code = parent.country_code
        scope = self._scope(country_code or "*")
        key = folded(name)
        if parent is not None:
            matches = scope["by_parent"].get((parent.pk, key), [])
        else:
            matches = scope["by_name"].get((level, key), [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise NotFound(
                _("Several areas are called “%(name)s” (%(pcodes)s); give the p-code or the admin 1 area.")
                % {"name": name, "pcodes": ", ".join(sorted(ref.pcode for ref in matches))}
            )
        where = str(parent) if parent else (country_code or _("any country"))
        raise NotFound(
            _("No admin %(level)s area called “%(name)s” in %(where)s.")
            % {"level": level, "name": name, "where": where},
            self.area_suggestions(name, level=level, country_code=country_code, parent=parent),
        )

    def area_suggestions(self, name: str, *, level: int, country_code: str = "", parent: AreaRef | None = None):
        if parent is not None:
            country_code = parent.country_code
        key = (folded(name), level, country_code, parent.pk if parent else None)
        if key not in self._suggestions:
            scope = self._scope(country_code or "*")
            names = sorted(scope["names"].get(level, set()))
            close = difflib.get_close_matches(key[0], names, n=SUGGESTIONS, cutoff=SUGGESTION_CUTOFF)
            refs = [ref for close_name in close for ref in scope["by_name"][(level, close_name)]]
            if parent is not None:  # prefer the areas inside the row's admin 1 area
                refs.sort(key=lambda ref: ref.parent_id != parent.pk)
            self._suggestions[key] = [str(ref) for ref in refs[:SUGGESTIONS]]
        return self._suggestions[key]

    def pcode_suggestions(self, code: str, *, country_code: str = "") -> list[str]:
        scope = self._scope(country_code or "*")
        refs = {ref.pcode: ref for group in scope["by_name"].values() for ref in group}
        close = difflib.get_close_matches(code.strip().upper(), sorted(refs), n=SUGGESTIONS, cutoff=SUGGESTION_CUTOFF)
        return [str(refs[pcode]) for pcode in close]

    # -- actors -------------------------------------------------------------------------------------
    def actor(self, *, name: str, code: str = "") -> Actor | None:
        """The existing actor an organisation cell names, or None (a new one would be created)."""
        key = (normalise_identifier(code), normalise_name(name) or name.strip().casefold())
        if key not in self._actors:
            self._actors[key] = find_actor(identifier=code, name=name)
        return self._actors[key]

    # -- programmes ---------------------------------------------------------------------------------
    def programmes_by_identifier(self, codes) -> dict[str, Programme]:
        wanted = sorted({code for code in codes if code})
        found: dict[str, Programme] = {}
        for start in range(0, len(wanted), 500):
            for programme in Programme.objects.filter(iati_identifier__in=wanted[start : start + 500]):
                found[programme.iati_identifier] = programme
        return found

    def changeable_ids(self, pks) -> set[int]:
        pks = sorted(set(pks))
        allowed: set[int] = set()
        for start in range(0, len(pks), 500):
            rows = Programme.objects.restrict(self.user, CHANGE).filter(pk__in=pks[start : start + 500])
            allowed |= set(rows.values_list("pk", flat=True))
        return allowed

    def programmes_by_title(self, actor_ids) -> dict[tuple[int, str], list[Programme]]:
        """Programmes the user may change, by (reporting actor, title folded)."""
        found: dict[tuple[int, str], list[Programme]] = defaultdict(list)
        actor_ids = sorted(set(actor_ids))
        for start in range(0, len(actor_ids), 500):
            rows = Programme.objects.restrict(self.user, CHANGE).filter(
                reporting_actor_id__in=actor_ids[start : start + 500]
            )
            for programme in rows.order_by("pk"):
                found[(programme.reporting_actor_id, folded(programme.title))].append(programme)
        return found


# -- new actors ------------------------------------------------------------------------------------
KIND_WORDS = (
    (
        ActorKind.UN_AGENCY,
        (
            "united nations",
            "unicef",
            "unhcr",
            "wfp",
            "world food programme",
            "undp",
            "unfpa",
            "iom",
            "who",
            "fao",
            "ocha",
            "unops",
            "un women",
            "unmas",
        ),
    ),
    (ActorKind.RED_CROSS, ("red cross", "red crescent", "icrc", "ifrc")),
    (ActorKind.EMBASSY, ("embassy",)),
    (ActorKind.LOCAL_AUTHORITY, ("county", "municipality", "district council", "local government")),
    (ActorKind.NATIONAL_AUTHORITY, ("ministry", "government of", "national authority", "commission")),
    (ActorKind.RESEARCH, ("university", "institute", "research")),
    (ActorKind.NORWEGIAN_NGO, ("norwegian", "norsk", "norges")),
)
LOCALNESS_OF_KIND = {
    ActorKind.LOCAL_AUTHORITY: Localness.LOCAL,
    ActorKind.NATIONAL_AUTHORITY: Localness.NATIONAL,
}


def guess_kind(name: str, *, funding: bool = False) -> str:
    """A first guess from the name; the duplicate finder and administrators correct it later.
    Localness defaults to international (see LOCALNESS_OF_KIND) so no one is counted as local by accident."""
    words = f" {folded(name)} "
    for kind, markers in KIND_WORDS:
        if any(f" {marker} " in words for marker in markers):
            if kind == ActorKind.NATIONAL_AUTHORITY and funding:
                return ActorKind.DONOR_MINISTRY
            return kind
    return ActorKind.INTERNATIONAL_NGO


def new_actor(*, name: str, code: str = "", funding: bool = False) -> Actor:
    kind = guess_kind(name, funding=funding)
    actor = Actor(
        name=name.strip()[:250],
        iati_identifier=normalise_identifier(code)[:150],
        kind=kind,
        localness=LOCALNESS_OF_KIND.get(kind, Localness.INTERNATIONAL),
    )
    actor.full_clean()
    actor.save()
    return actor
