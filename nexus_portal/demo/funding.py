"""Background funding: Mali's and Somalia's portfolios (South Sudan's is built by the funding cases) and
ordinary funding requests.

Mali is the localisation near-miss (36 % reaches national/local actors) and Somalia a medium shortfall
(12 %); Somalia's development and peace funding is just above half its humanitarian funding (0.54),
the funding-imbalance near-miss. Development agreements here are softly earmarked or have a crisis
modifier, so they are never inflexible.
"""

from funding.choices import Earmarking, Modality, Stream
from funding.choices import RequestStatus as S
from nexus_portal.demo import build as b
from nexus_portal.demo.build import Step
from nexus_portal.demo.cases.funding import MFA_HUMANITARIAN, NORAD_CIVIL_SOCIETY, each_year, programmes_of
from nexus_portal.demo.context import DemoContext

HUM, DEV, PEACE = Stream.HUMANITARIAN, Stream.DEVELOPMENT, Stream.PEACE
BAMAKO, NAIROBI = "Royal Norwegian Embassy in Bamako", "Royal Norwegian Embassy in Nairobi"


def build_mali(ctx: DemoContext) -> None:
    years = (-2, 0)
    to_nca = b.agreement(
        ctx,
        reference="MFA-MLI-NCA-HUM",
        donor="mfa",
        recipient="nca",
        stream=HUM,
        modality=Modality.PROGRAMME,
        yearly=each_year(ctx, *years, 20_000_000),
        countries=["ML"],
        earmarking=Earmarking.SOFTLY_EARMARKED,
        responsible_unit=MFA_HUMANITARIAN,
        funded=programmes_of(ctx, "nca", "ML", humanitarian=True),
    )
    b.agreement(
        ctx,
        reference="MFA-MLI-CRM-HUM",
        donor="mfa",
        recipient="crm",
        stream=HUM,
        yearly=each_year(ctx, *years, 5_000_000),
        countries=["ML"],
        responsible_unit=MFA_HUMANITARIAN,
    )
    to_amdr = b.agreement(
        ctx,
        reference="NCA-MLI-AMDR",
        donor="nca",
        recipient="amdr",
        parent=to_nca,
        stream=HUM,
        yearly=each_year(ctx, *years, 4_000_000),
        countries=["ML"],
    )
    b.agreement(
        ctx,
        reference="AMDR-MLI-GAS",
        donor="amdr",
        recipient="gas",
        parent=to_amdr,
        stream=HUM,
        yearly=each_year(ctx, -1, 0, 1_000_000),
        countries=["ML"],
        tranches=False,
    )
    to_care = b.agreement(
        ctx,
        reference="NORAD-CARE-SP-MLI",
        donor="norad",
        recipient="care_no",
        stream=DEV,
        modality=Modality.STRATEGIC_PARTNERSHIP,
        yearly=each_year(ctx, -2, 1, 15_000_000),
        countries=["ML"],
        earmarking=Earmarking.SOFTLY_EARMARKED,
        responsible_unit=NORAD_CIVIL_SOCIETY,
        funded=programmes_of(ctx, "care_no", "ML", humanitarian=False),
    )
    b.agreement(
        ctx,
        reference="CARE-MLI-FPM",
        donor="care_no",
        recipient="fpm",
        parent=to_care,
        stream=DEV,
        yearly=each_year(ctx, -1, 1, 1_000_000),
        countries=["ML"],
        earmarking=Earmarking.SOFTLY_EARMARKED,
        tranches=False,
    )
    b.agreement(
        ctx,
        reference="RNE-BAMAKO-AMDR-CORE",
        donor="emb_bamako",
        recipient="amdr",
        stream=DEV,
        modality=Modality.CORE,
        yearly=each_year(ctx, *years, 3_000_000),
        countries=["ML"],
        earmarking=Earmarking.UNEARMARKED,
        responsible_unit=BAMAKO,
    )
    b.agreement(
        ctx,
        reference="RNE-BAMAKO-UNDP-PEACE",
        donor="emb_bamako",
        recipient="undp",
        stream=PEACE,
        modality=Modality.POOLED_FUND,
        yearly=each_year(ctx, *years, 5_000_000),
        countries=["ML"],
        earmarking=Earmarking.SOFTLY_EARMARKED,
        responsible_unit=BAMAKO,
    )


def build_somalia(ctx: DemoContext) -> None:
    years = (-2, 0)
    to_nrc = b.agreement(
        ctx,
        reference="MFA-SOM-NRC-HUM",
        donor="mfa",
        recipient="nrc",
        stream=HUM,
        modality=Modality.PROGRAMME,
        yearly=each_year(ctx, *years, 30_000_000),
        countries=["SO"],
        earmarking=Earmarking.SOFTLY_EARMARKED,
        responsible_unit=MFA_HUMANITARIAN,
        funded=programmes_of(ctx, "nrc", "SO", humanitarian=True),
    )
    to_fund = b.agreement(
        ctx,
        reference="MFA-SOM-SHF",
        donor="mfa",
        recipient="shf",
        stream=HUM,
        modality=Modality.POOLED_FUND,
        yearly=each_year(ctx, *years, 20_000_000),
        countries=["SO"],
        earmarking=Earmarking.UNEARMARKED,
        responsible_unit=MFA_HUMANITARIAN,
    )
    b.agreement(
        ctx,
        reference="SHF-SOM-SWDN",
        donor="shf",
        recipient="swdn",
        parent=to_fund,
        stream=HUM,
        yearly=each_year(ctx, *years, 4_000_000),
        countries=["SO"],
    )
    b.agreement(
        ctx,
        reference="NRC-SOM-GCRO",
        donor="nrc",
        recipient="gcro",
        parent=to_nrc,
        stream=HUM,
        yearly=each_year(ctx, *years, 2_000_000),
        countries=["SO"],
        tranches=False,
    )
    b.agreement(
        ctx,
        reference="NORAD-SOM-UNICEF",
        donor="norad",
        recipient="unicef",
        stream=DEV,
        modality=Modality.PROGRAMME,
        yearly=each_year(ctx, *years, 15_000_000),
        countries=["SO"],
        earmarking=Earmarking.SOFTLY_EARMARKED,
        responsible_unit=NORAD_CIVIL_SOCIETY,
        funded=programmes_of(ctx, "unicef", "SO", humanitarian=False),
    )
    b.agreement(
        ctx,
        reference="RNE-NAIROBI-SWDN-CORE",
        donor="emb_nairobi",
        recipient="swdn",
        stream=DEV,
        modality=Modality.CORE,
        yearly=each_year(ctx, *years, 4_000_000),
        countries=["SO"],
        earmarking=Earmarking.UNEARMARKED,
        responsible_unit=NAIROBI,
    )
    b.agreement(
        ctx,
        reference="RNE-NAIROBI-UNDP-PEACE",
        donor="emb_nairobi",
        recipient="undp",
        stream=PEACE,
        yearly=each_year(ctx, *years, 8_000_000),
        countries=["SO"],
        crisis_modifier_share=15,
        responsible_unit=NAIROBI,
    )


def build_requests(ctx: DemoContext) -> None:
    """Ordinary requests: approved, declined for quality, pending for a short while, redirected once."""
    mfa, norad = "mfa_editor", "norad_reviewer"
    b.funding_request(
        ctx,
        title="Seed fairs in Ségou",
        applicant="gas",
        amount=1_200_000,
        steps=[
            Step(S.PENDING, "emb_bamako", ctx.day(-300), "Submitted to the embassy in Bamako."),
            Step(S.APPROVED, "emb_bamako", ctx.day(-260), "Fits the embassy's food security portfolio."),
        ],
    )
    b.funding_request(
        ctx,
        title="Solar mini-grids for Yambio health centres",
        applicant="nsw",
        amount=14_000_000,
        steps=[
            Step(S.PENDING, "norad", ctx.day(-200), "Submitted to Norad's energy call.", user=norad),
            Step(S.DECLINED, "norad", ctx.day(-150), "Not competitive in this call.", user=norad),
        ],
    )
    b.funding_request(
        ctx,
        title="Water trucking in Gaalkacyo",
        applicant="brwa",
        amount=2_000_000,
        steps=[Step(S.PENDING, "mfa", ctx.day(-45), "Submitted to the MFA.", user=mfa)],
    )
    b.funding_request(
        ctx,
        title="Teacher incentives in Aweil",
        applicant="scn",
        amount=5_000_000,
        steps=[
            Step(S.PENDING, "norad", ctx.day(-80), "Submitted to Norad.", user=norad),
            Step(
                S.REDIRECTED, "norad", ctx.day(-60), "Country allocation: the embassy decides.", "emb_juba", user=norad
            ),
        ],
    )
    b.funding_request(
        ctx,
        title="Women's peace forums in Juba",
        applicant="jwpn",
        amount=1_000_000,
        steps=[
            Step(S.PENDING, "mfa", ctx.day(-120), "Submitted to the MFA's peace section.", user=mfa),
            Step(S.APPROVED, "mfa", ctx.day(-70), "One-year grant approved.", user=mfa),
        ],
    )


def build_funding(ctx: DemoContext) -> None:
    build_mali(ctx)
    build_somalia(ctx)
    b.agreement(
        ctx,
        reference="MFA-SSD-JWPN-PEACE",
        donor="mfa",
        recipient="jwpn",
        stream=PEACE,
        yearly=each_year(ctx, 0, 0, 1_000_000),
        countries=["SS"],
        responsible_unit="MFA, Section for Peace and Reconciliation",
    )
    build_requests(ctx)
