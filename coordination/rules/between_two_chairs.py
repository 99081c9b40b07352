"""between-two-chairs: proposals nobody owns (gap d).

A request redirected at least twice, or declined as outside the mandate by two different donor units,
or still pending (no decision yet) more than 60 days after it was submitted.

Interpretations:
- The history is the FundingRequestEvent rows dated up to the as-of date: redirections are events with
  status "redirected"; refusals are events with outside_mandate set, counted per distinct unit. A request
  without events cannot reach two of either, so only its pending time can flag it.
- "Still pending" is the status pending with no decision date; a redirected request has a decision (the
  redirection) and is flagged by its count of redirections, not by its age.
- An approved request has found its owner and is never flagged; a declined one still is (nobody took it).
- Responsible: the donor units involved (submitted to, redirected to, and every unit in its history).
- The flag's country is that of the request's programme when it lies in exactly one country.
- The evidence holds the submission date, not the days pending, so a dismissed flag stays dismissed.
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Q

from actors.models import Actor
from coordination.choices import Severity
from coordination.engine.candidate import Candidate, SubjectRef
from coordination.engine.registry import GLOBAL, rule
from coordination.rules._common import REQUEST
from funding.choices import RequestStatus
from funding.models import FundingRequest, FundingRequestEvent
from programmes.models import ProgrammeLocation

CODE = "between-two-chairs"
REQUEST_COLUMNS = (
    "pk", "title", "applicant_id", "submitted_to_id", "redirected_to_id", "status", "submitted_on", "decision_date",
    "programme_id",
)  # fmt: skip


@rule(CODE, partition=GLOBAL, min_redirects=2, min_outside_mandate_units=2, max_pending_days=60)
def evaluate(facts, params):
    history = FundingRequestEvent.objects.filter(date__lte=facts.as_of).order_by().values("request_id")
    redirected_often = (
        history.filter(status=RequestStatus.REDIRECTED)
        .annotate(times=Count("pk"))
        .filter(times__gte=params.min_redirects)
        .values("request_id")
    )
    refused_by_several = (
        history.filter(outside_mandate=True)
        .annotate(units=Count("unit_id", distinct=True))
        .filter(units__gte=params.min_outside_mandate_units)
        .values("request_id")
    )
    overdue = Q(
        status=RequestStatus.PENDING,
        decision_date__isnull=True,
        submitted_on__lt=facts.as_of - timedelta(days=params.max_pending_days),
    )
    candidates = FundingRequest.objects.filter(
        Q(pk__in=redirected_often) | Q(pk__in=refused_by_several) | overdue, submitted_on__lte=facts.as_of
    ).exclude(status=RequestStatus.APPROVED)
    rows = list(candidates.order_by("pk").values_list(*REQUEST_COLUMNS))
    if not rows:
        return
    redirects, refusals = _history(facts.as_of, candidates.values("pk"))
    actors = _actor_labels(rows, redirects, refusals)
    countries = _programme_countries(candidates.filter(programme__isnull=False).values("programme_id"))
    for pk, title, applicant, submitted_to, redirected_to, status, submitted_on, decided, programme in rows:
        steps, units = redirects.get(pk, []), refusals.get(pk, set())
        pending_days = (facts.as_of - submitted_on).days if status == RequestStatus.PENDING and not decided else None
        reasons = []
        if len(steps) >= params.min_redirects:
            reasons.append("redirected")
        if len(units) >= params.min_outside_mandate_units:
            reasons.append("outside_mandate")
        if pending_days is not None and pending_days > params.max_pending_days:
            reasons.append("pending")
        involved = {submitted_to, redirected_to, *units}
        involved |= {unit for _, unit, _ in steps} | {target for _, _, target in steps}
        involved.discard(None)
        country = countries.get(programme, set())
        yield Candidate(
            rule=CODE,
            subject_key=f"request:{pk}",
            severity=Severity.MEDIUM,
            subject=SubjectRef(REQUEST, pk),
            country_code=next(iter(country)) if len(country) == 1 else None,
            responsible_actor_ids=frozenset(involved),
            message=f"“{title}” from {actors[applicant]} has no owner: "
            + "; ".join(_explain(reason, steps, units, pending_days, actors, norwegian=False) for reason in reasons)
            + ".",
            message_nb=f"«{title}» fra {actors[applicant]} har ingen eier: "
            + "; ".join(_explain(reason, steps, units, pending_days, actors, norwegian=True) for reason in reasons)
            + ".",
            evidence={
                "request": pk,
                "status": status,
                "submitted_on": submitted_on,
                "submitted_to": submitted_to,
                "reasons": sorted(reasons),
                "redirects": [{"date": on, "from": unit, "to": target} for on, unit, target in steps],
                "outside_mandate_units": sorted(units),
                # no "days pending": a figure that grows daily would reopen a dismissed flag every day
            },
        )


def _history(as_of, request_ids):
    """request → its redirections [(date, unit, to)] in order; request → units that declined it as outside mandate."""
    events = FundingRequestEvent.objects.filter(
        Q(status=RequestStatus.REDIRECTED) | Q(outside_mandate=True), request_id__in=request_ids, date__lte=as_of
    ).order_by("request_id", "date", "pk")
    redirects, refusals = defaultdict(list), defaultdict(set)
    for request_id, status, unit, target, outside_mandate, on in events.values_list(
        "request_id", "status", "unit_id", "redirected_to_id", "outside_mandate", "date"
    ):
        if status == RequestStatus.REDIRECTED:
            redirects[request_id].append((on, unit, target))
        if outside_mandate:
            refusals[request_id].add(unit)
    return redirects, refusals


def _actor_labels(rows, redirects, refusals) -> dict[int, str]:
    ids = {actor for row in rows for actor in row[2:5] if actor}
    for pk, *_ in rows:
        ids |= {actor for step in redirects.get(pk, []) for actor in step[1:] if actor} | refusals.get(pk, set())
    labels = Actor.objects.filter(pk__in=ids).order_by().values_list("pk", "name", "acronym")
    return {pk: acronym or name for pk, name, acronym in labels}


def _programme_countries(programme_ids) -> dict[int, set[str]]:
    countries = defaultdict(set)
    located = ProgrammeLocation.objects.filter(programme_id__in=programme_ids).order_by()
    for programme_id, code in located.values_list("programme_id", "area__country_code").distinct():
        countries[programme_id].add(code)
    return countries


def _explain(reason, steps, units, pending_days, actors, *, norwegian: bool) -> str:
    if reason == "redirected":
        chain = " → ".join([actors[steps[0][1]], *(actors.get(target, "?") for _, _, target in steps)])
        return f"videresendt {len(steps)} ganger ({chain})" if norwegian else f"redirected {len(steps)} times ({chain})"
    if reason == "outside_mandate":
        joined = _join(sorted(actors[unit] for unit in units), " og " if norwegian else " and ")
        if norwegian:
            return f"avslått som utenfor mandatet av {joined}"
        return f"declined as outside the mandate by {joined}"
    if norwegian:
        return f"har ventet {pending_days} dager uten avgjørelse"
    return f"pending for {pending_days} days without a decision"


def _join(names: list[str], last_separator: str) -> str:
    return last_separator.join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)
