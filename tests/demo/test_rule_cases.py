"""Every rule of the catalogue has a deliberate case in the demo that meets its condition as docs/domain.md
states it, and the near-misses miss it for the documented reason."""

from datetime import timedelta

import pytest

from actors.choices import Localness
from analyses.choices import AnalysisKind, AnalysisStatus
from analyses.models import Analysis, add_months
from coordination.choices import CommitmentStatus, GoalStatus
from coordination.models import SharedGoal
from funding.choices import Earmarking, RequestStatus, Stream
from funding.models import FundingAgreement, FundingRequest
from programmes.choices import LinkStatus, LinkType
from programmes.models import Programme, ProgrammeLink
from reference.models import Area
from tests.demo import conditions as c
from tests.demo.conditions import programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


@pytest.fixture
def as_of(demo):
    return demo.as_of


def assert_unlinked_pair(p: Programme, q: Programme, as_of, *, area: str) -> None:
    """Both active, sharing `area` as their most specific area, overlapping ≥ 30 days, not linked, and no
    other active programme shares an area with either (so nothing else adds or removes a pair)."""
    assert c.is_active(p, as_of) and c.is_active(q, as_of)
    assert {a.pcode for a in c.shared_areas(p, q)} == {area}
    assert c.overlap_days(p, q) >= 30
    assert not c.linked(p, q)
    assert {n.pk for n in c.active_neighbours(p, as_of)} == {q.pk}
    assert {n.pk for n in c.active_neighbours(q, as_of)} == {p.pk}


# --- cross-pillar-silo ------------------------------------------------------------------------------


def test_cross_pillar_silo_pairs_h_only_food_and_d_only_livelihoods_in_aweil_east(as_of):
    food = programme("Aweil East: emergency food distribution (WFP)")
    livelihoods = programme("Aweil East: village savings groups and small business skills (ACDI)")
    assert c.pillars(food) == "H" and c.pillars(livelihoods) == "D"
    assert_unlinked_pair(food, livelihoods, as_of, area="SS0502")
    assert c.running_months(food, as_of) >= 12 and c.running_months(livelihoods, as_of) >= 12  # high
    assert not c.families(food) & c.families(livelihoods)  # not an overlap as well


def test_cross_pillar_silo_near_misses_are_linked_country_only_or_overlap_less_than_30_days(as_of):
    nutrition = programme("Aweil Centre: nutrition screening and treatment (UNICEF)")
    health = programme("Aweil Centre: county health system strengthening (Ministry of Health)")
    assert c.shared_areas(nutrition, health) and c.overlap_days(nutrition, health) >= 30
    assert c.linked(nutrition, health)
    cholera = programme("South Sudan (country-wide): cholera preparedness stockpiles (UNICEF)")
    assert c.is_active(cholera, as_of) and c.pillars(cholera) == "H"
    assert c.sub_national_locations(cholera) == []
    flood = programme("Aweil South: flood response kits (NRC)")
    dyke = programme("Aweil South: dyke maintenance with county authorities (UNDP)")
    assert c.is_active(flood, as_of) and c.is_active(dyke, as_of)  # the dyke work is in the pipeline
    assert c.shared_areas(flood, dyke) and not c.linked(flood, dyke)
    assert 0 < c.overlap_days(flood, dyke) < 30


# --- internal-silo ----------------------------------------------------------------------------------


def test_internal_silo_is_nca_running_unlinked_wash_and_peace_programmes_in_torit(as_of):
    wash = programme("Torit: WASH recovery and water user committees (NCA)")
    peace = programme("Torit: interchurch dialogue and local peace committees (NCA)")
    assert c.implementers(wash) == c.implementers(peace) == {wash.reporting_actor_id}
    assert c.pillars(wash) == "HD" and c.pillars(peace) == "P"
    assert_unlinked_pair(wash, peace, as_of, area="SS0208")


def test_internal_silo_near_miss_is_nca_joint_programme_in_magwi(as_of):
    shelter = programme("Magwi: returnee reintegration and shelter (NCA)")
    mediation = programme("Magwi: land dispute mediation for returnees (NCA)")
    assert c.implementers(shelter) == c.implementers(mediation)
    assert c.shared_areas(shelter, mediation) and c.overlap_days(shelter, mediation) >= 30
    assert ProgrammeLink.objects.filter(from_programme=shelter, to_programme=mediation, link_type=LinkType.JOINT)
    assert c.linked(shelter, mediation)


# --- overlap ----------------------------------------------------------------------------------------


def test_overlap_is_two_humanitarian_wash_programmes_of_different_actors_in_malakal(as_of):
    oxfam = programme("Malakal: emergency water trucking and latrines (Oxfam)")
    unrda = programme("Malakal: hygiene kits and water point repair (UNRDA)")
    assert not c.implementers(oxfam) & c.implementers(unrda)
    assert "WSH" in c.families(oxfam) & c.families(unrda)
    assert c.pillars(oxfam) == c.pillars(unrda) == "H"  # both humanitarian in the same cluster: high
    assert_unlinked_pair(oxfam, unrda, as_of, area="SS0707")


def test_overlap_near_miss_is_the_bor_south_education_consortium(as_of):
    teachers = programme("Bor South: primary school teacher training (Save the Children Norway)")
    learning = programme("Bor South: accelerated learning for out-of-school youth (UNICEF)")
    assert not c.implementers(teachers) & c.implementers(learning)
    assert c.families(teachers) & c.families(learning) == {"EDU"}
    assert c.shared_areas(teachers, learning) and c.overlap_days(teachers, learning) >= 30
    assert c.linked(teachers, learning)


# --- humanitarian-run-over --------------------------------------------------------------------------


def test_humanitarian_run_over_is_wfp_arriving_where_unrda_farmed_for_two_years_in_renk(as_of):
    food = programme("Renk: emergency food assistance for returnees from Sudan (WFP)")
    farming = programme("Renk: smallholder irrigation and seed systems (UNRDA)")
    assert "H" in c.pillars(food) and 0 <= (as_of - food.start_date).days <= 180
    assert "D" in c.pillars(farming) and c.running_months(farming, as_of) >= 24
    assert not c.implementers(food) & c.implementers(farming)
    assert "FSC" in c.families(food) & c.families(farming)
    assert_unlinked_pair(food, farming, as_of, area="SS0711")


# --- stale-analysis ---------------------------------------------------------------------------------


def newest_published(kind: str, area: Area) -> Analysis:
    covering = [a for a in c.covering_analyses(area, kinds=[kind]) if a.status == AnalysisStatus.PUBLISHED]
    return max(covering, key=lambda a: a.conducted_on)


def test_stale_analysis_pibor_conflict_analysis_has_a_trigger_event_after_it(as_of):
    pibor = Area.objects.get(pcode="SS0308")
    analysis = Analysis.objects.get(title="Pibor conflict analysis")
    assert analysis.status == AnalysisStatus.PUBLISHED and not c.is_superseded(analysis)
    assert analysis.review_due >= as_of  # stale only because of the event
    assert [e.area.pcode for e in c.trigger_events(analysis, as_of)] == ["SS0308"]
    assert newest_published(AnalysisKind.CONFLICT, pibor) == analysis
    assert any(c.is_active(p, as_of) and "H" in c.pillars(p) for p in pibor.programmes.all())  # high


def test_stale_analysis_somalia_conflict_analysis_is_past_its_review_date(as_of):
    analysis = Analysis.objects.get(title="Somalia conflict analysis")
    assert analysis.review_due < as_of and not c.is_superseded(analysis)
    assert newest_published(AnalysisKind.CONFLICT, Area.objects.get(pcode="SO")) == analysis
    assert any(c.is_active(p, as_of) for p in Programme.objects.filter(locations__country_code="SO"))
    previous = Analysis.objects.get(title="Somalia conflict analysis (previous version)")
    assert c.is_superseded(previous)  # the near-miss: old versions are never stale


def test_only_the_two_deliberate_analyses_are_stale(as_of):
    stale = {a.title for a in Analysis.objects.all() if c.is_stale(a, as_of)}
    assert stale == {"Pibor conflict analysis", "Somalia conflict analysis"}


# --- country-level-analysis-only --------------------------------------------------------------------


def test_country_level_analysis_only_mopti_is_covered_by_country_analyses_alone(as_of):
    for title in (
        "Bandiagara: health centre rehabilitation (CARE Norway)",
        "Mopti: food assistance for displaced families (WFP)",
    ):
        p = programme(title)
        assert c.is_active(p, as_of)
        (location,) = c.sub_national_locations(p)
        assert location.parent.pcode == "ML05"
        coverage = c.current_coverage(location, as_of)
        assert {a.title for a in coverage} == {"Mali context analysis", "Mali conflict analysis"}
        assert all(area.level == 0 for a in coverage for area in a.scope_areas.all())


def test_country_level_analysis_only_near_miss_niono_has_a_district_analysis(as_of):
    (niono,) = c.sub_national_locations(programme("Niono: irrigated rice value chains (AMDR)"))
    coverage = c.current_coverage(niono, as_of)
    assert "Conflict analysis: Niono and Macina cercles" in {a.title for a in coverage}
    assert any(area.level == 2 for a in coverage for area in a.scope_areas.all())


# --- uncovered-programme ----------------------------------------------------------------------------


def test_uncovered_programme_doolow_has_no_current_conflict_or_context_analysis(as_of):
    doolow = programme("Doolow: water supply for IDP settlements (GCRO)")
    assert c.is_active(doolow, as_of)
    (location,) = doolow.locations.all()
    assert c.covering_analyses(location)  # analyses exist, but none is current
    assert c.current_coverage(location, as_of) == []
    needs = Analysis.objects.get(title="Gedo needs assessment")
    assert c.is_current(needs, as_of) and needs.kind == AnalysisKind.NEEDS  # the wrong kind
    assert Analysis.objects.get(title="Somalia context analysis (draft)").status == AnalysisStatus.DRAFT


def test_only_the_somali_cases_are_uncovered(as_of):
    uncovered = {
        p.title
        for p in Programme.objects.prefetch_related("locations")
        if c.is_active(p, as_of) and any(not c.current_coverage(area, as_of) for area in p.locations.all())
    }
    assert uncovered == {
        "Doolow: water supply for IDP settlements (GCRO)",
        "Somalia (national): social protection policy support (UNICEF)",
    }


# --- unlinked-programme -----------------------------------------------------------------------------


def test_unlinked_programme_tonj_east_runs_20_months_under_an_active_goal_without_contributing(as_of):
    goal = SharedGoal.objects.get(title="Collective outcome: Warrap households food secure")
    tonj = programme("Tonj East: cattle vaccination and animal health services (FAO)")
    assert goal.status == GoalStatus.ACTIVE
    assert any(area.contains(location) for area in goal.areas.all() for location in tonj.locations.all())
    assert c.is_active(tonj, as_of) and c.running_months(tonj, as_of) >= 12
    assert c.goals_of(tonj) == set()
    near_miss = programme("Gogrial West: school gardens and nutrition education (SSRC)")
    assert c.is_active(near_miss, as_of) and c.running_months(near_miss, as_of) < 12 and not c.goals_of(near_miss)


# --- weak-shared-goal -------------------------------------------------------------------------------


def goal_failures(goal: SharedGoal) -> set[str]:
    accepted = goal.commitments.filter(status=CommitmentStatus.ACCEPTED).select_related("actor")
    pillars = {p for contribution in goal.contributions.all() for p in contribution.programme.pillar_label}
    years = (goal.horizon_end - goal.horizon_start).days / 365.25
    failures = set()
    if accepted.count() < 2:
        failures.add("committed actors")
    if len(pillars) < 2:
        failures.add("pillars")
    if not goal.indicator or goal.baseline_value is None or goal.target_value is None:
        failures.add("indicator/baseline/target")
    if not 3 <= years <= 5:
        failures.add("horizon")
    if not any(commitment.actor.localness != Localness.INTERNATIONAL for commitment in accepted):
        failures.add("national/local actor")
    return failures


def test_weak_shared_goal_wau_fails_every_criterion():
    goal = SharedGoal.objects.get(title="Joint WASH response in Wau town")
    assert goal.status == GoalStatus.ACTIVE
    assert goal_failures(goal) == {
        "committed actors",
        "pillars",
        "indicator/baseline/target",
        "horizon",
        "national/local actor",
    }
    assert goal.commitments.filter(status=CommitmentStatus.INVITED).exists()  # invited is not committed


def test_every_other_active_goal_is_well_formed():
    for goal in SharedGoal.objects.filter(status=GoalStatus.ACTIVE).exclude(title="Joint WASH response in Wau town"):
        assert goal_failures(goal) == set(), goal.title


# --- localisation-shortfall and funding-imbalance ---------------------------------------------------


def last_three_years(as_of) -> list[int]:
    return [as_of.year - 2, as_of.year - 1, as_of.year]


def humanitarian_share_to_local(donor: str, country: str, year: int) -> float:
    """Direct (tier 1) plus through one intermediary (tier 2), over the donor's humanitarian total."""
    top = FundingAgreement.objects.filter(
        donor__acronym=donor, countries__pcode=country, stream=Stream.HUMANITARIAN, parent__isnull=True
    ).select_related("recipient")
    total = sum(c.agreement_amount_in_year(a, year) for a in top)
    tier1 = sum(c.agreement_amount_in_year(a, year) for a in top if a.recipient.is_national_or_local)
    tier2 = sum(
        c.agreement_amount_in_year(s, year) for a in top for s in a.sub_grants.all() if s.recipient.is_national_or_local
    )
    return float((tier1 + tier2) / total)


@pytest.mark.parametrize(("country", "low", "high"), [("SS", 0, 0.10), ("SO", 0.10, 0.25), ("ML", 0.25, 1)])
def test_localisation_shares_of_the_mfa_humanitarian_funding(as_of, country, low, high):
    """South Sudan: high shortfall (< 10 %); Somalia: medium (10–25 %); Mali: the near-miss (≥ 25 %)."""
    for year in last_three_years(as_of):
        assert low <= humanitarian_share_to_local("MFA", country, year) < high


def test_localisation_third_tier_is_not_a_direct_or_one_intermediary_grant():
    third = FundingAgreement.objects.get(reference="UNRDA-SSD-JYP")
    assert third.parent.parent.reference == "MFA-SSD-SSHF" and third.parent.parent.parent is None


def development_and_peace_over_humanitarian(country: str, as_of) -> tuple[list, float]:
    top = FundingAgreement.objects.filter(countries__pcode=country, parent__isnull=True)
    humanitarian = [
        sum(c.agreement_amount_in_year(a, y) for a in top.filter(stream=Stream.HUMANITARIAN))
        for y in last_three_years(as_of)
    ]
    other = sum(
        c.agreement_amount_in_year(a, y)
        for a in top.exclude(stream=Stream.HUMANITARIAN)
        for y in last_three_years(as_of)
    )
    return humanitarian, float(other / sum(humanitarian))


def test_funding_imbalance_south_sudan_gets_too_little_long_term_money(as_of):
    humanitarian, ratio = development_and_peace_over_humanitarian("SS", as_of)
    assert all(amount > 0 for amount in humanitarian)
    assert ratio < 0.5


@pytest.mark.parametrize("country", ["SO", "ML"])
def test_funding_imbalance_near_misses_are_balanced_enough(as_of, country):
    humanitarian, ratio = development_and_peace_over_humanitarian(country, as_of)
    assert all(amount > 0 for amount in humanitarian) and ratio >= 0.5


# --- no-exit-strategy -------------------------------------------------------------------------------


def has_exit(p: Programme) -> bool:
    sequenced = ProgrammeLink.objects.filter(link_type=LinkType.SEQUENCED, status=LinkStatus.CONFIRMED)
    handover_link = (
        sequenced.filter(from_programme=p, to_programme__pillar_d=True).exists()
        or sequenced.filter(to_programme=p, from_programme__pillar_d=True).exists()
    )
    return bool(p.transition_plan or p.handover_actor_id or handover_link)


def test_no_exit_strategy_bentiu_runs_39_months_and_panyijiar_ends_soon_without_any_exit(as_of):
    bentiu = programme("Bentiu IDP camp: camp coordination and management (NRC)")
    panyijiar = programme("Panyijiar: emergency health services for new arrivals (IRC)")
    assert c.is_active(bentiu, as_of) and c.pillars(bentiu) == "H" and c.running_months(bentiu, as_of) >= 36
    assert c.is_active(panyijiar, as_of) and c.pillars(panyijiar) == "H"
    assert c.running_months(panyijiar, as_of) < 24 and panyijiar.end_date <= add_months(as_of, 6)
    assert not has_exit(bentiu) and not has_exit(panyijiar)


def test_no_exit_strategy_near_miss_leer_has_a_plan_a_handover_actor_and_a_sequenced_link(as_of):
    leer = programme("Leer: emergency nutrition response (UNICEF)")
    assert c.pillars(leer) == "H" and c.running_months(leer, as_of) >= 24
    assert leer.transition_plan and leer.handover_actor.name == "Ministry of Health, South Sudan"
    assert ProgrammeLink.objects.filter(from_programme=leer, link_type=LinkType.SEQUENCED, to_programme__pillar_d=True)


def test_only_the_two_deliberate_humanitarian_programmes_lack_an_exit(as_of):
    missing = {
        p.title
        for p in Programme.objects.filter(pillar_h=True, pillar_d=False, pillar_p=False)
        if c.is_active(p, as_of)
        and (c.running_months(p, as_of) >= 24 or (p.end_date and p.end_date <= add_months(as_of, 6)))
        and not has_exit(p)
    }
    assert missing == {
        "Bentiu IDP camp: camp coordination and management (NRC)",
        "Panyijiar: emergency health services for new arrivals (IRC)",
    }


# --- inflexible-funding-in-crisis -------------------------------------------------------------------


def test_inflexible_funding_norad_funds_yei_tightly_earmarked_without_crisis_modifier(as_of):
    agreement = FundingAgreement.objects.get(reference="NORAD-SSD-YEI-AGRI")
    assert agreement.stream == Stream.DEVELOPMENT and agreement.start_date <= as_of <= agreement.end_date
    assert agreement.earmarking == Earmarking.TIGHTLY_EARMARKED and not agreement.crisis_modifier
    (funded,) = agreement.funded_programmes.all()
    (yei,) = funded.locations.all()
    in_yei = Programme.objects.filter(locations=yei).exclude(pk=funded.pk)
    assert any(c.is_active(p, as_of) and "H" in c.pillars(p) for p in in_yei)
    assert yei.context_events.filter(date__gt=as_of - timedelta(days=365), date__lte=as_of).exists()
    near_miss = FundingAgreement.objects.get(reference="RNE-JUBA-YEI-AGRI")
    assert near_miss.crisis_modifier and list(near_miss.funded_programmes.all()) == [funded]


def test_only_the_yei_agreement_is_rigid_development_money(as_of):
    rigid = FundingAgreement.objects.filter(
        stream=Stream.DEVELOPMENT,
        start_date__lte=as_of,
        end_date__gte=as_of,
        earmarking__gte=Earmarking.EARMARKED,
        crisis_modifier=False,
    )
    assert list(rigid.values_list("reference", flat=True)) == ["NORAD-SSD-YEI-AGRI"]


# --- between-two-chairs -----------------------------------------------------------------------------


def test_between_two_chairs_requests_bounce_twice_are_refused_by_two_units_or_wait(as_of):
    bounced = FundingRequest.objects.get(title="Durable solutions for returnees in Renk (nexus proposal)")
    redirects = bounced.events.filter(status=RequestStatus.REDIRECTED).order_by("date")
    assert [(e.unit.acronym, e.redirected_to.acronym) for e in redirects] == [("MFA", "Norad"), ("Norad", "RNE Juba")]
    refused = FundingRequest.objects.get(title="Youth peace dividends in Ménaka")
    units = refused.events.filter(status=RequestStatus.DECLINED, outside_mandate=True).values_list("unit__acronym")
    assert sorted(u for (u,) in units) == ["MFA", "Norad"]
    waiting = FundingRequest.objects.get(title="Mobile courts for land disputes in Baidoa")
    assert waiting.status == RequestStatus.PENDING and waiting.decision_date is None
    assert (as_of - waiting.submitted_on).days > 60


def test_between_two_chairs_near_misses_are_recent_redirected_once_or_refused_by_one_unit(as_of):
    recent = FundingRequest.objects.get(title="Cash for work on feeder roads in Maban")
    assert recent.status == RequestStatus.PENDING and (as_of - recent.submitted_on).days <= 60
    once = FundingRequest.objects.get(title="Emergency seed distribution in Gao")
    assert once.events.filter(status=RequestStatus.REDIRECTED).count() == 1 and once.status == RequestStatus.APPROVED
    one_unit = FundingRequest.objects.get(title="Teacher salaries in Jonglei")
    assert one_unit.events.filter(status=RequestStatus.DECLINED, outside_mandate=True).count() == 1


# --- principles-conflict ----------------------------------------------------------------------------


def test_principles_conflict_only_the_south_sudan_red_cross_must_get_government_approval():
    clauses = FundingAgreement.objects.filter(requires_government_approval=True).select_related("recipient")
    conflicts = [a.reference for a in clauses if a.recipient.adheres_to_humanitarian_principles]
    assert conflicts == ["NORAD-SSD-SSRC-DRR"]
    near_miss = FundingAgreement.objects.get(reference="RNE-BAMAKO-DNH-WATER")
    assert near_miss.requires_government_approval and not near_miss.recipient.adheres_to_humanitarian_principles


# --- stale-goal-progress ----------------------------------------------------------------------------


def test_stale_goal_progress_lakes_goal_has_no_report_in_the_last_12_months(as_of):
    goal = SharedGoal.objects.get(title="Collective outcome: acute malnutrition in Lakes below emergency threshold")
    assert goal.status == GoalStatus.ACTIVE and goal.horizon_start < add_months(as_of, -12)
    latest = goal.progress_reports.order_by("-date").first()
    assert latest.date < add_months(as_of, -12)
    assert goal_failures(goal) == set()  # otherwise a well-formed goal


def test_stale_goal_progress_near_misses_started_recently_or_report_regularly(as_of):
    recent = SharedGoal.objects.get(title="Collective outcome: Western Equatoria resilient livelihoods")
    assert recent.horizon_start > add_months(as_of, -12) and not recent.progress_reports.exists()
    measured = SharedGoal.objects.filter(status=GoalStatus.ACTIVE, horizon_start__lt=add_months(as_of, -12))
    unmeasured = [g.title for g in measured if not g.progress_reports.filter(date__gte=add_months(as_of, -12))]
    assert unmeasured == ["Collective outcome: acute malnutrition in Lakes below emergency threshold"]


# --- stale-record -----------------------------------------------------------------------------------


def test_stale_record_terekeka_water_points_were_last_edited_8_months_ago(as_of):
    solar = programme("Terekeka: solar-powered water points (Nordic Solar Water AS)")
    assert c.is_active(solar, as_of)
    assert solar.updated_at.date() < add_months(as_of, -6)
    literacy = programme("Terekeka: adult literacy circles (JWPN)")
    assert c.is_active(literacy, as_of) and literacy.updated_at.date() > add_months(as_of, -6)
    closed = programme("Terekeka: cholera response (SSRC, closed)")
    assert not c.is_active(closed, as_of) and closed.updated_at.date() < add_months(as_of, -6)


def test_only_one_active_programme_is_a_stale_record(as_of):
    stale = [
        p.title for p in Programme.objects.filter(updated_at__date__lt=add_months(as_of, -6)) if c.is_active(p, as_of)
    ]
    assert stale == ["Terekeka: solar-powered water points (Nordic Solar Water AS)"]
