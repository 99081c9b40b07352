"""Reads of reference data for pickers and pages: areas with their parent chain, sector search."""

from collections.abc import Iterable

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from reference.choices import SectorVocabulary
from reference.models import Area, Sector

PICKER_LIMIT = 20
# The vocabularies a programme is coded with in the portal (IATI allows DAC 3-digit, we ask for 5).
PICKER_VOCABULARIES = (SectorVocabulary.DAC5, SectorVocabulary.CLUSTER)


def area_search(*, query: str, limit: int = PICKER_LIMIT) -> list[Area]:
    """Areas whose name contains `query` or whose p-code starts with it, best matches first.

    An exact p-code comes first, then names that start with the text, then the rest, each by level
    (countries before districts) and name. A full scan of ~33,000 short rows costs a few milliseconds.
    """
    query = query.strip()
    if not query:
        return []
    rank = Case(
        When(pcode__iexact=query, then=Value(0)),
        When(name__istartswith=query, then=Value(1)),
        When(pcode__istartswith=query, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    matches = Area.objects.filter(Q(name__icontains=query) | Q(pcode__istartswith=query))
    return list(matches.annotate(rank=rank).order_by("rank", "level", "name", "pk")[:limit])


def describe_areas(areas: Iterable[Area]) -> dict[int, str]:
    """ "Juba (SS0101) — Central Equatoria, South Sudan" for each area, nearest parent first.

    One query for all the ancestors, read from the materialised paths.
    """
    areas = list(areas)
    ancestor_codes = {code for area in areas for code in area.ancestor_pcodes[:-1]}
    names = dict(Area.objects.filter(pcode__in=ancestor_codes).values_list("pcode", "name")) if ancestor_codes else {}
    labels = {}
    for area in areas:
        chain = [names.get(code, code) for code in reversed(area.ancestor_pcodes[:-1])]
        labels[area.pk] = f"{area} — {', '.join(chain)}" if chain else str(area)
    return labels


def sector_search(*, query: str, limit: int = PICKER_LIMIT) -> QuerySet[Sector]:
    """DAC 5-digit purpose codes and IASC clusters by code (prefix) or name (anywhere)."""
    query = query.strip()
    if not query:
        return Sector.objects.none()
    rank = Case(
        When(code__iexact=query, then=Value(0)),
        When(code__istartswith=query, then=Value(1)),
        When(name__istartswith=query, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    matches = Sector.objects.filter(vocabulary__in=PICKER_VOCABULARIES).filter(
        Q(code__istartswith=query) | Q(name__icontains=query)
    )
    return matches.annotate(rank=rank).order_by("rank", "-vocabulary", "code")[:limit]


def sector_families() -> list[tuple[str, str]]:
    """(family, label) for every family in use: a cluster's name, or the DAC 3-digit category's name."""
    families = sorted(set(Sector.objects.order_by().values_list("family", flat=True).distinct()))
    names = {}
    for vocabulary, code, name in Sector.objects.filter(
        Q(vocabulary=SectorVocabulary.CLUSTER) | Q(vocabulary=SectorVocabulary.DAC3)
    ).values_list("vocabulary", "code", "name"):
        key = code if vocabulary == SectorVocabulary.CLUSTER else f"DAC3:{code}"
        names[key] = name
    return [(family, f"{names[family]} ({family})" if family in names else family) for family in families]
