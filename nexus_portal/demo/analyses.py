"""Background analyses and context events: country analyses with their earlier versions, regional context
updates, and one analysis of every kind and sensitivity.

Dates are chosen so that only the deliberate cases are stale: every event lies before the current
analyses that cover it (see cases/analyses.py for the ones that are not).
"""

from analyses.choices import AnalysisKind as Kind
from analyses.choices import AnalysisStatus
from analyses.choices import EventType as Event
from analyses.choices import Sensitivity as S
from nexus_portal.demo import build as b
from nexus_portal.demo.context import DemoContext
from nexus_portal.demo.places import ANALYSIS_GAP_REGIONS
from programmes.models import ProgrammeLocation

REGIONAL_AUTHORS = {
    "SS": ("nca", "nrc", "unrda", "ssrc", "jprc", "undp", "unicef", "jwpn"),
    "ML": ("nca", "amdr", "care_no", "undp", "fpm", "cmi"),
    "SO": ("nrc", "swdn", "unhcr", "brwa", "cmi", "drc"),
}


def build_country_analyses(ctx: DemoContext) -> None:
    """Context analyses of South Sudan and Mali, each superseding earlier versions."""
    previous = b.analysis(
        ctx,
        title="South Sudan context analysis (previous version)",
        kind=Kind.CONTEXT,
        scope=["SS"],
        authors=["emb_juba"],
        conducted_on=ctx.day(-420),
        sensitivity=S.PARTNERS,
        pillars="HDP",
        summary="Transitional government, delayed elections, economic collapse and sub-national violence.",
    )
    b.analysis(
        ctx,
        title="South Sudan context analysis",
        kind=Kind.CONTEXT,
        scope=["SS"],
        authors=["emb_juba", "nca", "nrc"],
        conducted_on=ctx.day(-50),
        sensitivity=S.PARTNERS,
        supersedes=previous,
        pillars="HDP",
        method="Joint workshop of embassy and NGO staff; review of UN and academic sources.",
        summary="Returnees from Sudan, floods and localised conflict strain a collapsing public sector.",
        key_drivers="Elite competition over oil revenue; floods; cross-border displacement.",
        recommendations="Plan humanitarian and development work per county; invest in local authorities.",
    )
    first = b.analysis(
        ctx,
        title="Mali context analysis (first edition)",
        kind=Kind.CONTEXT,
        scope=["ML"],
        authors=["emb_bamako"],
        conducted_on=ctx.day(-800),
        sensitivity=S.RESTRICTED,
        shared_with=["norad"],
        pillars="D",
    )
    second = b.analysis(
        ctx,
        title="Mali context analysis (previous version)",
        kind=Kind.CONTEXT,
        scope=["ML"],
        authors=["emb_bamako", "care_no"],
        conducted_on=ctx.day(-420),
        sensitivity=S.RESTRICTED,
        supersedes=first,
        shared_with=["norad", "nca"],
        pillars="HD",
    )
    b.analysis(
        ctx,
        title="Mali context analysis",
        kind=Kind.CONTEXT,
        scope=["ML"],
        authors=["emb_bamako", "care_no", "amdr"],
        conducted_on=ctx.day(-90),
        sensitivity=S.PARTNERS,
        supersedes=second,
        pillars="HDP",
        summary="Transition authorities, the withdrawal of MINUSMA and armed groups in the centre and north.",
    )


def build_thematic_analyses(ctx: DemoContext) -> None:
    """One analysis of each remaining kind and sensitivity, shared with chosen actors and people."""
    b.analysis(
        ctx,
        title="Upper Nile political economy analysis",
        kind=Kind.POLITICAL_ECONOMY,
        scope=["SS07"],
        authors=["cmi"],
        conducted_on=ctx.day(-85),
        sensitivity=S.RESTRICTED,
        shared_with=["emb_juba", "norad"],
        shared_with_users=["norad_reviewer"],
        pillars="DP",
        summary="Oil revenue, border trade with Sudan and the politics of returnee land allocation.",
    )
    b.analysis(
        ctx,
        title="Unity State humanitarian access risk analysis",
        kind=Kind.RISK,
        scope=["SS06"],
        authors=["nrc"],
        conducted_on=ctx.day(-60),
        sensitivity=S.NAMED,
        shared_with_users=["ngo_manager", "embassy_editor"],
        pillars="H",
        summary="Named sources on armed-group checkpoints; shared with named people only.",
    )
    b.analysis(
        ctx,
        title="Juba urban needs assessment",
        kind=Kind.NEEDS,
        scope=["SS0101"],
        authors=["unicef", "ssrc"],
        conducted_on=ctx.day(-100),
        sensitivity=S.PUBLIC,
        pillars="H",
        summary="Water, sanitation and livelihood needs of displaced families in Juba's informal settlements.",
    )
    b.analysis(
        ctx,
        title="Aweil conflict sensitivity scan (draft)",
        kind=Kind.CONFLICT,
        scope=["SS05"],
        authors=["acdi"],
        conducted_on=ctx.day(-30),
        status=AnalysisStatus.DRAFT,
        pillars="D",
    )
    b.analysis(
        ctx,
        title="Jonglei conflict analysis (archived)",
        kind=Kind.CONFLICT,
        scope=["SS03"],
        authors=["nca"],
        conducted_on=ctx.day(-2000),
        status=AnalysisStatus.ARCHIVED,
        sensitivity=S.PARTNERS,
        pillars="P",
    )
    b.analysis(
        ctx,
        title="Gao region needs assessment",
        kind=Kind.NEEDS,
        scope=["ML07"],
        authors=["unicef", "amdr"],
        conducted_on=ctx.day(-150),
        sensitivity=S.PUBLIC,
        pillars="HD",
    )
    b.analysis(
        ctx,
        title="Mali security risk analysis for partners",
        kind=Kind.RISK,
        scope=["ML"],
        authors=["emb_bamako"],
        conducted_on=ctx.day(-30),
        sensitivity=S.STRICT,
        pillars="HDP",
    )
    b.analysis(
        ctx,
        title="Baidoa political economy of land",
        kind=Kind.POLITICAL_ECONOMY,
        scope=["SO2401"],
        authors=["nrc"],
        conducted_on=ctx.day(-200),
        sensitivity=S.NAMED,
        shared_with_users=["ngo_manager", "norad_reviewer"],
        pillars="DP",
        summary="Who owns the land displaced families settle on, and who profits from evictions.",
    )


def build_regional_coverage(ctx: DemoContext) -> None:
    """A current context update for every admin-1 region with programmes, except the gap regions."""
    paths = ProgrammeLocation.objects.filter(area__level__gte=1).values_list("area__path", flat=True)
    regions = sorted({path.strip("/").split("/")[1] for path in paths} - set(ANALYSIS_GAP_REGIONS))
    sensitivities = [S.PARTNERS, S.RESTRICTED, S.PARTNERS, S.STRICT]
    for index, pcode in enumerate(regions):
        region = ctx.area(pcode)
        pool = REGIONAL_AUTHORS[region.country_code]
        authors = ctx.rng.sample(pool, ctx.rng.choice([1, 2]))
        b.analysis(
            ctx,
            title=f"Context update: {region.name}",
            kind=Kind.CONTEXT,
            scope=[pcode],
            authors=authors,
            conducted_on=ctx.day(-ctx.rng.randint(20, 35)),
            sensitivity=sensitivities[index % len(sensitivities)],
            shared_with=["norad"] if index % 3 == 0 else [],
            pillars=ctx.rng.choice(["H", "HD", "HDP", "D"]),
            summary=f"Quarterly update on security, displacement and access in {region.name}.",
        )


def build_events(ctx: DemoContext) -> None:
    """Context events that are history: each lies before the current analyses of its area."""
    events = [
        ("SS", -600, Event.ELECTION, "Elections postponed again by the transitional government.", "emb_juba"),
        ("SS0707", -500, Event.VIOLENCE, "Fighting inside the Malakal protection site.", "oxfam"),
        ("SS0711", -90, Event.DISPLACEMENT, "Thousands of returnees and refugees arrive from Sudan.", "unhcr"),
        ("ML", -700, Event.GOVERNMENT_CHANGE, "Transition charter extended; elections delayed.", "emb_bamako"),
        ("ML0901", -365, Event.OTHER, "Fuel blockade on the roads into Bamako.", "amdr"),
        ("ML0506", -150, Event.VIOLENCE, "Attacks on villages around Mopti displace families to the town.", "wfp"),
        ("SO", -300, Event.ELECTION, "Indirect federal elections concluded.", "emb_nairobi"),
        ("SO24", -400, Event.DISASTER, "Fifth failed rainy season; drought displacement into Baidoa.", "nrc"),
    ]
    for pcode, offset, event_type, description, recorded_by in events:
        b.event(ctx, pcode, ctx.day(offset), event_type, description, recorded_by)


def build_analyses(ctx: DemoContext) -> None:
    build_country_analyses(ctx)
    build_thematic_analyses(ctx)
    build_regional_coverage(ctx)
    build_events(ctx)
