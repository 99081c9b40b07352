"""Rule cases about funding: localisation, balance, flexibility, principles and proposals nobody owns.

Amounts are NOK per calendar year. South Sudan's whole humanitarian portfolio is built here (it is the
localisation case) together with its development and peace side (the imbalance case); Mali and Somalia
come from funding.py. Development agreements outside the cases are softly earmarked or carry a crisis
modifier, so only the agreements below are inflexible.
"""

from analyses.choices import EventType
from funding.choices import Earmarking, Modality, Stream
from funding.choices import RequestStatus as S
from nexus_portal.demo import build as b
from nexus_portal.demo.build import Step
from nexus_portal.demo.context import DemoContext
from programmes.choices import LinkType
from programmes.models import Programme

MFA_HUMANITARIAN = "MFA, Section for Humanitarian Affairs"
MFA_PEACE = "MFA, Section for Peace and Reconciliation"
NORAD_CIVIL_SOCIETY = "Norad, Department for Civil Society"
NORAD_FOOD = "Norad, Section for Food Security and Climate"
EMBASSY_JUBA = "Royal Norwegian Embassy in Juba"


def each_year(ctx: DemoContext, first: int, last: int, amount: int) -> dict[int, int]:
    """The same amount for each year from as-of year + first to as-of year + last."""
    return {ctx.year + offset: amount for offset in range(first, last + 1)}


def programmes_of(ctx: DemoContext, actor: str, country: str, *, humanitarian: bool) -> list[Programme]:
    return list(
        Programme.objects.filter(
            reporting_actor=ctx.actor(actor), pillar_h=humanitarian, location_links__area__country_code=country
        )
        .distinct()
        .order_by("pk")
    )


def localisation_shortfall(ctx: DemoContext) -> None:
    """The MFA's humanitarian funding in South Sudan: NOK 130 million a year to NRC, WFP and the pooled fund;
    only NOK 5 million a year reaches national or local actors through one intermediary (3.8 %: high).
    UNRDA's onward grant to Jonglei Youth for Peace is a third tier and does not count."""
    three_years = (-2, 0)
    to_nrc = b.agreement(
        ctx,
        reference="MFA-SSD-NRC-HUM",
        donor="mfa",
        recipient="nrc",
        stream=Stream.HUMANITARIAN,
        modality=Modality.PROGRAMME,
        yearly=each_year(ctx, *three_years, 60_000_000),
        countries=["SS"],
        earmarking=Earmarking.SOFTLY_EARMARKED,
        responsible_unit=MFA_HUMANITARIAN,
        funded=programmes_of(ctx, "nrc", "SS", humanitarian=True),
    )
    b.agreement(
        ctx,
        reference="MFA-SSD-WFP-HUM",
        donor="mfa",
        recipient="wfp",
        stream=Stream.HUMANITARIAN,
        yearly=each_year(ctx, *three_years, 40_000_000),
        countries=["SS"],
        earmarking=Earmarking.TIGHTLY_EARMARKED,
        responsible_unit=MFA_HUMANITARIAN,
        funded=programmes_of(ctx, "wfp", "SS", humanitarian=True),
    )
    to_fund = b.agreement(
        ctx,
        reference="MFA-SSD-SSHF",
        donor="mfa",
        recipient="sshf",
        stream=Stream.HUMANITARIAN,
        modality=Modality.POOLED_FUND,
        yearly=each_year(ctx, *three_years, 30_000_000),
        countries=["SS"],
        earmarking=Earmarking.UNEARMARKED,
        responsible_unit=MFA_HUMANITARIAN,
    )
    b.agreement(
        ctx,
        reference="NRC-SSD-ACDI",
        donor="nrc",
        recipient="acdi",
        parent=to_nrc,
        stream=Stream.HUMANITARIAN,
        yearly=each_year(ctx, *three_years, 2_000_000),
        countries=["SS"],
        tranches=False,
    )
    to_unrda = b.agreement(
        ctx,
        reference="SSHF-SSD-UNRDA",
        donor="sshf",
        recipient="unrda",
        parent=to_fund,
        stream=Stream.HUMANITARIAN,
        yearly=each_year(ctx, *three_years, 3_000_000),
        countries=["SS"],
    )
    b.agreement(
        ctx,
        reference="UNRDA-SSD-JYP",
        donor="unrda",
        recipient="jyp",
        parent=to_unrda,
        stream=Stream.HUMANITARIAN,
        yearly=each_year(ctx, -1, 0, 500_000),
        countries=["SS"],
        tranches=False,
    )


def funding_imbalance(ctx: DemoContext) -> None:
    """South Sudan had humanitarian funding in each of the last 3 years (NOK 390 million in all) but only
    NOK 99 million of development and peace funding (0.25 < 0.5): these agreements, the Yei and South
    Sudan Red Cross agreements below, and the MFA's one-year peace grant to JWPN (funding.py)."""
    b.agreement(
        ctx,
        reference="RNE-JUBA-UNDP-GOV",
        donor="emb_juba",
        recipient="undp",
        stream=Stream.DEVELOPMENT,
        modality=Modality.PROGRAMME,
        yearly=each_year(ctx, -2, 0, 10_000_000),
        countries=["SS"],
        earmarking=Earmarking.SOFTLY_EARMARKED,
        responsible_unit=EMBASSY_JUBA,
        nexus_requirements="Local governance work to be planned with humanitarian partners in each county.",
    )
    b.agreement(
        ctx,
        reference="RNE-JUBA-SFCG-PEACE",
        donor="emb_juba",
        recipient="sfcg",
        stream=Stream.PEACE,
        yearly=each_year(ctx, -2, 0, 4_000_000),
        countries=["SS"],
        crisis_modifier_share=10,
        responsible_unit=EMBASSY_JUBA,
    )
    b.agreement(
        ctx,
        reference="NORAD-NCA-SP-SSD",
        donor="norad",
        recipient="nca",
        stream=Stream.DEVELOPMENT,
        modality=Modality.STRATEGIC_PARTNERSHIP,
        yearly=each_year(ctx, -2, 1, 8_000_000),
        countries=["SS"],
        earmarking=Earmarking.SOFTLY_EARMARKED,
        responsible_unit=NORAD_CIVIL_SOCIETY,
        funded=programmes_of(ctx, "nca", "SS", humanitarian=False),
    )


def inflexible_funding_in_crisis(ctx: DemoContext) -> None:
    """Norad's tightly earmarked development agreement without a crisis modifier funds ELA's agricultural
    programme in Yei, where SSRC runs an active humanitarian programme and violence broke out on day -200.
    Near-miss: the embassy's co-funding of the same programme has a 20 % crisis modifier."""
    agriculture = b.programme(
        ctx,
        title="Yei: agricultural recovery and market access (ELA)",
        reporter="ela",
        pillars="D",
        locations=["SS0106"],
        sectors={"31120": 70, "32161": 30},
        start=ctx.day(-400),
        end=ctx.day(500),
        funders=["norad", "emb_juba"],
        budget=33_000_000,
        target_groups="Farmer groups, traders and returnees",
    )
    health = b.programme(
        ctx,
        title="Yei: emergency health and nutrition for returnees (SSRC)",
        reporter="ssrc",
        pillars="H",
        locations=["SS0106"],
        sectors={"72011": 100, "HEA": 100},
        start=ctx.day(-150),
        end=ctx.day(250),
        funders=["norcross"],
        budget=4_000_000,
        target_groups="Returnees from Uganda and host communities",
    )
    b.link(health, agriculture, LinkType.COMPLEMENTARY, "Returnee households are referred to the farmer groups.")
    b.event(
        ctx,
        "SS0106",
        ctx.day(-200),
        EventType.VIOLENCE,
        "Clashes between armed groups on the Yei–Morobo road; farmers flee their fields before planting.",
        recorded_by="ela",
    )
    b.agreement(
        ctx,
        reference="NORAD-SSD-YEI-AGRI",
        donor="norad",
        recipient="ela",
        stream=Stream.DEVELOPMENT,
        yearly=each_year(ctx, -1, 1, 8_000_000),
        countries=["SS"],
        earmarking=Earmarking.TIGHTLY_EARMARKED,
        responsible_unit=NORAD_FOOD,
        funded=[agriculture],
    )
    b.agreement(
        ctx,
        reference="RNE-JUBA-YEI-AGRI",
        donor="emb_juba",
        recipient="ela",
        stream=Stream.DEVELOPMENT,
        yearly=each_year(ctx, -1, 1, 3_000_000),
        countries=["SS"],
        crisis_modifier_share=20,
        responsible_unit=EMBASSY_JUBA,
        funded=[agriculture],
    )


def principles_conflict(ctx: DemoContext) -> None:
    """Norad's agreement with the South Sudan Red Cross, which adheres to the humanitarian principles,
    requires government approval. Near-miss: the embassy in Bamako's approval clause is with a ministry."""
    b.agreement(
        ctx,
        reference="NORAD-SSD-SSRC-DRR",
        donor="norad",
        recipient="ssrc",
        stream=Stream.DEVELOPMENT,
        modality=Modality.PROGRAMME,
        yearly=each_year(ctx, -1, 1, 5_000_000),
        countries=["SS"],
        earmarking=Earmarking.SOFTLY_EARMARKED,
        crisis_modifier_share=10,
        requires_government_approval=True,
        responsible_unit=NORAD_CIVIL_SOCIETY,
        nexus_requirements="Community disaster preparedness linked to the Red Cross emergency response.",
    )
    b.agreement(
        ctx,
        reference="RNE-BAMAKO-DNH-WATER",
        donor="emb_bamako",
        recipient="ml_dnh",
        stream=Stream.DEVELOPMENT,
        yearly=each_year(ctx, -2, 0, 4_000_000),
        countries=["ML"],
        crisis_modifier_share=15,
        requires_government_approval=True,
        responsible_unit="Royal Norwegian Embassy in Bamako",
    )


def between_two_chairs(ctx: DemoContext) -> None:
    """Three proposals nobody owns: redirected twice (MFA → Norad → embassy), declined as outside the
    mandate by both the MFA and Norad, and pending for 95 days. Near-misses: pending for 20 days,
    redirected once (Norad → MFA) and approved, declined as outside mandate by the MFA only."""
    mfa, norad = "mfa_editor", "norad_reviewer"
    b.funding_request(
        ctx,
        title="Durable solutions for returnees in Renk (nexus proposal)",
        applicant="unrda",
        amount=9_000_000,
        steps=[
            Step(S.PENDING, "mfa", ctx.day(-200), "Submitted to the MFA.", user=mfa),
            Step(S.REDIRECTED, "mfa", ctx.day(-170), "Long-term livelihoods: Norad's area.", "norad", user=mfa),
            Step(
                S.REDIRECTED, "norad", ctx.day(-110), "Country-specific: the embassy's budget.", "emb_juba", user=norad
            ),
        ],
    )
    b.funding_request(
        ctx,
        title="Youth peace dividends in Ménaka",
        applicant="nca",
        amount=6_500_000,
        steps=[
            Step(S.PENDING, "mfa", ctx.day(-180), "Submitted to the MFA.", user=mfa),
            Step(
                S.DECLINED,
                "mfa",
                ctx.day(-150),
                "Development work: outside the humanitarian mandate.",
                outside_mandate=True,
                user=mfa,
            ),
            Step(S.PENDING, "norad", ctx.day(-130), "Resubmitted to Norad.", user=norad),
            Step(
                S.DECLINED,
                "norad",
                ctx.day(-90),
                "Stabilisation in an active conflict: outside Norad's mandate.",
                outside_mandate=True,
                user=norad,
            ),
        ],
    )
    b.funding_request(
        ctx,
        title="Mobile courts for land disputes in Baidoa",
        applicant="swdn",
        amount=3_500_000,
        steps=[Step(S.PENDING, "emb_nairobi", ctx.day(-95), "Submitted to the embassy in Nairobi.")],
    )
    b.funding_request(
        ctx,
        title="Cash for work on feeder roads in Maban",
        applicant="drc",
        amount=4_000_000,
        steps=[Step(S.PENDING, "mfa", ctx.day(-20), "Submitted to the MFA.", user=mfa)],
    )
    b.funding_request(
        ctx,
        title="Emergency seed distribution in Gao",
        applicant="amdr",
        amount=2_500_000,
        steps=[
            Step(S.PENDING, "norad", ctx.day(-140), "Submitted to Norad.", user=norad),
            Step(S.REDIRECTED, "norad", ctx.day(-120), "Emergency response: the MFA's area.", "mfa", user=norad),
            Step(S.APPROVED, "mfa", ctx.day(-85), "Approved under the Sahel humanitarian allocation.", user=mfa),
        ],
    )
    b.funding_request(
        ctx,
        title="Teacher salaries in Jonglei",
        applicant="scn",
        amount=12_000_000,
        steps=[
            Step(S.PENDING, "mfa", ctx.day(-160), "Submitted to the MFA.", user=mfa),
            Step(
                S.DECLINED,
                "mfa",
                ctx.day(-130),
                "Recurrent salaries: outside the humanitarian mandate.",
                outside_mandate=True,
                user=mfa,
            ),
        ],
    )
