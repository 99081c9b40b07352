"""Small builders for test data. Keyword-only, sensible defaults, each returns a saved object.

A tiny area tree is enough for most tests: SS ⊃ SS01 ⊃ SS0101, SS0102; SS02; and KE.
"""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from actors.choices import ActorKind, Localness, MembershipRole
from actors.models import Actor, Membership, User
from analyses.choices import AnalysisKind, AnalysisStatus, Sensitivity
from analyses.models import Analysis, ContextEvent, default_review_due
from coordination.choices import GoalStatus
from coordination.models import Contribution, GoalCommitment, GoalProgress, SharedGoal
from funding.choices import Stream
from funding.models import FundingAgreement, FundingRequest, Tranche
from programmes.choices import ActivityStatus, LinkType, OrganisationRole
from programmes.models import Programme, ProgrammeLink, ProgrammeParticipant, ProgrammeSector
from reference.choices import AreaLevel, SectorVocabulary
from reference.models import Area, Sector

_sequence = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_sequence)}"


def area(pcode: str, *, name: str | None = None, parent: Area | None = None) -> Area:
    """Get or create an area; its level and path follow from the parent."""
    existing = Area.objects.filter(pcode=pcode).first()
    if existing:
        return existing
    level = AreaLevel.COUNTRY if parent is None else parent.level + 1
    path = f"{parent.path if parent else '/'}{pcode}/"
    country = pcode[:2] if parent is None else parent.country_code
    return Area.objects.create(
        pcode=pcode, name=name or pcode, level=level, parent=parent, path=path, country_code=country
    )


def area_tree() -> dict[str, Area]:
    ss = area("SS", name="South Sudan")
    ss01 = area("SS01", name="Central Equatoria", parent=ss)
    ss02 = area("SS02", name="Eastern Equatoria", parent=ss)
    return {
        "SS": ss,
        "SS01": ss01,
        "SS02": ss02,
        "SS0101": area("SS0101", name="Juba", parent=ss01),
        "SS0102": area("SS0102", name="Kajo-Keji", parent=ss01),
        "KE": area("KE", name="Kenya"),
    }


def sector(
    code: str = "11220", *, vocabulary: int = SectorVocabulary.DAC5, family: str | None = None, name: str | None = None
) -> Sector:
    category = code[:3] if vocabulary in (SectorVocabulary.DAC5, SectorVocabulary.DAC3) else ""
    obj, _ = Sector.objects.get_or_create(
        vocabulary=vocabulary,
        code=code,
        defaults={"name": name or code, "category": category, "family": family or f"DAC3:{category or code}"},
    )
    return obj


def user(username: str | None = None, *, reviewer: bool = False, superuser: bool = False, **extra) -> User:
    username = username or unique("user")
    return User.objects.create_user(
        username=username,
        password="a-long-test-password-1",
        is_reviewer=reviewer,
        is_superuser=superuser,
        is_staff=superuser,
        **extra,
    )


def actor(
    name: str | None = None,
    *,
    kind: str = ActorKind.INTERNATIONAL_NGO,
    localness: str = Localness.INTERNATIONAL,
    **extra,
) -> Actor:
    return Actor.objects.create(name=name or unique("Actor"), kind=kind, localness=localness, **extra)


def member(user_obj: User, actor_obj: Actor, role: str = MembershipRole.EDITOR) -> Membership:
    return Membership.objects.create(user=user_obj, actor=actor_obj, role=role)


def programme(
    *,
    reporting_actor: Actor | None = None,
    locations=(),
    pillars: str = "D",
    status: int = ActivityStatus.IMPLEMENTATION,
    start: date | None = None,
    end: date | None = None,
    sectors=(),
    implementers=(),
    **extra,
) -> Programme:
    """A programme; `pillars` is any of "HDP"; `sectors` a list of Sector (100 % split evenly)."""
    reporting_actor = reporting_actor or actor()
    start = start or date.today() - timedelta(days=400)
    obj = Programme.objects.create(
        title=extra.pop("title", unique("Programme")),
        reporting_actor=reporting_actor,
        status=status,
        planned_start=start,
        planned_end=end,
        pillars_explicit=extra.pop("pillars_explicit", True),
        pillar_h="H" in pillars,
        pillar_d="D" in pillars,
        pillar_p="P" in pillars,
        **extra,
    )
    obj.locations.set(locations)
    for sec in sectors:
        ProgrammeSector.objects.create(programme=obj, sector=sec, percentage=Decimal(100) / len(sectors))
    for implementer in implementers or [reporting_actor]:
        ProgrammeParticipant.objects.create(programme=obj, actor=implementer, role=OrganisationRole.IMPLEMENTING)
    return obj


def link(a: Programme, b: Programme, link_type: str = LinkType.COMPLEMENTARY, **extra) -> ProgrammeLink:
    return ProgrammeLink.objects.create(from_programme=a, to_programme=b, link_type=link_type, **extra)


def goal(*, convening_actor: Actor | None = None, areas=(), status: str = GoalStatus.ACTIVE, **extra) -> SharedGoal:
    today = date.today()
    defaults = {
        "title": unique("Goal"),
        "indicator": "Households with safe water",
        "unit": "households",
        "baseline_value": Decimal("100"),
        "baseline_date": today - timedelta(days=200),
        "target_value": Decimal("1000"),
        "target_date": today + timedelta(days=900),
        "horizon_start": today - timedelta(days=200),
        "horizon_end": today + timedelta(days=1200),
        "pillar_h": True,
        "pillar_d": True,
    }
    defaults.update(extra)
    obj = SharedGoal.objects.create(convening_actor=convening_actor or actor(), status=status, **defaults)
    obj.areas.set(areas)
    return obj


def commitment(goal_obj: SharedGoal, actor_obj: Actor, **extra) -> GoalCommitment:
    return GoalCommitment.objects.create(goal=goal_obj, actor=actor_obj, **extra)


def contribution(programme_obj: Programme, goal_obj: SharedGoal) -> Contribution:
    return Contribution.objects.create(programme=programme_obj, goal=goal_obj)


def progress(goal_obj: SharedGoal, *, on: date | None = None, value: Decimal = Decimal("150")) -> GoalProgress:
    return GoalProgress.objects.create(goal=goal_obj, date=on or date.today(), value=value)


def analysis(
    *,
    authors=(),
    scope=(),
    kind: str = AnalysisKind.CONFLICT,
    sensitivity: str = Sensitivity.RESTRICTED,
    conducted_on: date | None = None,
    status: str = AnalysisStatus.PUBLISHED,
    shared_with_actors=(),
    shared_with_users=(),
    **extra,
) -> Analysis:
    conducted_on = conducted_on or date.today() - timedelta(days=30)
    obj = Analysis.objects.create(
        title=extra.pop("title", unique("Analysis")),
        kind=kind,
        sensitivity=sensitivity,
        status=status,
        conducted_on=conducted_on,
        review_due=extra.pop("review_due", default_review_due(kind, conducted_on)),
        summary=extra.pop("summary", "Confidential summary"),
        **extra,
    )
    obj.author_actors.set(authors)
    obj.scope_areas.set(scope)
    obj.shared_with_actors.set(shared_with_actors)
    obj.shared_with_users.set(shared_with_users)
    return obj


def event(area_obj: Area, *, on: date | None = None, event_type: str = "violence", **extra) -> ContextEvent:
    return ContextEvent.objects.create(area=area_obj, date=on or date.today(), event_type=event_type, **extra)


def agreement(
    *,
    donor: Actor,
    recipient: Actor,
    stream: str = Stream.HUMANITARIAN,
    amount: Decimal = Decimal("1000000"),
    start: date | None = None,
    end: date | None = None,
    **extra,
) -> FundingAgreement:
    start = start or date.today() - timedelta(days=100)
    return FundingAgreement.objects.create(
        reference=extra.pop("reference", unique("AGR")),
        donor=donor,
        recipient=recipient,
        stream=stream,
        amount=amount,
        start_date=start,
        end_date=end or start + timedelta(days=729),
        **extra,
    )


def tranche(agreement_obj: FundingAgreement, year: int, amount: Decimal, **extra) -> Tranche:
    return Tranche.objects.create(agreement=agreement_obj, year=year, amount=amount, **extra)


def funding_request(*, applicant: Actor, submitted_to: Actor, **extra) -> FundingRequest:
    return FundingRequest.objects.create(
        title=extra.pop("title", unique("Request")),
        applicant=applicant,
        submitted_to=submitted_to,
        submitted_on=extra.pop("submitted_on", date.today() - timedelta(days=10)),
        **extra,
    )
