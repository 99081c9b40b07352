"""Small helpers the rule modules share: subjects, messages, evidence of programmes."""

from coordination.engine.candidate import SubjectRef
from coordination.engine.facts import CLUSTER_FAMILY_PREFIX_DAC, AreaFact, ProgrammeFact

PROGRAMME = "programmes.programme"
AREA = "reference.area"
ACTOR = "actors.actor"
ANALYSIS = "analyses.analysis"
GOAL = "coordination.sharedgoal"
AGREEMENT = "funding.fundingagreement"
REQUEST = "funding.fundingrequest"


def programme_subject(programme: ProgrammeFact) -> SubjectRef:
    return SubjectRef(PROGRAMME, programme.id)


def area_subject(area: AreaFact) -> SubjectRef:
    return SubjectRef(AREA, area.id)


def programme_evidence(programme: ProgrammeFact) -> dict:
    return {
        "id": programme.id,
        "title": programme.title,
        "pillars": "".join(p for p in "HDP" if p in programme.pillars),
        "start": programme.start,
        "end": programme.end,
        "implementers": sorted(programme.implementers),
    }


def area_label(area: AreaFact) -> str:
    return f"{area.name} ({area.pcode})"


# -- shared goals (used by the global goal rules) ---------------------------------------------------


def goal_subject(goal_id: int) -> SubjectRef:
    return SubjectRef(GOAL, goal_id)


def goal_places(goal_ids) -> dict[int, tuple[str | None, int | None]]:
    """Where each goal's flag belongs, as (country code, area id), in one query.

    The country when all the goal's areas lie in one (so country staff see the flag); the area is
    the goal's area that contains all its others (its only area, most often), else None.
    `goal_ids` may be a subquery.
    """
    from coordination.models import SharedGoal

    rows = SharedGoal.areas.through.objects.filter(sharedgoal_id__in=goal_ids).order_by()
    areas: dict[int, list[tuple[str, int, str]]] = {}
    columns = ("sharedgoal_id", "area_id", "area__country_code", "area__path")
    for goal_id, area_id, country, path in rows.values_list(*columns):
        areas.setdefault(goal_id, []).append((path, area_id, country))
    places = {}
    for goal_id, entries in areas.items():
        entries.sort()
        countries = {country for _, _, country in entries}
        top_path, top_id, _ = entries[0]
        containing_all = all(path.startswith(top_path) for path, _, _ in entries)
        places[goal_id] = (
            countries.pop() if len(countries) == 1 else None,
            top_id if containing_all else None,
        )
    return places


def goal_leads(goal_ids) -> dict[int, set[int]]:
    """Actors with an accepted lead commitment, per goal, in one query. `goal_ids` may be a subquery."""
    from coordination.choices import CommitmentRole, CommitmentStatus
    from coordination.models import GoalCommitment

    rows = GoalCommitment.objects.filter(
        goal_id__in=goal_ids, role=CommitmentRole.LEAD, status=CommitmentStatus.ACCEPTED
    ).order_by()
    leads: dict[int, set[int]] = {}
    for goal_id, actor_id in rows.values_list("goal_id", "actor_id"):
        leads.setdefault(goal_id, set()).add(actor_id)
    return leads


def deepest_location(programme: ProgrammeFact) -> AreaFact | None:
    """The programme's most specific location (its locations are sorted by path)."""
    if not programme.locations:
        return None
    return max(programme.locations, key=lambda area: (area.level, area.path))


def actor_labels(facts) -> dict[int, str]:
    """Acronym (else name) of the country's programme actors and their parent organisations, loaded once."""
    labels = facts.cache.get("actor_labels")
    if labels is None:
        from actors.models import Actor

        ids = {actor for fact in facts.programmes.values() for actor in fact.actors}
        ids |= {parent for parent in facts.actor_parents.values() if parent is not None}
        rows = Actor.objects.filter(pk__in=ids).order_by().values_list("pk", "acronym", "name")
        labels = facts.cache["actor_labels"] = {pk: acronym or name for pk, acronym, name in rows}
    return labels


def actors_label(facts, actor_ids) -> str:
    labels = actor_labels(facts)
    return ", ".join(sorted(labels.get(actor, f"actor #{actor}") for actor in actor_ids))


def family_label(family: str) -> str:
    """A sector family as people read it: the cluster code ("WSH"), or "DAC 112" for a bare DAC category."""
    return family.replace(CLUSTER_FAMILY_PREFIX_DAC, "DAC ", 1)


def organisations_of(facts, programme: ProgrammeFact) -> frozenset[int]:
    """The organisations implementing a programme: its implementers, country offices counted with their parent."""
    return frozenset(facts.organisation_of(actor) for actor in programme.implementers)
