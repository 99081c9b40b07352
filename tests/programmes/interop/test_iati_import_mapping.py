"""Every IATI element the import maps lands in its portal field (docs/interoperability.md has the table).

Two files: the portal's own fixture (every mapped element, values chosen to show each decision) and the
IATI standard's annotated example activity, imported as published.
"""

from datetime import date
from decimal import Decimal

import pytest

from actors.choices import ActorKind, Localness
from actors.models import Actor, ActorAlias, AliasSource
from funding.choices import Stream
from funding.models import FundingAgreement
from programmes.choices import ActivityStatus, LinkStatus, LinkType, OrganisationRole
from programmes.models import Programme, ProgrammeLink
from programmes.models_imports import ImportStatus, ProblemLevel
from tests.programmes.interop.iati_files import EXAMPLE, MAPPING

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(reference_data, import_file):
    job = import_file(MAPPING)
    assert job.status == ImportStatus.DONE, job.message
    return job


@pytest.fixture
def water(imported) -> Programme:
    return Programme.objects.get(iati_identifier="XM-TEST-NGO1-ACT1")


def test_the_job_counts_both_activities_as_created(imported):
    assert (imported.total, imported.processed, imported.created_count, imported.error_count) == (2, 2, 2, 0)


def test_title_and_description_prefer_english_and_description_types_map_to_their_fields(water):
    assert water.title == "Water for Juba"  # the English narrative, although Norwegian comes first
    assert water.description == "Safe water for Juba.\nSecond paragraph line."  # type 1, line breaks kept
    assert water.target_groups == "Displaced households in Juba"  # type 3
    assert "Objectives" not in water.description  # type 2 is not mapped


def test_the_reporting_org_becomes_the_reporting_actor_with_its_identifier_and_type(water):
    actor = water.reporting_actor
    assert (actor.name, actor.iati_identifier, actor.iati_org_type) == ("Hope International", "XM-TEST-NGO1", "21")
    assert (actor.kind, actor.localness) == (ActorKind.INTERNATIONAL_NGO, Localness.INTERNATIONAL)


def test_participating_orgs_become_participants_with_their_roles(water):
    rows = {(p.actor.name, p.role) for p in water.participations.select_related("actor")}
    assert rows == {
        ("Ministry of Foreign Affairs of Testland", OrganisationRole.FUNDING),
        ("Hope International", OrganisationRole.ACCOUNTABLE),
        ("Hope International", OrganisationRole.EXTENDING),
        ("Juba Women's Association", OrganisationRole.IMPLEMENTING),
        ("Kenya Relief", OrganisationRole.IMPLEMENTING),
    }  # the organisation with role 9 is left out


def test_new_organisations_get_kind_and_localness_from_their_iati_type(water):
    expected = {
        "Ministry of Foreign Affairs of Testland": ("10", ActorKind.NATIONAL_AUTHORITY, Localness.NATIONAL),
        "Juba Women's Association": ("24", ActorKind.LOCAL_NGO, Localness.LOCAL),
        "Kenya Relief": ("22", ActorKind.NATIONAL_NGO, Localness.NATIONAL),
    }
    for name, (org_type, kind, localness) in expected.items():
        actor = Actor.objects.get(name=name)
        assert (actor.iati_org_type, actor.kind, actor.localness) == (org_type, kind, localness), name
    assert Actor.objects.get(name="Juba Women's Association").iati_identifier == ""  # the file gives no ref


def test_another_name_for_a_known_organisation_is_kept_as_an_import_alias(water):
    alias = ActorAlias.objects.get(actor=water.reporting_actor)
    assert (alias.name, alias.normalised, alias.source) == ("Hope Intl.", "hope intl", AliasSource.IMPORT)


def test_status_and_the_four_activity_dates(water):
    assert water.status == ActivityStatus.IMPLEMENTATION
    assert (water.planned_start, water.actual_start) == (date(2025, 1, 1), date(2025, 2, 1))
    assert (water.planned_end, water.actual_end) == (date(2027, 12, 31), date(2027, 6, 30))


def test_each_location_keeps_its_finest_known_area_and_a_country_only_where_nothing_finer_is_known(water):
    rows = {(link.area.pcode, link.vocabulary) for link in water.location_links.select_related("area")}
    # SS0101 (not its parent SS01) from the administrative codes; KE from recipient-country, coded A4;
    # SS is not added: Juba already places the activity in South Sudan.
    assert rows == {("SS0101", "A1"), ("KE", "A4")}


def test_an_unknown_place_is_a_warning_when_another_place_remains(imported):
    warning = imported.problems.get(identifier="XM-TEST-NGO1-ACT1", message__startswith="Places not known")
    assert warning.level == ProblemLevel.WARNING
    assert "Unmapped village (1234567)" in warning.message


def test_sectors_of_the_three_portal_vocabularies_with_percentages(water):
    rows = {
        (share.sector.vocabulary, share.sector.code, share.percentage)
        for share in water.sector_shares.select_related("sector")
    }
    assert rows == {
        (1, "14030", Decimal("60.00")),  # no vocabulary attribute means DAC 5-digit
        (1, "72010", Decimal("40.00")),
        (2, "140", Decimal("100.00")),
        (10, "WSH", Decimal("100.00")),
    }


def test_sectors_of_other_vocabularies_are_kept_as_given(water):
    assert water.other_sectors == [
        {
            "vocabulary": "99",
            "vocabulary_uri": "https://example.org/sectors",
            "code": "W-7",
            "percentage": "100",
            "narrative": "Water trucking",
        }
    ]


def test_the_humanitarian_flag_and_sectors_give_the_derived_pillars(water):
    assert water.humanitarian is True
    assert not water.pillars_explicit
    assert water.pillars == {"H"}


def test_humanitarian_scopes_with_type_vocabulary_uri_code_and_english_narrative(water):
    rows = {
        (s.scope_type, s.vocabulary, s.vocabulary_uri, s.code, s.narrative) for s in water.humanitarian_scopes.all()
    }
    assert rows == {
        (1, "1-2", "", "FL-2025-000012-SSD", "South Sudan floods 2025"),
        (2, "99", "https://example.org/appeals", "HRP-SSD-2025", "Response plan 2025"),
    }


def test_the_total_budget_prefers_the_revised_budget_of_a_period_in_the_default_currency(water):
    # 2025: revised 1,200,000 replaces the original 1,000,000; 2026: 800,000.50. Currency: default-currency.
    assert (water.total_budget, water.currency) == (Decimal("2000000.50"), "NOK")


def agreement_between(donor: str, recipient: str) -> FundingAgreement:
    return FundingAgreement.objects.get(donor__name=donor, recipient__name=recipient)


def test_incoming_funds_give_an_agreement_from_the_provider_with_the_committed_amount(water):
    agreement = agreement_between("Ministry of Foreign Affairs of Testland", "Hope International")
    # The incoming commitment (1,500,000) counts, not the incoming funds paid against it (500,000).
    assert (agreement.amount, agreement.currency) == (Decimal("1500000.00"), "NOK")
    assert (agreement.start_date, agreement.end_date) == (water.actual_start, water.actual_end)
    assert agreement.stream == Stream.HUMANITARIAN
    assert agreement.parent is None
    assert agreement.reference.startswith("IATI:XM-TEST-NGO1-ACT1:")
    assert list(agreement.funded_programmes.all()) == [water]


def test_outgoing_commitments_and_disbursements_are_sub_grants_of_the_incoming_agreement(water):
    incoming = agreement_between("Ministry of Foreign Affairs of Testland", "Hope International")
    to_local = agreement_between("Hope International", "Juba Women's Association")
    to_kenya = agreement_between("Hope International", "Kenya Relief")
    assert to_local.amount == Decimal("300000.00")  # the commitment, not commitment + disbursement
    assert to_kenya.amount == Decimal("200000.00")  # disbursements only: their sum
    assert to_local.parent == incoming and to_kenya.parent == incoming
    assert FundingAgreement.objects.count() == 3  # the expenditure (type 4) gives no agreement


def test_a_related_activity_in_the_same_file_becomes_one_confirmed_link(water):
    peace = Programme.objects.get(iati_identifier="XM-TEST-NGO1-ACT2")
    link = ProgrammeLink.objects.get()
    assert {link.from_programme, link.to_programme} == {water, peace}
    assert (link.link_type, link.status) == (LinkType.COMPLEMENTARY, LinkStatus.CONFIRMED)  # same reporter


def test_a_related_activity_not_in_the_portal_is_kept_for_later(water):
    assert water.unresolved_related_activities == [{"ref": "XM-TEST-ELSEWHERE-9", "type": "1"}]


def test_the_second_activity_with_a_single_sector_without_percentage_gets_100_and_the_peace_pillar(imported):
    peace = Programme.objects.get(iati_identifier="XM-TEST-NGO1-ACT2")
    assert [(s.sector.code, s.percentage) for s in peace.sector_shares.all()] == [("15220", Decimal("100.00"))]
    assert peace.pillars == {"P"}
    assert (peace.status, peace.planned_start, peace.total_budget) == (ActivityStatus.PIPELINE, date(2026, 3, 1), None)
    assert [link.area.pcode for link in peace.location_links.all()] == ["SS02"]
    assert peace.humanitarian is False and not peace.humanitarian_scopes.exists()


def test_the_iati_standard_example_activity_imports_with_its_published_values(reference_data, import_file):
    job = import_file(EXAMPLE)

    assert (job.status, job.created_count, job.error_count) == (ImportStatus.DONE, 1, 0)
    programme = Programme.objects.get(iati_identifier="AA-AAA-123456789-ABC123")
    assert programme.title == "Activity title"
    assert programme.description.startswith("General activity description text.")
    assert programme.target_groups == "Statement of groups targeted to benefit from the activity."
    assert programme.reporting_actor.name == "Organisation name"
    assert (programme.reporting_actor.kind, programme.reporting_actor.iati_org_type) == (ActorKind.UN_AGENCY, "40")
    assert programme.status == ActivityStatus.IMPLEMENTATION
    assert (programme.planned_start, programme.actual_start, programme.planned_end) == (
        date(2012, 4, 15), date(2012, 4, 28), date(2015, 12, 31),
    )  # fmt: skip
    assert programme.humanitarian is True
    assert (programme.total_budget, programme.currency) == (Decimal("3000.00"), "EUR")  # the budget's own currency
    # The administrative codes are GeoNames ids, not p-codes: the two recipient countries place it.
    assert {(link.area.pcode, link.vocabulary) for link in programme.location_links.all()} == {
        ("AF", "A4"),
        ("AG", "A4"),
    }
    assert {(s.sector.code, s.percentage) for s in programme.sector_shares.all()} == {
        ("111", Decimal("50.00")), ("112", Decimal("50.00")),
    }  # fmt: skip
    assert programme.other_sectors == [
        {"vocabulary": "99", "vocabulary_uri": "http://example.com/vocab.html", "code": "A1", "percentage": "100",
         "narrative": "A description of the sector"},
    ]  # fmt: skip
    assert {(s.scope_type, s.vocabulary, s.code, s.narrative) for s in programme.humanitarian_scopes.all()} == {
        (1, "1-2", "EQ-2015-000048-NPL", "Nepal Earthquake April 2015"),
        (1, "99", "A1", "Nepal Earthquake April 2015"),
    }
    participants = {(p.actor.iati_identifier, p.role) for p in programme.participations.select_related("actor")}
    assert participants == {("BB-BBB-123456789", 1), ("CC-CCC-123456789", 2), ("AA-AAA-123456789", 3)}
    agreement = FundingAgreement.objects.get()
    assert (agreement.donor.iati_identifier, agreement.recipient.iati_identifier) == (
        "BB-BBB-123456789", "AA-AAA-123456789",
    )  # fmt: skip
    assert (agreement.amount, agreement.currency, agreement.stream) == (Decimal("1000.00"), "EUR", Stream.HUMANITARIAN)
    assert programme.unresolved_related_activities == [{"ref": "AA-AAA-123456789-6789", "type": "1"}]
    places = job.problems.get(message__startswith="Places not known")
    assert "1453782" in places.message and places.level == ProblemLevel.WARNING
