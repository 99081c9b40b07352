"""Funding requests (about N/200) to the ministry, Norad or an embassy, with their decision history:
approved, declined (some as outside the mandate, by two units in turn), redirected once or twice,
or still pending (some for months)."""

import time
from datetime import timedelta
from decimal import Decimal

from coordination.synthetic.context import Synth, insert, weighted
from coordination.synthetic.themes import THEMES
from funding.choices import RequestStatus as R
from funding.models import FundingRequest, FundingRequestEvent

OUTCOMES = {"approved": 30, "declined": 22, "redirected": 13, "redirected_twice": 6, "outside_twice": 6,
            "redirected_approved": 5, "pending": 9, "pending_long": 9}  # fmt: skip
APPLICANT_GROUPS = ("national", "local", "ingo", "nngo")
REASONS = {
    R.APPROVED: "Fits the country strategy and the results framework.",
    R.DECLINED: "Not a priority within this year's budget.",
    R.REDIRECTED: "Belongs to another unit's portfolio.",
    "outside": "Outside our mandate: the proposal mixes humanitarian and long-term work.",
}


def build_requests(synth: Synth) -> None:
    started = time.perf_counter()
    drafts = [_request(synth) for _ in range(synth.scale.requests)]
    insert(FundingRequest, [request for request, _ in drafts])
    events = [FundingRequestEvent(request_id=request.pk, **step) for request, steps in drafts for step in steps]
    insert(FundingRequestEvent, events)
    synth.progress.done("requests", started, funding_requests=len(drafts), request_events=len(events))


def _request(synth: Synth) -> tuple[FundingRequest, list[dict]]:
    rng, as_of, pools = synth.rng, synth.as_of, synth.actors
    country = synth.pick_country()
    applicants = [info for info in pools.working_in[country.code] if info.group in APPLICANT_GROUPS]
    applicant = rng.choice(applicants)
    units = pools.donor_units(country.code)
    unit = rng.choice(units)
    outcome = weighted(rng, OUTCOMES)
    if outcome == "pending":
        submitted = as_of - timedelta(days=rng.randint(0, 59))
    elif outcome == "pending_long":
        submitted = as_of - timedelta(days=rng.randint(61, 400))
    else:
        submitted = as_of - timedelta(days=rng.randint(40, 600))
    day = submitted
    steps = [_step(R.PENDING, unit, day, reason="Submitted.")]

    def later():
        nonlocal day
        day = min(as_of, day + timedelta(days=rng.randint(7, 60)))
        return day

    def elsewhere(current):
        return rng.choice([other for other in units if other is not current])

    redirected_to, outside = None, False
    if outcome in ("approved", "declined"):
        status = R.APPROVED if outcome == "approved" else R.DECLINED
        outside = status == R.DECLINED and rng.random() < 0.2
        steps.append(_step(status, unit, later(), outside=outside))
    elif outcome in ("redirected", "redirected_twice", "redirected_approved"):
        current = unit
        for _hop in range(2 if outcome == "redirected_twice" else 1):
            redirected_to = elsewhere(current)
            steps.append(_step(R.REDIRECTED, current, later(), redirected_to=redirected_to))
            current = redirected_to
        if outcome == "redirected_approved":
            steps.append(_step(R.APPROVED, current, later()))
    elif outcome == "outside_twice":
        second = elsewhere(unit)
        steps.append(_step(R.DECLINED, unit, later(), outside=True))
        steps.append(_step(R.PENDING, second, later(), reason="Submitted again to another unit."))
        steps.append(_step(R.DECLINED, second, later(), outside=True))
        outside = True
    final = steps[-1]
    decided = final["status"] != R.PENDING
    rows = synth.programmes.by_lead.get(applicant.id, [])
    programme = rng.choice(rows) if rows and rng.random() < 0.4 else None
    theme = rng.choice(THEMES)
    request = FundingRequest(
        title=f"Proposal: {theme.phrase} in {country.region(rng).name}"[:300],
        applicant_id=applicant.id,
        programme_id=programme.id if programme else None,
        submitted_to_id=unit.id,
        submitted_on=submitted,
        amount=Decimal(rng.randint(5, 200) * 100_000),
        currency="NOK",
        status=final["status"],
        redirected_to_id=redirected_to.id if redirected_to else None,
        reason=final["reason"] if decided else "",
        outside_mandate=outside,
        decision_date=final["date"] if decided else None,
    )
    return request, steps


def _step(status, unit, day, *, redirected_to=None, outside=False, reason=None) -> dict:
    return {
        "status": status,
        "unit_id": unit.id,
        "redirected_to_id": redirected_to.id if redirected_to else None,
        "outside_mandate": outside,
        "reason": reason or REASONS["outside" if outside else status],
        "date": day,
    }
