"""Rule cases about programmes side by side: silos, overlap, run-over, exit strategies and stale records.

Every case lives in admin-2 areas reserved for it (places.CASE_AREAS), so background programmes never
add or remove a pair. "Day -540" means 540 days before the as-of date.
"""

from nexus_portal.demo import build as b
from nexus_portal.demo.context import DemoContext
from programmes.choices import ActivityStatus, LinkType

IDPS = "Internally displaced people, returnees and host communities"
FARMERS = "Smallholder farmers, women's groups and agro-pastoralists"


def cross_pillar_silo(ctx: DemoContext) -> None:
    """Aweil East: WFP's food distribution (H only) beside ACDI's livelihoods work (D only), with no link
    and no common goal; both have run ≥ 12 months (high). Near-misses: a linked pair in Aweil Centre, a
    country-wide programme (country-only: no pair), and a pair in Aweil South that overlaps < 30 days."""
    b.programme(
        ctx,
        title="Aweil East: emergency food distribution (WFP)",
        reporter="wfp",
        pillars="H",
        locations=["SS0502"],
        sectors={"72040": 100, "FSC": 100},
        start=ctx.day(-540),
        end=ctx.day(300),
        funders=["mfa"],
        budget=4_800_000,
        currency="USD",
        target_groups=IDPS,
        iati_identifier="XM-DAC-41140-SS-AWE-001",
    )
    b.programme(
        ctx,
        title="Aweil East: village savings groups and small business skills (ACDI)",
        reporter="acdi",
        pillars="D",
        locations=["SS0502"],
        sectors={"16020": 50, "25030": 50},
        start=ctx.day(-700),
        end=ctx.day(400),
        funders=["emb_juba"],
        budget=6_500_000,
        target_groups="Women and youth in farming villages",
    )
    nutrition = b.programme(
        ctx,
        title="Aweil Centre: nutrition screening and treatment (UNICEF)",
        reporter="unicef",
        pillars="H",
        locations=["SS0501"],
        sectors={"12240": 100, "NUT": 100},
        start=ctx.day(-400),
        end=ctx.day(330),
        funders=["mfa"],
        budget=1_900_000,
        currency="USD",
        target_groups="Children under five, pregnant women",
    )
    health = b.programme(
        ctx,
        title="Aweil Centre: county health system strengthening (Ministry of Health)",
        reporter="ss_moh",
        pillars="D",
        locations=["SS0501"],
        sectors={"12220": 100},
        start=ctx.day(-800),
        end=ctx.day(500),
        funders=["norad"],
        budget=22_000_000,
    )
    b.link(
        nutrition,
        health,
        LinkType.COMPLEMENTARY,
        "Children discharged from treatment are followed up by county clinics.",
    )
    b.programme(
        ctx,
        title="South Sudan (country-wide): cholera preparedness stockpiles (UNICEF)",
        reporter="unicef",
        pillars="H",
        locations=["SS"],
        sectors={"72011": 100, "HEA": 100},
        start=ctx.day(-200),
        end=ctx.day(300),
        funders=["mfa"],
        budget=900_000,
        currency="USD",
    )
    b.programme(
        ctx,
        title="Aweil South: flood response kits (NRC)",
        reporter="nrc",
        pillars="H",
        locations=["SS0504"],
        sectors={"72010": 100, "SHL": 100},
        start=ctx.day(-200),
        end=ctx.day(20),
        funders=["mfa"],
        budget=7_000_000,
        target_groups=IDPS,
        transition_plan="Households move to the county's dyke maintenance programme once the water recedes.",
    )
    b.programme(
        ctx,
        title="Aweil South: dyke maintenance with county authorities (UNDP)",
        reporter="undp",
        pillars="D",
        status=ActivityStatus.PIPELINE,
        locations=["SS0504"],
        sectors={"43060": 100},
        start=ctx.day(10),
        end=ctx.day(700),
        funders=["emb_juba"],
        budget=1_200_000,
        currency="USD",
    )


def internal_silo(ctx: DemoContext) -> None:
    """Torit: NCA runs a humanitarian-development WASH programme and a separate peace programme in the same
    county, unlinked. Near-miss: NCA's two programmes in Magwi are one joint programme (linked)."""
    b.programme(
        ctx,
        title="Torit: WASH recovery and water user committees (NCA)",
        reporter="nca",
        pillars="HD",
        humanitarian=True,
        locations=["SS0208"],
        sectors={"14030": 100, "WSH": 100},
        start=ctx.day(-300),
        end=ctx.day(400),
        funders=["mfa"],
        budget=14_000_000,
        target_groups=IDPS,
    )
    b.programme(
        ctx,
        title="Torit: interchurch dialogue and local peace committees (NCA)",
        reporter="nca",
        pillars="P",
        locations=["SS0208"],
        sectors={"15220": 100},
        start=ctx.day(-200),
        end=ctx.day(500),
        funders=["emb_juba"],
        budget=5_000_000,
        target_groups="Church leaders, youth and cattle-keeping communities",
    )
    shelter = b.programme(
        ctx,
        title="Magwi: returnee reintegration and shelter (NCA)",
        reporter="nca",
        pillars="HD",
        humanitarian=True,
        locations=["SS0207"],
        sectors={"73010": 50, "16020": 50, "SHL": 100},
        start=ctx.day(-250),
        end=ctx.day(350),
        funders=["mfa"],
        budget=9_000_000,
        target_groups=IDPS,
    )
    mediation = b.programme(
        ctx,
        title="Magwi: land dispute mediation for returnees (NCA)",
        reporter="nca",
        pillars="P",
        locations=["SS0207"],
        sectors={"15220": 100},
        start=ctx.day(-250),
        end=ctx.day(350),
        funders=["emb_juba"],
        budget=3_000_000,
    )
    b.link(shelter, mediation, LinkType.JOINT, "One joint programme: plots are allocated only after mediation.")


def overlap(ctx: DemoContext) -> None:
    """Malakal: two humanitarian WASH programmes of different organisations in the same county and cluster,
    unlinked (high). Near-miss: two education programmes in Bor South that form a consortium (linked)."""
    b.programme(
        ctx,
        title="Malakal: emergency water trucking and latrines (Oxfam)",
        reporter="oxfam",
        pillars="H",
        locations=["SS0707"],
        sectors={"72010": 100, "WSH": 100},
        start=ctx.day(-250),
        end=ctx.day(200),
        funders=["mfa"],
        budget=8_500_000,
        target_groups="Displaced families in and around the Malakal PoC site",
    )
    b.programme(
        ctx,
        title="Malakal: hygiene kits and water point repair (UNRDA)",
        reporter="unrda",
        pillars="H",
        locations=["SS0707"],
        sectors={"72010": 100, "WSH": 100},
        start=ctx.day(-120),
        end=ctx.day(245),
        funders=["sshf"],
        budget=2_600_000,
        target_groups="Displaced families in Malakal town",
    )
    teachers = b.programme(
        ctx,
        title="Bor South: primary school teacher training (Save the Children Norway)",
        reporter="scn",
        pillars="D",
        locations=["SS0303"],
        sectors={"11130": 100},
        start=ctx.day(-500),
        end=ctx.day(400),
        funders=["norad"],
        budget=11_000_000,
        target_groups="Primary teachers, head teachers",
    )
    learning = b.programme(
        ctx,
        title="Bor South: accelerated learning for out-of-school youth (UNICEF)",
        reporter="unicef",
        pillars="D",
        locations=["SS0303"],
        sectors={"11231": 100},
        start=ctx.day(-300),
        end=ctx.day(600),
        funders=["norad"],
        budget=1_400_000,
        currency="USD",
        target_groups="Out-of-school adolescents",
    )
    b.link(teachers, learning, LinkType.CONSORTIUM, "Bor South education consortium: shared schools and teachers.")


def humanitarian_run_over(ctx: DemoContext) -> None:
    """Renk: WFP starts emergency food assistance for returnees (day -60) where UNRDA's smallholder programme
    in the same sector family (food security) has run for 30 months; not linked."""
    b.programme(
        ctx,
        title="Renk: smallholder irrigation and seed systems (UNRDA)",
        reporter="unrda",
        pillars="D",
        locations=["SS0711"],
        sectors={"31140": 50, "31150": 50},
        start=ctx.day(-900),
        end=ctx.day(500),
        funders=["emb_juba"],
        budget=12_000_000,
        target_groups=FARMERS,
    )
    b.programme(
        ctx,
        title="Renk: emergency food assistance for returnees from Sudan (WFP)",
        reporter="wfp",
        pillars="H",
        locations=["SS0711"],
        sectors={"72040": 100, "FSC": 100},
        start=ctx.day(-60),
        end=ctx.day(300),
        funders=["mfa"],
        budget=6_000_000,
        currency="USD",
        target_groups="Returnees and refugees from Sudan",
        iati_identifier="XM-DAC-41140-SS-RNK-002",
    )


def no_exit_strategy(ctx: DemoContext) -> None:
    """Bentiu camp management has run 39 months (high) and Panyijiar health services end within 6 months;
    neither has a transition plan, a handover actor or a sequenced link. Near-miss: Leer nutrition has
    all three."""
    b.programme(
        ctx,
        title="Bentiu IDP camp: camp coordination and management (NRC)",
        reporter="nrc",
        pillars="H",
        locations=["SS0609"],
        sectors={"72050": 100, "CCM": 100},
        start=ctx.day(-1200),
        end=None,
        funders=["mfa"],
        budget=31_000_000,
        target_groups="Residents of the Bentiu IDP camp",
    )
    b.programme(
        ctx,
        title="Panyijiar: emergency health services for new arrivals (IRC)",
        reporter="irc",
        pillars="H",
        locations=["SS0607"],
        sectors={"72011": 100, "HEA": 100},
        start=ctx.day(-300),
        end=ctx.day(100),
        funders=["sshf"],
        budget=1_100_000,
        currency="USD",
        target_groups=IDPS,
    )
    nutrition = b.programme(
        ctx,
        title="Leer: emergency nutrition response (UNICEF)",
        reporter="unicef",
        pillars="H",
        locations=["SS0604"],
        sectors={"12240": 100, "NUT": 100},
        start=ctx.day(-900),
        end=ctx.day(200),
        funders=["mfa"],
        budget=2_400_000,
        currency="USD",
        handover_actor="ss_moh",
        planned_handover_date=ctx.day(200),
        transition_plan="Treatment sites move into county health facilities run by the Ministry of Health; "
        "UNICEF supplies RUTF through the national pipeline for one more year.",
    )
    phc = b.programme(
        ctx,
        title="Leer: primary health care strengthening (Ministry of Health)",
        reporter="ss_moh",
        pillars="D",
        locations=["SS0604"],
        sectors={"12220": 100},
        start=ctx.day(-100),
        end=ctx.day(900),
        funders=["norad"],
        budget=18_000_000,
    )
    b.link(nutrition, phc, LinkType.SEQUENCED, "Handover of nutrition sites to county health facilities.")


def stale_record(ctx: DemoContext) -> None:
    """Terekeka: an active programme last edited 8 months ago. Near-misses: one edited 5 months ago, and a
    closed programme edited long ago (history, not active)."""
    b.programme(
        ctx,
        title="Terekeka: solar-powered water points (Nordic Solar Water AS)",
        reporter="nsw",
        pillars="D",
        locations=["SS0105"],
        sectors={"14030": 100},
        start=ctx.day(-500),
        end=ctx.day(300),
        funders=["norad"],
        budget=7_500_000,
        edited_days_ago=245,
    )
    b.programme(
        ctx,
        title="Terekeka: adult literacy circles (JWPN)",
        reporter="jwpn",
        pillars="D",
        locations=["SS0105"],
        sectors={"11230": 100},
        start=ctx.day(-400),
        end=ctx.day(300),
        funders=["emb_juba"],
        budget=900_000,
        edited_days_ago=150,
    )
    b.programme(
        ctx,
        title="Terekeka: cholera response (SSRC, closed)",
        reporter="ssrc",
        pillars="H",
        status=ActivityStatus.CLOSED,
        locations=["SS0105"],
        sectors={"72011": 100, "HEA": 100},
        start=ctx.day(-1000),
        end=ctx.day(-700),
        funders=["mfa"],
        budget=1_500_000,
        edited_days_ago=690,
    )
