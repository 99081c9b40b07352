"""Rule cases about context and conflict analyses: stale ones, country-level only, none at all.

Other analyses (country context chains, regional coverage, every kind and sensitivity) come from
analyses.py; it leaves Mopti (ML05) and Gedo (SO26) without sub-national analyses on purpose.
"""

from analyses.choices import AnalysisKind, AnalysisStatus, EventType, Sensitivity
from nexus_portal.demo import build as b
from nexus_portal.demo.context import DemoContext

FARMER_GROUPS = "Rice farmers' cooperatives, women processors"


def stale_analysis(ctx: DemoContext) -> None:
    """Pibor's conflict analysis (day -150) is the newest conflict analysis for Pibor, where IRC works, but
    a violent event on day -75 happened after it (trigger event: high). Somalia's country conflict
    analysis (day -250) is past its 6-month review date. Near-miss: its previous version is superseded."""
    b.programme(
        ctx,
        title="Pibor: community protection and GBV case management (IRC)",
        reporter="irc",
        pillars="H",
        locations=["SS0308"],
        sectors={"72010": 100, "PRO-GBV": 60, "PRO": 40},
        start=ctx.day(-300),
        end=ctx.day(250),
        funders=["mfa"],
        budget=1_300_000,
        currency="USD",
        target_groups="Women and girls, survivors of violence, abducted children",
    )
    b.analysis(
        ctx,
        title="Pibor conflict analysis",
        kind=AnalysisKind.CONFLICT,
        scope=["SS0308"],
        authors=["irc", "jyp"],
        conducted_on=ctx.day(-150),
        sensitivity=Sensitivity.STRICT,
        pillars="HP",
        method="Key informant interviews with chiefs, youth and women's groups; incident mapping.",
        summary="Cattle raiding and revenge cycles between age-sets drive abductions and displacement.",
        key_drivers="Cattle raiding; bride price inflation; small arms; weak county authority.",
        recommendations="Agree community security arrangements before dry-season migration.",
    )
    b.event(
        ctx,
        "SS0308",
        ctx.day(-75),
        EventType.VIOLENCE,
        "Large-scale cattle raid and revenge attacks around Pibor town; several villages displaced.",
        recorded_by="irc",
    )
    previous = b.analysis(
        ctx,
        title="Somalia conflict analysis (previous version)",
        kind=AnalysisKind.CONFLICT,
        scope=["SO"],
        authors=["cmi"],
        conducted_on=ctx.day(-450),
        sensitivity=Sensitivity.RESTRICTED,
        shared_with=["emb_nairobi"],
        pillars="DP",
        summary="Clan power-sharing, Al-Shabaab influence and the federal-state divide.",
    )
    b.analysis(
        ctx,
        title="Somalia conflict analysis",
        kind=AnalysisKind.CONFLICT,
        scope=["SO"],
        authors=["cmi", "swdn"],
        conducted_on=ctx.day(-250),
        sensitivity=Sensitivity.RESTRICTED,
        supersedes=previous,
        shared_with=["emb_nairobi", "nrc"],
        pillars="HDP",
        summary="Update after the federal election cycle; drought displacement into towns.",
        key_drivers="Contested federalism; clan land claims; climate shocks; armed group taxation.",
    )
    b.programme(
        ctx,
        title="Somalia (national): social protection policy support (UNICEF)",
        reporter="unicef",
        pillars="D",
        locations=["SO"],
        sectors={"16010": 100},
        start=ctx.day(-500),
        end=ctx.day(400),
        funders=["norad"],
        budget=3_000_000,
        currency="USD",
        target_groups="Ministry staff; poor and vulnerable households",
    )


def country_level_analysis_only(ctx: DemoContext) -> None:
    """Mopti region (ML05): CARE in Bandiagara and WFP in Mopti are covered by current country-level
    analyses of Mali (context, day -90; conflict, day -45) but by no regional or district analysis.
    Near-miss: AMDR in Niono is covered by a current district-level conflict analysis too."""
    b.programme(
        ctx,
        title="Bandiagara: health centre rehabilitation (CARE Norway)",
        reporter="care_no",
        pillars="D",
        locations=["ML0501"],
        sectors={"12230": 100},
        start=ctx.day(-400),
        end=ctx.day(300),
        funders=["norad"],
        budget=9_500_000,
        target_groups="Rural communities of the Bandiagara plateau",
    )
    b.programme(
        ctx,
        title="Mopti: food assistance for displaced families (WFP)",
        reporter="wfp",
        pillars="H",
        locations=["ML0506"],
        sectors={"72040": 100, "FSC": 100},
        start=ctx.day(-200),
        end=ctx.day(250),
        funders=["mfa"],
        budget=2_200_000,
        currency="USD",
        target_groups="Displaced families from central Mali",
    )
    b.analysis(
        ctx,
        title="Mali conflict analysis",
        kind=AnalysisKind.CONFLICT,
        scope=["ML"],
        authors=["nca", "cmi"],
        conducted_on=ctx.day(-45),
        sensitivity=Sensitivity.RESTRICTED,
        shared_with=["emb_bamako", "norad"],
        pillars="HDP",
        summary="Armed groups, self-defence militias and the state's retreat from the centre and north.",
    )
    b.programme(
        ctx,
        title="Niono: irrigated rice value chains (AMDR)",
        reporter="amdr",
        pillars="D",
        locations=["ML0404"],
        sectors={"31140": 100},
        start=ctx.day(-500),
        end=ctx.day(400),
        funders=["emb_bamako"],
        budget=6_000_000,
        target_groups=FARMER_GROUPS,
    )
    b.analysis(
        ctx,
        title="Conflict analysis: Niono and Macina cercles",
        kind=AnalysisKind.CONFLICT,
        scope=["ML0404", "ML0403"],
        authors=["amdr"],
        conducted_on=ctx.day(-60),
        sensitivity=Sensitivity.STRICT,
        pillars="DP",
        summary="Farmer-herder tensions over irrigated land and transhumance corridors.",
    )


def uncovered_programme(ctx: DemoContext) -> None:
    """Doolow (Gedo): GCRO's water programme is covered by no current conflict or context analysis: Somalia's
    conflict analysis is past review, its context analysis is still a draft, and Gedo only has a needs
    assessment (the wrong kind). Somalia's country-level programme is uncovered for the same reason."""
    b.programme(
        ctx,
        title="Doolow: water supply for IDP settlements (GCRO)",
        reporter="gcro",
        pillars="H",
        locations=["SO2605"],
        sectors={"72010": 100, "WSH": 100},
        start=ctx.day(-150),
        end=ctx.day(200),
        funders=["shf"],
        budget=450_000,
        currency="USD",
        target_groups="Displaced families in Doolow settlements",
    )
    b.analysis(
        ctx,
        title="Gedo needs assessment",
        kind=AnalysisKind.NEEDS,
        scope=["SO26"],
        authors=["unhcr", "gcro"],
        conducted_on=ctx.day(-40),
        sensitivity=Sensitivity.PUBLIC,
        pillars="H",
        summary="Water, shelter and protection needs of new arrivals along the Ethiopian border.",
    )
    b.analysis(
        ctx,
        title="Somalia context analysis (draft)",
        kind=AnalysisKind.CONTEXT,
        scope=["SO"],
        authors=["emb_nairobi"],
        conducted_on=ctx.day(-20),
        status=AnalysisStatus.DRAFT,
        sensitivity=Sensitivity.STRICT,
        pillars="DP",
    )
