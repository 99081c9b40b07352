"""Background shared goals (collective outcomes) of every status, and the contributions to them.

Every background programme located in an active goal's area contributes to it: the goal regions are the
coordinated part of the demo, where programmes of different pillars are linked through a common goal.
"""

from analyses.models import add_months
from coordination.choices import CommitmentRole as Role
from coordination.choices import CommitmentStatus as Status
from coordination.choices import GoalStatus
from coordination.models import SharedGoal
from nexus_portal.demo import build as b
from nexus_portal.demo.context import DemoContext
from programmes.choices import ActivityStatus
from programmes.models import ProgrammeLocation


def build_background_goals(ctx: DemoContext) -> None:
    start = ctx.day(-300)  # horizon started 10 months ago and nothing measured yet: not stale (near-miss)
    equatoria = b.goal(
        ctx,
        title="Collective outcome: Western Equatoria resilient livelihoods",
        convener="nca",
        areas=["SS10"],
        pillars="HDP",
        horizon=(start, add_months(start, 42)),
        indicator="Households with at least two sources of income",
        unit="%",
        baseline=(32, start),
        target=(55, add_months(start, 42)),
    )
    b.commitments(
        ctx,
        equatoria,
        ("nca", Role.LEAD),
        ("fao", Role.CONTRIBUTOR),
        ("ela", Role.CONTRIBUTOR),
        ("jwpn", Role.ENDORSER),
        ("mercy", Role.CONTRIBUTOR, Status.INVITED),
        ("drc", Role.CONTRIBUTOR, Status.DECLINED),
    )
    start = ctx.day(-700)
    gao = b.goal(
        ctx,
        title="Collective outcome: basic services restored in Gao region",
        convener="undp",
        areas=["ML07"],
        pillars="HD",
        horizon=(start, add_months(start, 48)),
        indicator="People within 5 km of a functioning health centre and school",
        unit="people",
        baseline=(180_000, start),
        target=(420_000, add_months(start, 48)),
    )
    b.commitments(
        ctx,
        gao,
        ("undp", Role.LEAD),
        ("unicef", Role.CONTRIBUTOR),
        ("amdr", Role.CONTRIBUTOR),
        ("ml_dnh", Role.ENDORSER),
    )
    b.progress(gao, [(ctx.day(-600), 195_000), (ctx.day(-300), 240_000), (ctx.day(-60), 286_000)], "UNDP monitoring")
    start = ctx.day(-450)
    bay = b.goal(
        ctx,
        title="Collective outcome: durable solutions for displaced families in Bay",
        convener="nrc",
        areas=["SO24"],
        pillars="HDP",
        horizon=(start, add_months(start, 54)),
        indicator="Displaced households with secure tenure and a livelihood",
        unit="households",
        baseline=(2_500, start),
        target=(12_000, add_months(start, 54)),
    )
    b.commitments(
        ctx,
        bay,
        ("nrc", Role.LEAD),
        ("unhcr", Role.CONTRIBUTOR),
        ("baidoa_admin", Role.CONTRIBUTOR),
        ("swdn", Role.CONTRIBUTOR),
        ("brwa", Role.ENDORSER),
    )
    b.progress(bay, [(ctx.day(-380), 2_900), (ctx.day(-150), 4_100)], "Durable solutions working group")
    build_urban_goals(ctx)
    build_other_statuses(ctx)


def build_urban_goals(ctx: DemoContext) -> None:
    """Bamako and Woqooyi Galbeed (Hargeysa, Berbera), the latter convened by a local organisation."""
    start = ctx.day(-400)
    bamako = b.goal(
        ctx,
        title="Collective outcome: displaced families in Bamako self-reliant",
        convener="care_no",
        areas=["ML09"],
        pillars="HD",
        horizon=(start, add_months(start, 48)),
        indicator="Displaced households with a regular income",
        unit="%",
        baseline=(18, start),
        target=(50, add_months(start, 48)),
    )
    b.commitments(
        ctx,
        bamako,
        ("care_no", Role.LEAD),
        ("amdr", Role.CONTRIBUTOR),
        ("unicef", Role.CONTRIBUTOR),
        ("sahel_pay", Role.ENDORSER),
    )
    b.progress(bamako, [(ctx.day(-330), 19), (ctx.day(-100), 27)], "Urban profiling by the city's partners")
    start = ctx.day(-600)
    water = b.goal(
        ctx,
        title="Collective outcome: water security in Woqooyi Galbeed",
        convener="brwa",
        areas=["SO12"],
        pillars="HD",
        horizon=(start, add_months(start, 48)),
        indicator="People with year-round access to 15 litres of safe water a day",
        unit="people",
        baseline=(210_000, start),
        target=(400_000, add_months(start, 48)),
    )
    b.commitments(
        ctx,
        water,
        ("brwa", Role.LEAD),
        ("unicef", Role.CONTRIBUTOR),
        ("nca", Role.CONTRIBUTOR),
        ("so_mohadm", Role.ENDORSER),
    )
    b.progress(water, [(ctx.day(-500), 220_000), (ctx.day(-200), 265_000)], "Regional water bureau")


def build_other_statuses(ctx: DemoContext) -> None:
    """A draft, an achieved and a dropped goal: history and plans, which no rule looks at."""
    draft = b.goal(
        ctx,
        title="Mali: national school feeding outcome (draft)",
        convener="unicef",
        areas=["ML"],
        pillars="HD",
        status=GoalStatus.DRAFT,
        horizon=(ctx.day(60), add_months(ctx.day(60), 48)),
        indicator="Pupils receiving a daily school meal",
        unit="pupils",
    )
    b.commitments(ctx, draft, ("unicef", Role.LEAD), ("wfp", Role.CONTRIBUTOR, Status.INVITED))
    start = ctx.day(-1500)
    achieved = b.goal(
        ctx,
        title="Juba: cholera outbreak contained",
        convener="unicef",
        areas=["SS0101"],
        pillars="HD",
        status=GoalStatus.ACHIEVED,
        horizon=(start, add_months(start, 36)),
        indicator="Weekly cholera cases",
        unit="cases",
        baseline=(420, start),
        target=(0, add_months(start, 36)),
    )
    b.commitments(ctx, achieved, ("unicef", Role.LEAD), ("ssrc", Role.CONTRIBUTOR), ("ss_moh", Role.CONTRIBUTOR))
    b.progress(achieved, [(ctx.day(-1300), 120), (ctx.day(-700), 0)], "Ministry of Health surveillance")
    start = ctx.day(-800)
    dropped = b.goal(
        ctx,
        title="Somaliland drought recovery compact",
        convener="care_no",
        areas=["SO12"],
        pillars="HD",
        status=GoalStatus.DROPPED,
        horizon=(start, add_months(start, 36)),
        indicator="Pastoralist households restocked",
        unit="households",
    )
    b.commitments(ctx, dropped, ("care_no", Role.LEAD), ("fao", Role.CONTRIBUTOR, Status.DECLINED))


def attach_contributions(ctx: DemoContext) -> None:
    """Background programmes contribute to the active goals whose areas contain one of their locations;
    to an achieved goal only closed programmes do."""
    locations = list(
        ProgrammeLocation.objects.filter(programme__in=ctx.background)
        .order_by("programme_id", "area__path")
        .values_list("programme_id", "area__path")
    )
    programmes = {programme.pk: programme for programme in ctx.background}
    goals = SharedGoal.objects.filter(status__in=[GoalStatus.ACTIVE, GoalStatus.ACHIEVED]).prefetch_related("areas")
    for goal in goals.order_by("pk"):
        goal_paths = [area.path for area in goal.areas.all()]
        members = {pk for pk, path in locations if any(path.startswith(prefix) for prefix in goal_paths)}
        chosen = [programmes[pk] for pk in sorted(members)]
        if goal.status == GoalStatus.ACHIEVED:
            chosen = [p for p in chosen if p.status == ActivityStatus.CLOSED]
        else:
            chosen = [p for p in chosen if p.status != ActivityStatus.CANCELLED]
        b.contribute(goal, chosen)
