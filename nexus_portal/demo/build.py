"""Small builders for demo records. Each validates with full_clean() before it saves, so demo data is valid.

Arguments name actors by their demo key (actors.py) and areas by p-code; dates come from the caller,
always relative to the as-of date.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from analyses.choices import AnalysisStatus, Sensitivity
from analyses.models import Analysis, ContextEvent, default_review_due
from coordination.choices import CommitmentStatus, GoalStatus
from coordination.models import Contribution, GoalCommitment, GoalProgress, SharedGoal
from funding.choices import Earmarking, Modality, RequestStatus, TrancheKind
from funding.models import FundingAgreement, FundingRequest, FundingRequestEvent, Tranche
from nexus_portal.demo.context import DemoContext
from programmes.choices import ActivityStatus, LinkStatus, OrganisationRole
from programmes.models import Programme, ProgrammeLink, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from programmes.pillars import derive_pillars

STARTED = (ActivityStatus.IMPLEMENTATION, ActivityStatus.FINALISATION, ActivityStatus.CLOSED, ActivityStatus.SUSPENDED)


def _pillar_fields(pillars: str) -> dict[str, bool]:
    return {"pillar_h": "H" in pillars, "pillar_d": "D" in pillars, "pillar_p": "P" in pillars}


def _sector_rows(ctx: DemoContext, programme: Programme, sectors: Mapping[str, float]) -> list[ProgrammeSector]:
    rows, totals = [], defaultdict(Decimal)
    for code, percentage in sectors.items():
        sector = ctx.sector(code)
        share = Decimal(str(percentage))
        totals[sector.vocabulary] += share
        rows.append(ProgrammeSector(programme=programme, sector=sector, percentage=share))
    wrong = {vocabulary: total for vocabulary, total in totals.items() if total != 100}
    if wrong:
        raise ValueError(f"{programme.title}: sector percentages must sum to 100 per vocabulary, got {wrong}")
    return rows


def programme(
    ctx: DemoContext,
    *,
    title: str,
    reporter: str,
    locations: Sequence[str],
    sectors: Mapping[str, float],
    start: date,
    end: date | None,
    pillars: str = "",
    status: int = ActivityStatus.IMPLEMENTATION,
    implementers: Sequence[str] = (),
    funders: Sequence[str] = (),
    extending: Sequence[str] = (),
    budget: int | None = None,
    currency: str = "NOK",
    humanitarian: bool | None = None,
    planned_start: date | None = None,
    edited_days_ago: int | None = None,
    handover_actor: str | None = None,
    **extra,
) -> Programme:
    """A programme with participants, sectors and locations.

    `pillars` ("H", "DP", ...) makes the choice explicit; leave it empty to derive the pillars from the
    humanitarian flag and the DAC codes, as the portal does. The dates the rules use (start_date,
    end_date) are `start` and `end`: started programmes get them as actual dates.
    """
    dac_codes = [code for code in sectors if code.isdigit()]
    if humanitarian is None:
        humanitarian = "H" in pillars
    chosen = pillars or "".join(sorted(derive_pillars(humanitarian=humanitarian, dac_codes=dac_codes), key="HDP".index))
    started = status in STARTED
    obj = Programme(
        title=title,
        reporting_actor=ctx.actor(reporter),
        status=status,
        planned_start=planned_start or start,
        planned_end=end,
        actual_start=start if started else None,
        actual_end=end if status == ActivityStatus.CLOSED else None,
        total_budget=Decimal(budget) if budget is not None else None,
        currency=currency if budget is not None else "",
        humanitarian=humanitarian,
        pillars_explicit=bool(pillars),
        handover_actor=ctx.actor(handover_actor) if handover_actor else None,
        **_pillar_fields(chosen),
        **extra,
    )
    obj.full_clean()
    obj.save()
    roles = [(key, OrganisationRole.FUNDING) for key in funders]
    roles += [(reporter, OrganisationRole.ACCOUNTABLE)]
    roles += [(key, OrganisationRole.EXTENDING) for key in extending]
    roles += [(key, OrganisationRole.IMPLEMENTING) for key in implementers or [reporter]]
    ProgrammeParticipant.objects.bulk_create(
        ProgrammeParticipant(programme=obj, actor=ctx.actor(key), role=role) for key, role in dict.fromkeys(roles)
    )
    ProgrammeSector.objects.bulk_create(_sector_rows(ctx, obj, sectors))
    ProgrammeLocation.objects.bulk_create(ProgrammeLocation(programme=obj, area=ctx.area(p)) for p in locations)
    ctx.last_edited[obj.pk] = edited_days_ago if edited_days_ago is not None else ctx.rng.randint(2, 150)
    return obj


def link(a: Programme, b: Programme, link_type: str, note: str = "", status: str = LinkStatus.CONFIRMED, **extra):
    obj = ProgrammeLink(from_programme=a, to_programme=b, link_type=link_type, note=note, status=status, **extra)
    obj.full_clean()
    obj.save()
    return obj


def goal(
    ctx: DemoContext,
    *,
    title: str,
    convener: str,
    areas: Sequence[str],
    pillars: str,
    horizon: tuple[date, date],
    indicator: str = "",
    unit: str = "",
    baseline: tuple[float, date] | None = None,
    target: tuple[float, date] | None = None,
    status: str = GoalStatus.ACTIVE,
    description: str = "",
) -> SharedGoal:
    obj = SharedGoal(
        title=title,
        description=description,
        convening_actor=ctx.actor(convener),
        status=status,
        indicator=indicator,
        unit=unit,
        baseline_value=Decimal(str(baseline[0])) if baseline else None,
        baseline_date=baseline[1] if baseline else None,
        target_value=Decimal(str(target[0])) if target else None,
        target_date=target[1] if target else None,
        horizon_start=horizon[0],
        horizon_end=horizon[1],
        **_pillar_fields(pillars),
    )
    obj.full_clean()
    obj.save()
    obj.areas.set([ctx.area(pcode) for pcode in areas])
    return obj


def commitments(ctx: DemoContext, goal_obj: SharedGoal, *entries: tuple) -> None:
    """Entries are (actor key, role) or (actor key, role, status); dated at the horizon start."""
    for entry in entries:
        key, role, status = (*entry, CommitmentStatus.ACCEPTED)[:3]
        obj = GoalCommitment(
            goal=goal_obj,
            actor=ctx.actor(key),
            role=role,
            status=status,
            committed_on=min(goal_obj.horizon_start, ctx.as_of),
            commitment_text=f"{ctx.actor(key).acronym or ctx.actor(key).name} commits as {role} to: {goal_obj.title}",
        )
        obj.full_clean()
        obj.save()


def contribute(goal_obj: SharedGoal, programmes: Iterable[Programme], how: str = "") -> None:
    rows = [
        Contribution(programme=p, goal=goal_obj, description=how or f"{p.title} reports against the goal indicator.")
        for p in programmes
    ]
    Contribution.objects.bulk_create(rows)


def progress(goal_obj: SharedGoal, reports: Iterable[tuple[date, float]], source: str, user=None) -> None:
    for day, value in reports:
        obj = GoalProgress(goal=goal_obj, date=day, value=Decimal(str(value)), source=source, reported_by=user)
        obj.full_clean()
        obj.save()


def analysis(
    ctx: DemoContext,
    *,
    title: str,
    kind: str,
    scope: Sequence[str],
    authors: Sequence[str],
    conducted_on: date,
    sensitivity: str = Sensitivity.RESTRICTED,
    status: str = AnalysisStatus.PUBLISHED,
    pillars: str = "",
    supersedes: Analysis | None = None,
    shared_with: Sequence[str] = (),
    shared_with_users: Sequence[str] = (),
    review_due: date | None = None,
    **text,
) -> Analysis:
    obj = Analysis(
        title=title,
        kind=kind,
        conducted_on=conducted_on,
        review_due=review_due or default_review_due(kind, conducted_on),
        status=status,
        sensitivity=sensitivity,
        supersedes=supersedes,
        created_by=ctx.users.get("admin"),
        **_pillar_fields(pillars),
        **text,
    )
    obj.full_clean()
    obj.save()
    obj.scope_areas.set([ctx.area(pcode) for pcode in scope])
    obj.author_actors.set([ctx.actor(key) for key in authors])
    obj.shared_with_actors.set([ctx.actor(key) for key in shared_with])
    obj.shared_with_users.set([ctx.users[key] for key in shared_with_users])
    return obj


def event(ctx: DemoContext, pcode: str, on: date, event_type: str, description: str, recorded_by: str):
    obj = ContextEvent(
        area=ctx.area(pcode),
        date=on,
        event_type=event_type,
        description=description,
        recorded_by=ctx.actor(recorded_by),
    )
    obj.full_clean()
    obj.save()
    return obj


def agreement(
    ctx: DemoContext,
    *,
    reference: str,
    donor: str,
    recipient: str,
    stream: str,
    yearly: Mapping[int, int],
    countries: Sequence[str],
    modality: str = Modality.PROJECT,
    tranches: bool = True,
    earmarking: int = Earmarking.EARMARKED,
    crisis_modifier_share: int | None = None,
    parent: FundingAgreement | None = None,
    funded: Iterable[Programme] = (),
    **extra,
) -> FundingAgreement:
    """An agreement over whole calendar years, `yearly` = {year: amount in NOK}.

    With `tranches` each year gets one tranche (disbursed before the as-of year, planned from it on);
    without, the amount is spread evenly over whole years, so a year's share is exact either way.
    """
    years = sorted(yearly)
    obj = FundingAgreement(
        reference=reference,
        donor=ctx.actor(donor),
        recipient=ctx.actor(recipient),
        parent=parent,
        stream=stream,
        modality=modality,
        start_date=date(years[0], 1, 1),
        end_date=date(years[-1], 12, 31),
        amount=Decimal(sum(yearly.values())),
        currency="NOK",
        earmarking=earmarking,
        crisis_modifier=crisis_modifier_share is not None,
        crisis_modifier_share=Decimal(crisis_modifier_share) if crisis_modifier_share is not None else None,
        **extra,
    )
    obj.full_clean()
    obj.save()
    if tranches:
        rows = [
            Tranche(
                agreement=obj,
                year=year,
                amount=Decimal(amount),
                kind=TrancheKind.DISBURSED if year < ctx.year else TrancheKind.PLANNED,
            )
            for year, amount in yearly.items()
        ]
        Tranche.objects.bulk_create(rows)
    obj.countries.set([ctx.area(pcode) for pcode in countries])
    obj.funded_programmes.set(list(funded))
    return obj


@dataclass(frozen=True)
class Step:
    """One step in a funding request's history: submitted (pending), redirected, declined or approved."""

    status: str
    unit: str
    on: date
    reason: str = ""
    redirected_to: str | None = None
    outside_mandate: bool = False
    user: str | None = None


def funding_request(
    ctx: DemoContext,
    *,
    title: str,
    applicant: str,
    amount: int,
    steps: Sequence[Step],
    programme_obj: Programme | None = None,
) -> FundingRequest:
    """A request whose row shows its latest state and whose events keep every step.

    `submitted_to` is the unit of the first step; the last decision sets status, reason and date.
    """
    first, decisions = steps[0], [step for step in steps if step.status != RequestStatus.PENDING]
    last = decisions[-1] if decisions else None
    redirects = [step.redirected_to for step in steps if step.redirected_to]
    obj = FundingRequest(
        title=title,
        applicant=ctx.actor(applicant),
        programme=programme_obj,
        submitted_to=ctx.actor(first.unit),
        submitted_on=first.on,
        amount=Decimal(amount),
        currency="NOK",
        status=last.status if last else RequestStatus.PENDING,
        redirected_to=ctx.actor(redirects[-1]) if redirects else None,
        reason=last.reason if last else "",
        outside_mandate=bool(last and last.outside_mandate),
        decision_date=last.on if last else None,
    )
    obj.full_clean()
    obj.save()
    FundingRequestEvent.objects.bulk_create(
        FundingRequestEvent(
            request=obj,
            status=step.status,
            unit=ctx.actor(step.unit),
            redirected_to=ctx.actor(step.redirected_to) if step.redirected_to else None,
            outside_mandate=step.outside_mandate,
            reason=step.reason,
            date=step.on,
            user=ctx.users.get(step.user) if step.user else None,
        )
        for step in steps
    )
    return obj
