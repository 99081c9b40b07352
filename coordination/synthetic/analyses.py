"""Analyses (about N/100) of every kind and sensitivity, at country, region and district level,
of every age, some superseded by a newer version; and context events (about N/200)."""

import time
from datetime import timedelta

from analyses.choices import AnalysisKind, AnalysisStatus, EventType, Sensitivity
from analyses.models import Analysis, ContextEvent, default_review_due
from coordination.synthetic.context import Synth, add_months, insert, weighted

KINDS = {AnalysisKind.CONTEXT: 25, AnalysisKind.CONFLICT: 30, AnalysisKind.RISK: 15, AnalysisKind.NEEDS: 20,
         AnalysisKind.POLITICAL_ECONOMY: 10}  # fmt: skip
SENSITIVITIES = {Sensitivity.PUBLIC: 15, Sensitivity.PARTNERS: 30, Sensitivity.RESTRICTED: 35,
                 Sensitivity.STRICT: 12, Sensitivity.NAMED: 8}  # fmt: skip
STATUSES = {AnalysisStatus.PUBLISHED: 80, AnalysisStatus.DRAFT: 12, AnalysisStatus.ARCHIVED: 8}
SCOPE_LEVELS = {0: 35, 1: 40, 2: 25}
AUTHOR_GROUPS = ("un", "ingo", "nngo", "rc", "national", "other")
EVENT_TYPES = {EventType.VIOLENCE: 30, EventType.DISPLACEMENT: 25, EventType.DISASTER: 15, EventType.ELECTION: 10,
               EventType.GOVERNMENT_CHANGE: 5, EventType.OTHER: 15}  # fmt: skip
SUCCESSOR_SHARE = 0.15


def build_analyses(synth: Synth) -> None:
    started = time.perf_counter()
    rng, as_of = synth.rng, synth.as_of
    successors = int(synth.scale.analyses * SUCCESSOR_SHARE)
    first = [_analysis(synth) for _ in range(synth.scale.analyses - successors)]
    insert(Analysis, [analysis for analysis, _, _, _ in first])
    # Newer versions of older published analyses: same kind, scope and authors; the old one is superseded.
    old_enough = [
        d for d in first if d[0].status == AnalysisStatus.PUBLISHED and (as_of - d[0].conducted_on).days > 120
    ]
    second = []
    for previous, scope, authors, shared in rng.sample(old_enough, min(successors, len(old_enough))):
        conducted = previous.conducted_on + timedelta(days=rng.randint(90, (as_of - previous.conducted_on).days))
        successor = Analysis(
            title=f"{previous.title} (update)"[:300],
            kind=previous.kind,
            pillar_h=previous.pillar_h,
            pillar_d=previous.pillar_d,
            pillar_p=previous.pillar_p,
            conducted_on=conducted,
            review_due=default_review_due(previous.kind, conducted),
            method=previous.method,
            summary=previous.summary,
            status=weighted(rng, {AnalysisStatus.PUBLISHED: 85, AnalysisStatus.DRAFT: 15}),
            sensitivity=previous.sensitivity,
            supersedes_id=previous.pk,
        )
        second.append((successor, scope, authors, shared))
    second += [_analysis(synth) for _ in range(successors - len(second))]  # too few old ones to update
    insert(Analysis, [analysis for analysis, _, _, _ in second])
    relations = _relations(first + second)
    synth.progress.done("analyses", started, analyses=len(first) + len(second), **relations)
    _events(synth)


def _analysis(synth: Synth):
    rng, as_of, pools = synth.rng, synth.as_of, synth.actors
    country = synth.pick_country()
    level = weighted(rng, SCOPE_LEVELS)
    if level == 0:
        scope = [country.id]
    elif level == 1:
        scope = list(dict.fromkeys(country.region(rng).id for _ in range(1 if rng.random() < 0.8 else 2)))
    else:
        scope = list(dict.fromkeys(country.district(rng) for _ in range(1 if rng.random() < 0.8 else 2)))
    candidates = [info for info in pools.working_in[country.code] if info.group in AUTHOR_GROUPS]
    authors = rng.sample(candidates, min(len(candidates), 1 if rng.random() < 0.75 else 2))
    if rng.random() < 0.1:
        authors.append(pools.embassy[country.code])
    kind = weighted(rng, KINDS)
    sensitivity = weighted(rng, SENSITIVITIES)
    conducted = as_of - timedelta(days=int(1460 * rng.random() ** 1.5))
    review_due = default_review_due(kind, conducted)
    if rng.random() < 0.1:  # some authors set their own review date
        review_due = add_months(conducted, rng.randint(3, 24))
    mandates = "".join(info.mandates for info in authors)
    shared = []
    if sensitivity == Sensitivity.RESTRICTED and rng.random() < 0.6:
        others = [info for info in candidates if info not in authors]
        shared = rng.sample(others, min(len(others), rng.randint(1, 3)))
    place = synth.area_names[scope[0]]
    analysis = Analysis(
        title=f"{AnalysisKind(kind).label} of {place}, {conducted.year}"[:300],
        kind=kind,
        pillar_h="H" in mandates,
        pillar_d="D" in mandates,
        pillar_p="P" in mandates,
        conducted_on=conducted,
        review_due=review_due,
        method="Key informant interviews, focus group discussions and a review of secondary data.",
        summary=f"Drivers of need and conflict in {place}, the actors involved and what it means for programming.",
        status=weighted(rng, STATUSES),
        sensitivity=sensitivity,
    )
    return analysis, scope, authors, shared


def _relations(drafts) -> dict[str, int]:
    scope_through = Analysis.scope_areas.through
    author_through = Analysis.author_actors.through
    shared_through = Analysis.shared_with_actors.through
    scopes = [scope_through(analysis_id=a.pk, area_id=area) for a, scope, _, _ in drafts for area in scope]
    authors = [author_through(analysis_id=a.pk, actor_id=i.id) for a, _, infos, _ in drafts for i in infos]
    shared = [shared_through(analysis_id=a.pk, actor_id=i.id) for a, _, _, infos in drafts for i in infos]
    insert(scope_through, scopes)
    insert(author_through, authors)
    insert(shared_through, shared)
    return {"scope_areas": len(scopes), "authors": len(authors), "shared_with": len(shared)}


def _events(synth: Synth) -> None:
    started = time.perf_counter()
    rng, pools = synth.rng, synth.actors
    events = []
    for _ in range(synth.scale.events):
        country = synth.pick_country()
        area = country.region(rng).id if rng.random() < 0.5 else country.district(rng)
        event_type = weighted(rng, EVENT_TYPES)
        recorders = [info for info in pools.working_in[country.code] if info.group in ("un", "ingo")]
        recorder = pools.ocha if rng.random() < 0.4 or not recorders else rng.choice(recorders)
        events.append(
            ContextEvent(
                area_id=area,
                date=synth.as_of - timedelta(days=rng.randint(0, 1095)),
                event_type=event_type,
                description=f"{EventType(event_type).label} reported in {synth.area_names[area]}.",
                recorded_by_id=recorder.id,
            )
        )
    insert(ContextEvent, events)
    synth.progress.done("events", started, context_events=len(events))
