"""Rule cases about shared goals (collective outcomes): unlinked programmes, weak goals, unmeasured goals.

Background programmes located in a goal's region contribute to it (goals.py); the programmes here are
built by the cases, so only the ones listed contribute.
"""

from analyses.models import add_months
from coordination.choices import CommitmentRole as Role
from coordination.choices import CommitmentStatus
from nexus_portal.demo import build as b
from nexus_portal.demo.context import DemoContext

FOUR_YEARS = 48  # months: inside the 3–5 year horizon of a real collective outcome


def unlinked_programme(ctx: DemoContext) -> None:
    """Warrap's food-security goal is active and covers Tonj East, where FAO's animal health programme has
    run 20 months without contributing to any goal. Near-miss: SSRC's school gardens in Gogrial West do
    not contribute either but have run only 8 months."""
    start = ctx.day(-500)
    warrap = b.goal(
        ctx,
        title="Collective outcome: Warrap households food secure",
        convener="wfp",
        areas=["SS08"],
        pillars="HD",
        horizon=(start, add_months(start, FOUR_YEARS)),
        indicator="Households in IPC phase 3 or worse",
        unit="households",
        baseline=(41_000, start),
        target=(15_000, add_months(start, FOUR_YEARS)),
        description="Humanitarian food assistance, livelihoods and county extension services under one plan.",
    )
    b.commitments(
        ctx,
        warrap,
        ("wfp", Role.LEAD),
        ("fao", Role.CONTRIBUTOR),
        ("ssrc", Role.CONTRIBUTOR),
        ("ss_moa", Role.ENDORSER),
        ("nrc", Role.CONTRIBUTOR, CommitmentStatus.INVITED),
    )
    b.progress(
        warrap,
        [(ctx.day(-420), 40_200), (ctx.day(-250), 33_800), (ctx.day(-40), 29_500)],
        source="IPC analysis and WFP food security monitoring",
        user=ctx.users["admin"],
    )
    b.programme(
        ctx,
        title="Tonj East: cattle vaccination and animal health services (FAO)",
        reporter="fao",
        pillars="D",
        locations=["SS0803"],
        sectors={"31195": 100},
        start=ctx.day(-600),
        end=ctx.day(300),
        funders=["norad"],
        budget=24_000_000,
        target_groups="Cattle-keeping communities and community animal health workers",
    )
    b.programme(
        ctx,
        title="Gogrial West: school gardens and nutrition education (SSRC)",
        reporter="ssrc",
        pillars="D",
        locations=["SS0802"],
        sectors={"11250": 100},
        start=ctx.day(-240),
        end=ctx.day(400),
        funders=["emb_juba"],
        budget=2_000_000,
        target_groups="Primary school pupils and parents' associations",
    )


def weak_shared_goal(ctx: DemoContext) -> None:
    """Wau's WASH goal fails every criterion: one committed actor (Mercy Corps is only invited), humanitarian
    contributions only, no baseline, a one-year horizon and no national or local actor committed."""
    wau = b.goal(
        ctx,
        title="Joint WASH response in Wau town",
        convener="drc",
        areas=["SS0903"],
        pillars="H",
        horizon=(ctx.day(-100), ctx.day(265)),
        indicator="Litres of safe water per person per day",
        unit="l/p/d",
        target=(15, ctx.day(265)),
    )
    b.commitments(ctx, wau, ("drc", Role.LEAD), ("mercy", Role.CONTRIBUTOR, CommitmentStatus.INVITED))
    water = b.programme(
        ctx,
        title="Wau: emergency water supply in collective sites (DRC)",
        reporter="drc",
        pillars="H",
        locations=["SS0903"],
        sectors={"72010": 100, "WSH": 100},
        start=ctx.day(-100),
        end=ctx.day(265),
        funders=["sshf"],
        budget=600_000,
        currency="USD",
        target_groups="Displaced families in Wau collective sites",
    )
    b.contribute(wau, [water])


def stale_goal_progress(ctx: DemoContext) -> None:
    """Lakes' malnutrition goal is active and well formed, its horizon started 30 months ago, and its last
    progress report is 14 months old. Two programmes (H and D) contribute to it."""
    start = ctx.day(-900)
    lakes = b.goal(
        ctx,
        title="Collective outcome: acute malnutrition in Lakes below emergency threshold",
        convener="unicef",
        areas=["SS04"],
        pillars="HD",
        horizon=(start, add_months(start, FOUR_YEARS)),
        indicator="Global acute malnutrition among children 6–59 months",
        unit="%",
        baseline=(17.5, start),
        target=(10, add_months(start, FOUR_YEARS)),
    )
    b.commitments(
        ctx,
        lakes,
        ("unicef", Role.LEAD),
        ("ss_moh", Role.CONTRIBUTOR),
        ("scn", Role.CONTRIBUTOR),
        ("wfp", Role.ENDORSER),
    )
    b.progress(
        lakes,
        [(ctx.day(-850), 17.1), (ctx.day(-640), 16.2), (ctx.day(-430), 15.4)],
        source="SMART nutrition surveys",
    )
    treatment = b.programme(
        ctx,
        title="Rumbek East: outpatient treatment of acute malnutrition (UNICEF)",
        reporter="unicef",
        pillars="H",
        locations=["SS0404"],
        sectors={"12240": 100, "NUT": 100},
        start=ctx.day(-600),
        end=ctx.day(300),
        funders=["mfa"],
        budget=1_700_000,
        currency="USD",
        target_groups="Children under five, pregnant and lactating women",
    )
    workers = b.programme(
        ctx,
        title="Yirol East: community health and nutrition workers (Ministry of Health)",
        reporter="ss_moh",
        pillars="D",
        locations=["SS0407"],
        sectors={"12220": 100},
        start=ctx.day(-800),
        end=ctx.day(400),
        funders=["norad"],
        budget=15_000_000,
    )
    b.contribute(lakes, [treatment, workers])
