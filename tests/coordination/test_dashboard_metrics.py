"""Each dashboard metric of domain.md gives the number a small, hand-checked case calls for."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from actors.choices import Localness
from analyses.choices import AnalysisKind, Sensitivity
from coordination.choices import FlagStatus, Severity
from coordination.models import Flag
from coordination.selectors import dashboard
from coordination.selectors.dashboard_funding import visible_funding
from coordination.selectors.scope import Share, latest_start_running, months_before
from funding.choices import Earmarking, Stream
from funding.models import FundingAgreement
from programmes.choices import ActivityStatus, LinkStatus
from programmes.models import Programme, ProgrammeParticipant
from reference.choices import SectorVocabulary
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def areas(db):
    tree = factories.area_tree()
    tree["SS03"] = factories.area("SS03", name="Jonglei", parent=tree["SS"])
    tree["SS04"] = factories.area("SS04", name="Lakes", parent=tree["SS"])
    return tree


def test_the_latest_start_that_has_run_24_months_respects_month_ends():
    assert latest_start_running(24, date(2026, 2, 28)) == date(2024, 2, 29)
    assert latest_start_running(24, date(2026, 3, 31)) == date(2024, 3, 31)
    assert latest_start_running(12, date(2025, 6, 15)) == date(2024, 6, 15)


# -- 1 -------------------------------------------------------------------------------------------------


def test_goal_contribution_counts_programmes_and_budgets_per_pillar(areas):
    goal = factories.goal(areas=[areas["SS"]])
    h = factories.programme(pillars="H", locations=[areas["SS0101"]], total_budget=Decimal(100), currency="NOK")
    factories.programme(pillars="D", locations=[areas["SS02"]], total_budget=Decimal(300), currency="NOK")
    hd = factories.programme(pillars="HD", locations=[areas["SS01"]], total_budget=Decimal(10), currency="USD")
    factories.programme(pillars="D", locations=[areas["SS02"]], total_budget=Decimal(5), currency="XYZ")
    closed = factories.programme(pillars="P", locations=[areas["SS02"]], status=ActivityStatus.CLOSED)
    kenyan = factories.programme(pillars="P", locations=[areas["KE"]])
    for programme in (h, hd, closed, kenyan):
        factories.contribution(programme, goal)

    result = dashboard.goal_contribution("SS", TODAY)

    assert result.programmes["all"] == Share(2, 4)
    assert result.programmes["H"] == Share(2, 2)
    assert result.programmes["D"] == Share(1, 3)
    assert result.programmes["P"].percent is None  # no active peace programme here
    usd = 10 * 10.70
    assert result.budget_nok["all"].part == pytest.approx(100 + usd)
    assert result.budget_nok["all"].whole == pytest.approx(100 + 300 + usd)
    assert result.budgets_not_converted == 1
    assert result.pillar_mix == {"D": 2, "H": 1, "HD": 1}


# -- 2 -------------------------------------------------------------------------------------------------


def test_cross_pillar_links_count_areas_where_different_pillars_are_linked(areas):
    # SS01: H and D linked by a confirmed link. SS02: only a proposed link. SS03: H and HD share a goal.
    # SS04: two development programmes (one pillar: not counted).
    a, b = (
        factories.programme(pillars="H", locations=[areas["SS0101"]]),
        factories.programme(pillars="D", locations=[areas["SS0102"]]),
    )
    factories.link(a, b)
    c, d = (
        factories.programme(pillars="H", locations=[areas["SS02"]]),
        factories.programme(pillars="D", locations=[areas["SS02"]]),
    )
    factories.link(c, d, status=LinkStatus.PROPOSED)
    goal = factories.goal(areas=[areas["SS03"]])
    for pillars in ("H", "HD"):
        factories.contribution(factories.programme(pillars=pillars, locations=[areas["SS03"]]), goal)
    factories.programme(pillars="D", locations=[areas["SS04"]])
    factories.programme(pillars="D", locations=[areas["SS04"]])

    result = dashboard.cross_pillar_links("SS", TODAY)

    assert {(area.pcode, area.linked) for area in result.areas} == {("SS01", True), ("SS02", False), ("SS03", True)}
    assert result.share == Share(2, 3)


def test_a_link_between_programmes_with_the_same_pillars_is_not_cross_pillar(areas):
    h1 = factories.programme(pillars="H", locations=[areas["SS01"]])
    h2 = factories.programme(pillars="H", locations=[areas["SS01"]])
    factories.programme(pillars="D", locations=[areas["SS01"]])
    factories.link(h1, h2)

    assert dashboard.cross_pillar_links("SS", TODAY).share == Share(0, 1)


# -- 3 and 5 -------------------------------------------------------------------------------------------


@pytest.fixture
def funding(areas):
    donor = factories.actor("MFA")
    ingo = factories.actor("NRC")
    local = factories.actor("Local NGO", localness=Localness.LOCAL)
    year_start, year_end = date(TODAY.year, 1, 1), date(TODAY.year, 12, 31)

    def agreement(**extra):
        amount = extra.pop("amount")
        obj = factories.agreement(
            amount=amount, start=extra.pop("start", year_start), end=extra.pop("end", year_end), **extra
        )
        obj.countries.set([areas["SS"]])
        factories.tranche(obj, TODAY.year, amount, kind="disbursed")
        return obj

    direct = agreement(donor=donor, recipient=local, amount=Decimal(100), earmarking=Earmarking.UNEARMARKED)
    through = agreement(donor=donor, recipient=ingo, amount=Decimal(300), earmarking=Earmarking.SOFTLY_EARMARKED)
    sub = agreement(donor=ingo, recipient=local, amount=Decimal(50), parent=through)
    long_development = agreement(
        donor=donor, recipient=ingo, amount=Decimal(200), stream=Stream.DEVELOPMENT,
        earmarking=Earmarking.TIGHTLY_EARMARKED, start=date(TODAY.year - 1, 1, 1),
    )  # fmt: skip
    short_development = agreement(
        donor=donor, recipient=local, amount=Decimal(100), stream=Stream.DEVELOPMENT, crisis_modifier=True,
        earmarking=Earmarking.EARMARKED,
    )  # fmt: skip
    return {"donor": donor, "ingo": ingo, "direct": direct, "through": through, "sub": sub,
            "development": (long_development, short_development)}  # fmt: skip


def test_localisation_counts_direct_and_one_intermediary_shares(funding, reviewer):
    result = dashboard.localisation(visible_funding("SS", reviewer), TODAY.year)

    assert result.total_nok == 400
    assert result.direct == Share(100, 400)
    assert result.through_one == Share(50, 400)
    assert result.combined.percent == 37.5
    assert result.target_percent == 25


def test_localisation_counts_only_the_agreements_the_user_may_see(funding):
    ngo_staff = factories.user()
    factories.member(ngo_staff, funding["ingo"])  # sees NRC's grant and its sub-grant, not MFA's direct grant
    outsider = factories.user()

    seen_by_ngo = dashboard.localisation(visible_funding("SS", ngo_staff), TODAY.year)
    seen_by_outsider = dashboard.localisation(visible_funding("SS", outsider), TODAY.year)

    assert (seen_by_ngo.total_nok, seen_by_ngo.through_one.part, seen_by_ngo.direct.part) == (300, 50, 0)
    assert seen_by_outsider.total_nok == 0


def test_funding_mix_splits_streams_multi_year_earmarking_and_crisis_modifiers(funding, reviewer):
    mix = dashboard.funding_mix(visible_funding("SS", reviewer), TODAY.year)

    assert mix.by_stream == {"humanitarian": 400, "development": 300, "peace": 0}
    assert mix.multi_year == Share(200, 700)  # only the development agreement runs longer than 12 months
    assert mix.by_earmarking == {1: 100, 2: 300, 3: 100, 4: 200}
    assert mix.crisis_modifier == Share(1, 2)
    assert FundingAgreement.objects.count() == 5  # the sub-grant never adds to a total


# -- 4 -------------------------------------------------------------------------------------------------


def test_analysis_freshness_reads_ages_coverage_levels_and_joint_work(areas):
    factories.programme(pillars="H", locations=[areas["SS0101"]])
    factories.programme(pillars="D", locations=[areas["SS02"]])
    author, partner = factories.actor(), factories.actor()
    factories.analysis(kind=AnalysisKind.CONFLICT, scope=[areas["SS01"]], authors=[author, partner],
                       conducted_on=TODAY - timedelta(days=30), sensitivity=Sensitivity.NAMED)  # fmt: skip
    factories.analysis(kind=AnalysisKind.NEEDS, scope=[areas["SS"]], authors=[author],
                       conducted_on=TODAY - timedelta(days=400))  # fmt: skip

    result = dashboard.analysis_freshness("SS", TODAY)

    assert result.areas == 2
    assert result.median_age_days == (30 + 400) / 2
    assert result.age_bands == {"6": 1, "12": 0, "24": 1, "older": 0, "none": 0}
    # Only conflict and context analyses count for coverage: the needs assessment leaves SS02 uncovered.
    assert result.programmes_covered == Share(1, 2)
    assert result.below_country == Share(1, 2)
    assert result.joint == Share(1, 2)


def test_a_superseded_analysis_is_not_in_use(areas):
    old = factories.analysis(kind=AnalysisKind.CONTEXT, scope=[areas["SS"]], conducted_on=TODAY - timedelta(days=90))
    factories.analysis(kind=AnalysisKind.CONTEXT, scope=[areas["SS"]], supersedes=old)
    factories.programme(locations=[areas["SS"]])

    result = dashboard.analysis_freshness("SS", TODAY)

    assert result.below_country == Share(0, 1)
    assert result.programmes_covered == Share(1, 1)


# -- 6 and 9 -------------------------------------------------------------------------------------------


def test_exit_readiness_counts_long_running_humanitarian_only_programmes_with_a_plan(areas):
    long_ago = TODAY - timedelta(days=800)
    factories.programme(pillars="H", locations=[areas["SS01"]], start=long_ago, transition_plan="Hand over to MoH")
    factories.programme(pillars="H", locations=[areas["SS01"]], start=long_ago, transition_plan="   ")
    factories.programme(pillars="H", locations=[areas["SS01"]], start=TODAY - timedelta(days=100))
    factories.programme(pillars="HD", locations=[areas["SS01"]], start=long_ago)

    assert dashboard.exit_readiness("SS", TODAY) == Share(1, 2)


def test_data_freshness_counts_records_updated_in_the_last_6_months(areas):
    fresh = [factories.programme(locations=[areas["SS01"]]) for _ in range(2)]
    stale = factories.programme(locations=[areas["SS01"]])
    boundary = factories.programme(locations=[areas["SS01"]])
    six_months_ago = datetime.combine(months_before(TODAY, 6), time(12), tzinfo=UTC)
    Programme.objects.filter(pk=stale.pk).update(updated_at=six_months_ago - timedelta(days=30))
    Programme.objects.filter(pk=boundary.pk).update(updated_at=six_months_ago)  # exactly 6 months: stale

    assert dashboard.data_freshness("SS", TODAY) == Share(len(fresh), 4)


# -- 7 -------------------------------------------------------------------------------------------------


def _flag(country, **fields):
    fields.setdefault("severity", Severity.MEDIUM)
    fields.setdefault("rule", "overlap")
    return Flag.objects.create(subject_key=factories.unique("key"), message="m", country=country, **fields)


def test_open_flags_count_by_rule_and_severity_with_time_to_resolve_and_trend(areas):
    now = timezone.now()
    _flag(areas["SS"], severity=Severity.HIGH, first_seen=now - timedelta(days=10))
    _flag(areas["SS"], rule="stale-record", severity=Severity.LOW, status=FlagStatus.ACKNOWLEDGED)
    _flag(areas["SS"], status=FlagStatus.DISMISSED, dismissed_reason="Agreed split of work")
    _flag(
        areas["SS"],
        status=FlagStatus.RESOLVED,
        first_seen=now - timedelta(days=20),
        resolved_at=now - timedelta(days=5),
    )
    _flag(
        areas["SS"],
        status=FlagStatus.RESOLVED,
        first_seen=now - timedelta(days=200),
        resolved_at=now - timedelta(days=100),
    )
    _flag(areas["KE"], severity=Severity.HIGH)

    result = dashboard.open_flags(Flag.objects.filter(country__pcode="SS"), TODAY)

    assert result.counts == {("overlap", Severity.HIGH): 1, ("stale-record", Severity.LOW): 1}
    assert result.total == 2
    assert result.median_days_to_resolve == pytest.approx((15 + 100) / 2)
    assert result.trend_dates[6] == months_before(TODAY, 6) and result.trend_dates[-1] == TODAY
    assert result.open_on(6) == 1  # the flag seen 200 days ago was still open 6 months ago
    assert result.open_on(0) == 0
    assert result.trend[Severity.HIGH][-1] == 1


# -- 8 -------------------------------------------------------------------------------------------------


def test_who_does_what_where_counts_implementing_actors_per_area_and_sector_family(areas):
    wash = factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER, family="WSH", name="Water Sanitation Hygiene")
    education = factories.sector("11220", family="DAC3:112")
    factories.sector("112", vocabulary=SectorVocabulary.DAC3, family="DAC3:112", name="Basic Education")
    a, b, c = factories.actor("A"), factories.actor("B"), factories.actor("C")
    factories.programme(pillars="H", locations=[areas["SS0101"]], sectors=[wash], implementers=[a, b])
    factories.programme(pillars="D", locations=[areas["SS0102"]], sectors=[wash], implementers=[a])
    national = factories.programme(pillars="D", locations=[areas["SS"]], sectors=[education], reporting_actor=c)
    ProgrammeParticipant.objects.filter(programme=national).delete()  # no implementer: the reporter counts

    result = dashboard.who_does_what_where("SS", TODAY)

    ss01 = areas["SS01"].pk
    assert result.cells[(ss01, "WSH")] == {"all": 2, "H": 2, "D": 1, "P": 0}
    assert result.cells[(0, "DAC3:112")] == {"all": 1, "H": 0, "D": 1, "P": 0}
    assert result.families == [("DAC3:112", "Basic Education"), ("WSH", "Water Sanitation Hygiene")]
    assert [pcode for _id, pcode, _name in result.areas] == ["SS01", "SS02", "SS03", "SS04", "SS"]
    assert result.total_actors == 3
