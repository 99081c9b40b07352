"""manage.py load_demo builds a realistic data set covering every choice, once."""

import io
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from actors.choices import ActorKind, Localness, MembershipRole
from actors.models import Actor, Membership, User
from analyses.choices import AnalysisKind, AnalysisStatus, EventType, Sensitivity
from analyses.models import Analysis, ContextEvent
from coordination.choices import CommitmentRole, CommitmentStatus, GoalStatus
from coordination.models import Contribution, GoalCommitment, GoalProgress, SharedGoal
from funding.choices import Earmarking, Modality, RequestStatus, Stream, TrancheKind
from funding.models import FundingAgreement, FundingRequest, FundingRequestEvent, Tranche
from nexus_portal.demo.cases import CASES
from nexus_portal.demo.loader import COUNTED
from nexus_portal.demo.users import DEMO_PASSWORD, USERS
from programmes.choices import ActivityStatus, LinkStatus, LinkType, OrganisationRole
from programmes.models import Programme, ProgrammeLink, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from reference.models import Area

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

DOCS = Path(settings.BASE_DIR) / "docs" / "demo-data.md"


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_it_works_in_three_crisis_countries_with_real_admin_areas():
    countries = set(ProgrammeLocation.objects.values_list("area__country_code", flat=True))
    assert {"SS", "ML", "SO"} <= countries
    aweil_east = Area.objects.get(pcode="SS0502")
    assert (aweil_east.name, aweil_east.level, aweil_east.parent.pcode, aweil_east.path) == (
        "Aweil East",
        2,
        "SS05",
        "/SS/SS05/SS0502/",
    )
    assert set(ProgrammeLocation.objects.values_list("area__level", flat=True)) == {0, 1, 2}


def test_it_creates_at_least_40_actors_of_every_kind_and_localness():
    assert Actor.objects.count() >= 40
    assert set(Actor.objects.values_list("kind", flat=True)) == set(ActorKind.values)
    assert set(Actor.objects.values_list("localness", flat=True)) == set(Localness.values)
    mfa = Actor.objects.get(acronym="MFA")
    assert set(Actor.objects.filter(kind=ActorKind.EMBASSY).values_list("parent", flat=True)) == {mfa.pk}
    assert Actor.objects.filter(mandate_humanitarian=True).exists()
    assert Actor.objects.filter(mandate_development=True).exists()
    assert Actor.objects.filter(mandate_peace=True).exists()
    assert Actor.objects.filter(adheres_to_humanitarian_principles=True).count() >= 10
    assert Actor.objects.exclude(iati_identifier="").count() >= 5
    assert not Actor.objects.filter(countries__isnull=True).exists()


def test_it_creates_at_least_150_programmes_of_every_pillar_status_and_role():
    programmes = Programme.objects.all()
    assert programmes.count() >= 150
    labels = {p.pillar_label for p in programmes}
    assert {"H", "D", "P", "HD", "HDP"} <= labels
    assert set(programmes.values_list("status", flat=True)) == set(ActivityStatus.values)
    assert set(ProgrammeParticipant.objects.values_list("role", flat=True)) == set(OrganisationRole.values)
    assert set(programmes.values_list("currency", flat=True)) == {"NOK", "USD"}
    assert programmes.exclude(transition_plan="").count() >= 5
    assert programmes.filter(handover_actor__isnull=False).exists()
    assert programmes.filter(pillars_explicit=False).exists()  # some keep the derived default
    assert not programmes.filter(location_links__isnull=True).exists()


def test_every_programme_splits_its_sectors_to_100_percent_per_vocabulary():
    totals = defaultdict(Decimal)
    for programme_id, vocabulary, share in ProgrammeSector.objects.values_list(
        "programme_id", "sector__vocabulary", "percentage"
    ):
        totals[(programme_id, vocabulary)] += share
    assert totals and set(totals.values()) == {Decimal(100)}
    assert {vocabulary for _, vocabulary in totals} == {1, 2, 10}  # DAC 5-digit, DAC 3-digit and clusters


def test_every_record_passes_model_validation():
    for model in (Programme, FundingAgreement, FundingRequest, SharedGoal, Analysis, Actor):
        for obj in model.objects.all():
            obj.full_clean()


def test_it_links_programmes_with_every_link_type_and_status():
    assert set(ProgrammeLink.objects.values_list("link_type", flat=True)) == set(LinkType.values)
    assert set(ProgrammeLink.objects.values_list("status", flat=True)) == set(LinkStatus.values)


def test_it_creates_shared_goals_with_commitments_contributions_and_progress():
    assert set(SharedGoal.objects.values_list("status", flat=True)) == set(GoalStatus.values)
    assert set(GoalCommitment.objects.values_list("role", flat=True)) == set(CommitmentRole.values)
    assert set(GoalCommitment.objects.values_list("status", flat=True)) == set(CommitmentStatus.values)
    assert Contribution.objects.count() >= 20
    assert GoalProgress.objects.count() >= 8


def test_it_creates_analyses_of_every_kind_sensitivity_status_and_age():
    analyses = Analysis.objects.all()
    assert set(analyses.values_list("kind", flat=True)) == set(AnalysisKind.values)
    assert set(analyses.values_list("sensitivity", flat=True)) == set(Sensitivity.values)
    assert set(analyses.values_list("status", flat=True)) == set(AnalysisStatus.values)
    assert analyses.filter(supersedes__supersedes__isnull=False).exists()  # a chain of three versions
    assert set(analyses.values_list("scope_areas__level", flat=True)) == {0, 1, 2}
    author_counts = {a.author_actors.count() for a in analyses}
    assert {1, 2} <= author_counts  # single-author and joint
    assert analyses.filter(shared_with_actors__isnull=False).exists()
    assert analyses.filter(shared_with_users__isnull=False).exists()
    assert set(ContextEvent.objects.values_list("event_type", flat=True)) == set(EventType.values)


def test_it_funds_through_every_stream_modality_and_earmarking_level():
    agreements = FundingAgreement.objects.all()
    assert set(agreements.values_list("stream", flat=True)) == set(Stream.values)
    assert set(agreements.values_list("modality", flat=True)) == set(Modality.values)
    assert set(agreements.values_list("earmarking", flat=True)) == set(Earmarking.values)
    assert agreements.filter(crisis_modifier=True, crisis_modifier_share__isnull=False).exists()
    assert agreements.filter(requires_government_approval=True).exists()
    assert set(Tranche.objects.values_list("kind", flat=True)) == set(TrancheKind.values)
    assert agreements.filter(tranches__isnull=True).exists()
    assert agreements.filter(funded_programmes__isnull=False).exists()
    assert not agreements.filter(countries__isnull=True).exists()


def test_it_builds_sub_grant_chains_to_national_and_local_partners():
    tier_two = FundingAgreement.objects.filter(parent__parent__isnull=True, parent__isnull=False)
    assert tier_two.filter(recipient__localness=Localness.LOCAL).exists()
    assert tier_two.filter(recipient__localness=Localness.NATIONAL).exists()
    assert FundingAgreement.objects.filter(parent__parent__isnull=False).exists()  # a third tier
    for sub_grant in FundingAgreement.objects.filter(parent__isnull=False):
        assert sub_grant.donor_id == sub_grant.parent.recipient_id


def test_it_keeps_funding_requests_of_every_status_with_their_history():
    assert set(FundingRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert not FundingRequest.objects.filter(events__isnull=True).exists()
    redirects = FundingRequestEvent.objects.filter(status=RequestStatus.REDIRECTED)
    assert redirects.filter(unit__acronym="MFA", redirected_to__acronym="Norad").exists()
    assert redirects.filter(unit__acronym="Norad", redirected_to__acronym="MFA").exists()


def test_it_creates_a_demo_user_for_every_role_with_the_documented_password():
    assert User.objects.get(username="demo.admin").is_superuser
    assert User.objects.filter(is_reviewer=True, username="norad.reviewer").exists()
    assert set(Membership.objects.values_list("role", flat=True)) == set(MembershipRole.values)
    assert Membership.objects.filter(user__username="embassy.editor", actor__kind=ActorKind.EMBASSY).exists()
    assert Membership.objects.filter(user__username="local.viewer", actor__localness=Localness.LOCAL).exists()
    for spec in USERS:
        assert User.objects.get(username=spec.username).check_password(DEMO_PASSWORD)


def test_it_reports_what_it_loaded(demo):
    assert re.search(r"Demo data loaded as of \d{4}-\d\d-\d\d in [\d.]+ s: \d+ actors", demo.output)


def test_a_second_run_changes_nothing():
    before = counts()
    output = io.StringIO()
    call_command("load_demo", force=True, stdout=output)
    assert "demo data already loaded" in output.getvalue()
    assert counts() == before


def test_demo_logins_lists_every_demo_user_and_the_password():
    output = io.StringIO()
    call_command("demo_logins", stdout=output)
    text = output.getvalue()
    assert DEMO_PASSWORD in text
    for spec in USERS:
        assert spec.username in text
    assert "editor at Royal Norwegian Embassy in Juba" in text


def test_every_record_named_in_the_docs_case_table_exists():
    """Titles and references in backticks in docs/demo-data.md's rule table are real records."""
    table = DOCS.read_text(encoding="utf-8").split("## Rule cases", 1)[1]
    names = set(re.findall(r"`([^`]+)`", table))
    known = (
        set(Programme.objects.values_list("title", flat=True))
        | set(Analysis.objects.values_list("title", flat=True))
        | set(SharedGoal.objects.values_list("title", flat=True))
        | set(FundingAgreement.objects.values_list("reference", flat=True))
        | set(FundingRequest.objects.values_list("title", flat=True))
        | set(Area.objects.values_list("pcode", flat=True))
        | set(CASES)
    )
    assert len(names) >= 40
    assert sorted(names - known) == []
