"""inflexible-funding-in-crisis: rigid development money in crisis areas (gap d).

An active development agreement (its period contains the as-of date), earmarked or tightly earmarked,
without a crisis modifier, that funds work in an area with active humanitarian programmes or a trigger
event (any context event) in the last 12 months.

Interpretations:
- The work areas are the locations in this country of its funded programmes; when it funds no programme
  located here, the country itself (its countries, or its programmes' countries, include this one).
- A crisis is "in" a work area when the humanitarian programme's location or the event's area equals or
  lies inside the work area, or is a level-1/2 area that contains it (a country-wide programme or event
  does not make every district a crisis area). Programmes with H among their pillars count; the
  agreement's own funded programmes do not. The 12 months end on the as-of date (12 months ago exactly
  is outside).
- Sub-grants count like any agreement: their terms bind the partner just the same.
- The donor (which sets the terms) and the recipient (which can ask for a modifier) are responsible.
"""

from bisect import bisect_left
from collections import defaultdict

from analyses.models import ContextEvent
from coordination.choices import Severity
from coordination.engine.candidate import Candidate, SubjectRef
from coordination.engine.registry import rule
from coordination.engine.timeline import add_months
from coordination.rules._common import AGREEMENT, area_label
from funding.amounts import country_agreements
from funding.choices import Earmarking, Stream
from funding.models import FundingAgreement
from programmes.models import ProgrammeLocation

CODE = "inflexible-funding-in-crisis"
EVIDENCE_IDS = 20  # example programmes/events per area in the evidence (deterministic: in path order)
EARMARKING_WORDS = {
    Earmarking.EARMARKED: ("an earmarked", "en øremerket"),
    Earmarking.TIGHTLY_EARMARKED: ("a tightly earmarked", "en strengt øremerket"),
}


@rule(CODE, min_earmarking=Earmarking.EARMARKED, event_months=12)
def evaluate(facts, params):
    if facts.country is None:
        return
    funding = country_agreements(facts.cache, facts.country_code)
    rigid = [
        agreement
        for agreement in funding.here
        if agreement.stream == Stream.DEVELOPMENT
        and agreement.active_on(facts.as_of)
        and agreement.earmarking >= params.min_earmarking
        and not agreement.crisis_modifier
    ]
    if not rigid:
        return
    funded, work_areas = _funded_programmes_and_areas(facts, [agreement.id for agreement in rigid])
    crises = _CrisisIndex(facts, params.event_months)
    for agreement in sorted(rigid, key=lambda a: a.id):
        found = []
        for area in work_areas.get(agreement.id) or [facts.areas[facts.country]]:
            programmes, events = crises.in_area(area, exclude=funded.get(agreement.id, set()))
            if programmes or events:
                found.append((area, programmes, events))
        if found:
            yield _candidate(params, agreement, found, funded.get(agreement.id, set()))


def _funded_programmes_and_areas(facts, agreement_ids):
    """agreement → its funded programmes; agreement → the areas in this country where they are located."""
    through = FundingAgreement.funded_programmes.through.objects.filter(fundingagreement_id__in=agreement_ids)
    funded = defaultdict(set)
    for agreement_id, programme_id in through.order_by().values_list("fundingagreement_id", "programme_id"):
        funded[agreement_id].add(programme_id)
    located = ProgrammeLocation.objects.filter(
        programme_id__in=through.values("programme_id"), area__country_code=facts.country_code
    )
    areas_of = defaultdict(set)
    for programme_id, area_id in located.order_by().values_list("programme_id", "area_id"):
        areas_of[programme_id].add(area_id)
    work_areas = {
        agreement_id: sorted(
            {facts.areas[area_id] for programme_id in programmes for area_id in areas_of.get(programme_id, ())},
            key=lambda area: area.path,
        )
        for agreement_id, programmes in funded.items()
    }
    return funded, work_areas


class _CrisisIndex:
    """Active H programmes and recent events of the country, by area path, for containment look-ups."""

    def __init__(self, facts, event_months: int):
        self.programmes = defaultdict(list)
        # The whole country, also when a re-check covers only some of its regions.
        for programme in sorted(facts.country_programmes.values(), key=lambda p: p.id):
            if "H" in programme.pillars:
                for area in programme.locations:
                    self.programmes[area.path].append(programme.id)
        self.events = defaultdict(list)
        recent = ContextEvent.objects.filter(
            area__country_code=facts.country_code,
            date__gt=add_months(facts.as_of, -event_months),
            date__lte=facts.as_of,
        )
        for event_id, area_id in recent.order_by("pk").values_list("pk", "area_id"):
            self.events[facts.areas[area_id].path].append(event_id)
        self.programme_paths = sorted(self.programmes)
        self.event_paths = sorted(self.events)

    def in_area(self, area, *, exclude: set[int]) -> tuple[list[int], list[int]]:
        """Up to EVIDENCE_IDS programmes and events that are in or around `area` (see the module notes)."""
        return (
            _matching(self.programmes, self.programme_paths, area.path, exclude),
            _matching(self.events, self.event_paths, area.path, set()),
        )


def _matching(by_path: dict, sorted_paths: list[str], path: str, exclude: set[int]) -> list[int]:
    found = []
    for ancestor in _subnational_ancestors(path):
        found.extend(item for item in by_path.get(ancestor, ()) if item not in exclude)
    index = bisect_left(sorted_paths, path)
    while index < len(sorted_paths) and sorted_paths[index].startswith(path) and len(found) < EVIDENCE_IDS:
        found.extend(item for item in by_path[sorted_paths[index]] if item not in exclude)
        index += 1
    return sorted(set(found))[:EVIDENCE_IDS]


def _subnational_ancestors(path: str) -> list[str]:
    """The level-1+ areas strictly containing `path` ("/SS/SS01/SS0106/" → ["/SS/SS01/"])."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[:depth]) + "/" for depth in range(2, len(codes))]


def _candidate(params, agreement, found, funded_programmes) -> Candidate:
    most_specific = min(found, key=lambda item: (-item[0].level, item[0].path))[0]
    with_programmes = any(programmes for _, programmes, _ in found)
    with_events = any(events for _, _, events in found)
    places = ", ".join(area_label(area) for area, _, _ in found[:3]) + (
        f" (+{len(found) - 3})" if len(found) > 3 else ""
    )
    why_en = " and ".join(
        text
        for on, text in (
            (with_programmes, "humanitarian programmes are active"),
            (with_events, f"context events were recorded in the last {params.event_months} months"),
        )
        if on
    )
    why_nb = " og ".join(
        text
        for on, text in (
            (with_programmes, "humanitære program er aktive"),
            (with_events, f"konteksthendelser er registrert de siste {params.event_months} månedene"),
        )
        if on
    )
    earmarked_en, earmarked_nb = EARMARKING_WORDS.get(agreement.earmarking, ("an earmarked", "en øremerket"))
    return Candidate(
        rule=CODE,
        subject_key=f"agreement:{agreement.id}",
        severity=Severity.MEDIUM,
        subject=SubjectRef(AGREEMENT, agreement.id),
        area_id=most_specific.id,
        responsible_actor_ids=frozenset({agreement.donor_id, agreement.recipient_id}),
        message=(
            f"{agreement.reference}: {earmarked_en} development agreement from {agreement.donor_label} to "
            f"{agreement.recipient_label} with no crisis modifier funds work in {places}, where {why_en}."
        ),
        message_nb=(
            f"{agreement.reference}: {earmarked_nb} utviklingsavtale fra {agreement.donor_label} til "
            f"{agreement.recipient_label} uten krisemodifikator finansierer arbeid i {places}, der {why_nb}."
        ),
        evidence={
            "agreement": {
                "id": agreement.id,
                "reference": agreement.reference,
                "donor": agreement.donor_id,
                "recipient": agreement.recipient_id,
                "earmarking": agreement.earmarking,
                "start": agreement.start,
                "end": agreement.end,
                "funded_programmes": sorted(funded_programmes),
            },
            "areas": [
                {"area": area.pcode, "humanitarian_programmes": programmes, "events": events}
                for area, programmes, events in found
            ],
        },
    )
