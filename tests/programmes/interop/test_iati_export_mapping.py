"""What the IATI export writes for a programme: every mapped element with its values, in the schema's order.
Every export here is validated against the official 2.03 schema (test_iati_export_support.validated)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from actors.choices import ActorKind
from programmes.choices import ActivityStatus, LinkType
from programmes.interop.iati_export import decimal_text, equal_shares, iter_iati_xml
from programmes.models import Programme, ProgrammeLocation, ProgrammeParticipant
from tests import factories
from tests.programmes.interop.test_iati_export_support import (
    SCHEMA_ORDER,
    activity,
    export,
    full_programme,
    identifiers,
    validated,
)

pytestmark = pytest.mark.django_db
IDENTIFIER = "NO-BRC-971277882-QZA-16/0209"


@pytest.fixture
def reporting():
    return factories.actor("Hope Sudan", iati_identifier="NO-BRC-971277882", iati_org_type="21")


@pytest.fixture
def world(reporting):
    return full_programme(reporting, identifier=IDENTIFIER)


@pytest.fixture
def full(world, superuser):
    return activity(export(superuser), IDENTIFIER)


def attrs(elements) -> list[dict]:
    return [dict(element.attrib) for element in elements]


def texts(elements, path="narrative") -> list[str]:
    return [element.findtext(path) for element in elements]


def test_the_document_is_an_iati_203_activities_file_with_its_generation_time(world, superuser):
    moment = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.UTC)
    root = validated(b"".join(iter_iati_xml(Programme.objects.all(), user=superuser, generated_at=moment)))
    assert root.tag == "iati-activities"
    assert root.get("version") == "2.03"
    assert root.get("generated-datetime") == "2026-03-04T05:06:07+00:00"
    assert len(root) == Programme.objects.count()


def test_the_activity_carries_its_update_time_language_currency_and_humanitarian_flag(world, full):
    programme = world["programme"]
    programme.refresh_from_db()
    assert full.get("last-updated-datetime") == programme.updated_at.isoformat(timespec="seconds")
    assert full.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert full.get("default-currency") == "NOK"
    assert full.get("humanitarian") == "1"


def test_children_follow_the_order_of_the_schema(full):
    positions = [SCHEMA_ORDER.index(child.tag) for child in full]
    assert positions == sorted(positions)
    assert {child.tag for child in full} >= {
        "iati-identifier", "reporting-org", "title", "description", "participating-org", "activity-status",
        "activity-date", "recipient-country", "location", "sector", "humanitarian-scope", "budget", "transaction",
        "related-activity",
    }  # fmt: skip


def test_identifier_reporting_org_title_and_descriptions_are_mapped(full):
    assert full.findtext("iati-identifier") == IDENTIFIER
    reporting_org = full.find("reporting-org")
    assert reporting_org.attrib == {"ref": "NO-BRC-971277882", "type": "21"}
    assert reporting_org.findtext("narrative") == "Hope Sudan"
    assert full.findtext("title/narrative") == "Water & sanitation in Juba"
    descriptions = full.findall("description")
    assert attrs(descriptions) == [{"type": "1"}, {"type": "3"}]
    assert texts(descriptions) == ["Boreholes and latrines <for> 10,000 people.", "Displaced families"]


def test_participants_are_participating_orgs_with_role_ref_and_type(world, full):
    orgs = full.findall("participating-org")
    partner = world["partner"]
    assert attrs(orgs) == [
        {"role": "1", "ref": "XM-DAC-7", "type": "10"},
        {"role": "2", "ref": "NO-BRC-971277882", "type": "21"},
        # No IATI identifier or type recorded: the portal-scoped ref and the type its kind gives.
        {"role": "4", "ref": f"XM-NEXUS-{partner.pk}", "type": "24"},
    ]
    assert texts(orgs) == ["Norwegian MFA", "Hope Sudan", "Kajo-Keji Women's Group"]


def test_status_and_the_four_activity_dates_are_mapped(full):
    assert full.find("activity-status").attrib == {"code": str(ActivityStatus.IMPLEMENTATION)}
    assert attrs(full.findall("activity-date")) == [
        {"type": "1", "iso-date": "2025-01-01"},
        {"type": "2", "iso-date": "2025-02-01"},
        {"type": "3", "iso-date": "2027-12-31"},
        {"type": "4", "iso-date": "2027-11-30"},
    ]


def test_recipient_countries_come_from_the_locations_with_an_equal_split(full):
    countries = full.findall("recipient-country")
    assert attrs(countries) == [{"code": "KE", "percentage": "50"}, {"code": "SS", "percentage": "50"}]
    assert texts(countries) == ["Kenya", "South Sudan"]


def test_locations_give_the_p_code_its_level_and_the_vocabulary_stored_or_the_documented_default(full):
    locations = full.findall("location")
    assert texts(locations, "name/narrative") == ["Kenya", "Juba", "Kajo-Keji", "Eastern Equatoria"]
    assert [location.find("administrative").attrib for location in locations] == [
        {"vocabulary": "A4", "code": "KE", "level": "0"},  # a country: ISO 3166-1 alpha-2
        {"vocabulary": "A2", "code": "SS0101", "level": "2"},  # entered in the portal: the p-code default
        {"vocabulary": "G1", "code": "SS0102", "level": "2"},  # as imported
        {"vocabulary": "A2", "code": "SS02", "level": "1"},
    ]


def test_sectors_of_every_vocabulary_keep_their_percentages_and_other_vocabularies_are_kept_as_stored(full):
    sectors = full.findall("sector")
    assert attrs(sectors) == [
        {"vocabulary": "1", "code": "14030", "percentage": "60"},
        {"vocabulary": "1", "code": "14032", "percentage": "40"},
        {"vocabulary": "2", "code": "140", "percentage": "100"},
        {"vocabulary": "10", "code": "WSH", "percentage": "100"},
        {"vocabulary": "7", "code": "6", "percentage": "100"},
        {"vocabulary": "99", "vocabulary-uri": "https://example.org/v", "code": "W1"},
    ]
    assert texts(sectors) == [None, None, None, None, "Clean water", "Own code"]


def test_humanitarian_scopes_are_written_with_type_vocabulary_uri_code_and_narrative(full):
    scopes = full.findall("humanitarian-scope")
    assert attrs(scopes) == [
        {"type": "1", "vocabulary": "1-2", "code": "FL-2025-000001-SSD"},
        {"type": "2", "vocabulary": "99", "vocabulary-uri": "https://example.org/appeals", "code": "HRP-SSD-2025"},
    ]
    assert texts(scopes) == ["Floods 2025", None]


def test_the_total_budget_covers_the_programme_period(full):
    budget = full.find("budget")
    assert budget.find("period-start").get("iso-date") == "2025-02-01"  # actual dates win over planned
    assert budget.find("period-end").get("iso-date") == "2027-11-30"
    value = budget.find("value")
    assert (value.text, value.attrib) == ("1500000", {"currency": "NOK", "value-date": "2025-02-01"})


def test_funding_agreements_are_incoming_and_outgoing_commitments_between_the_right_organisations(world, full):
    incoming, outgoing = full.findall("transaction")
    assert incoming.attrib == {"ref": "QZA-16/0209", "humanitarian": "1"}
    assert incoming.find("transaction-type").get("code") == "11"
    assert incoming.find("transaction-date").get("iso-date") == "2025-01-15"
    assert (incoming.findtext("value"), incoming.find("value").attrib) == (
        "1200000",
        {"currency": "NOK", "value-date": "2025-01-15"},
    )
    assert incoming.find("provider-org").attrib == {"ref": "XM-DAC-7", "type": "10"}
    assert incoming.findtext("provider-org/narrative") == "Norwegian MFA"
    assert incoming.find("receiver-org").get("ref") == "NO-BRC-971277882"

    assert outgoing.attrib == {"ref": "SUB-1"}  # a development agreement: no humanitarian flag
    assert outgoing.find("transaction-type").get("code") == "2"
    assert outgoing.find("value").get("currency") == "USD"
    assert outgoing.find("provider-org").get("ref") == "NO-BRC-971277882"
    assert outgoing.find("receiver-org").get("ref") == f"XM-NEXUS-{world['partner'].pk}"
    assert outgoing.findtext("receiver-org/narrative") == "Kajo-Keji Women's Group"


def test_confirmed_links_in_both_directions_and_unresolved_references_are_related_activities(world, full):
    member = world["member"]
    assert attrs(full.findall("related-activity")) == [
        {"ref": "GB-COH-1-P1", "type": "1"},  # stored at import, not yet in the portal
        {"ref": "XM-DAC-7-LEAD", "type": "1"},  # the lead proposed the consortium link: it is the parent
        {"ref": f"XM-NEXUS-{world['partner'].pk}-NEXUS-{member.pk}", "type": "2"},  # this one leads: a child
        {"ref": "XM-OCHA-compl", "type": "3"},  # complementary, proposed by the other side
        {"ref": "XM-OCHA-seq", "type": "3"},  # sequenced has no IATI type: sibling
        {"ref": "XM-OCHA-joint", "type": "4"},
        {"ref": "XM-OCHA-referral", "type": "5"},
    ]  # the proposed (unconfirmed) link is not there


def test_the_other_side_of_a_link_names_this_programme(world, superuser):
    root = export(superuser)
    assert attrs(activity(root, "XM-DAC-7-LEAD").findall("related-activity")) == [{"ref": IDENTIFIER, "type": "2"}]
    assert attrs(activity(root, "XM-OCHA-joint").findall("related-activity")) == [{"ref": IDENTIFIER, "type": "4"}]
    assert activity(root, "XM-OCHA-proposed").find("related-activity") is None


def test_a_programme_without_identifier_gets_one_from_its_reporting_organisation(superuser):
    with_ref = factories.programme(reporting_actor=factories.actor(iati_identifier="NO-BRC-1"))
    without = factories.actor()
    programme = factories.programme(reporting_actor=without)
    root = export(superuser)
    assert identifiers(root) == sorted([f"NO-BRC-1-NEXUS-{with_ref.pk}", f"XM-NEXUS-{without.pk}-NEXUS-{programme.pk}"])
    assert activity(root, f"XM-NEXUS-{without.pk}-NEXUS-{programme.pk}").find("reporting-org").get("ref") == (
        f"XM-NEXUS-{without.pk}"
    )


def test_a_programme_with_minimal_data_still_validates_with_the_documented_stand_ins(superuser):
    reporting = factories.actor("Lone NGO", kind=ActorKind.RESEARCH)
    programme = Programme.objects.create(title="Only a title", reporting_actor=reporting)
    Programme.objects.filter(pk=programme.pk).update(created_at=datetime(2024, 6, 1, 12, tzinfo=timezone.UTC))

    minimal = activity(export(superuser), f"XM-NEXUS-{reporting.pk}-NEXUS-{programme.pk}")

    assert minimal.findtext("description/narrative") == "Only a title"
    assert minimal.find("participating-org").attrib == {"role": "2", "ref": f"XM-NEXUS-{reporting.pk}", "type": "80"}
    assert attrs(minimal.findall("activity-date")) == [{"type": "1", "iso-date": "2024-06-01"}]
    assert minimal.get("humanitarian") == "0"
    assert minimal.get("default-currency") is None
    for absent in ("recipient-country", "location", "sector", "budget", "transaction", "related-activity"):
        assert minimal.find(absent) is None, absent


def test_without_a_start_the_stand_in_start_is_never_after_a_recorded_end(superuser):
    programme = factories.programme(start=date(2020, 1, 1), end=date(2020, 5, 1))
    Programme.objects.filter(pk=programme.pk).update(planned_start=None)
    dates = attrs(activity(export(superuser), f"XM-NEXUS-{programme.reporting_actor_id}-NEXUS-{programme.pk}").findall(
        "activity-date"
    ))  # fmt: skip
    assert dates == [{"type": "1", "iso-date": "2020-05-01"}, {"type": "3", "iso-date": "2020-05-01"}]


def test_an_open_ended_budget_covers_the_first_twelve_months(superuser):
    programme = factories.programme(start=date(2024, 2, 29), total_budget=Decimal("10.50"), currency="usd")
    budget = activity(export(superuser), f"XM-NEXUS-{programme.reporting_actor_id}-NEXUS-{programme.pk}").find("budget")
    assert budget.find("period-start").get("iso-date") == "2024-02-29"
    assert budget.find("period-end").get("iso-date") == "2025-02-28"
    assert (budget.findtext("value"), budget.find("value").get("currency")) == ("10.5", "USD")


def test_a_single_country_has_no_percentage_and_three_countries_add_up_to_exactly_100(superuser):
    areas = factories.area_tree()
    uganda = factories.area("UG", name="Uganda")
    factories.programme(locations=[areas["SS0101"], areas["SS02"]], iati_identifier="X-SINGLE")
    factories.programme(locations=[areas["SS0101"], areas["KE"], uganda], iati_identifier="X-THREE")
    root = export(superuser)
    assert attrs(activity(root, "X-SINGLE").findall("recipient-country")) == [{"code": "SS"}]
    shares = [Decimal(c.get("percentage")) for c in activity(root, "X-THREE").findall("recipient-country")]
    assert shares == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(shares) == 100


def test_text_that_xml_cannot_carry_is_dropped_and_markup_is_escaped(superuser):
    factories.programme(title="Water\x0b for <all> & \x1f\ufffe more", iati_identifier="X-TEXT")
    assert activity(export(superuser), "X-TEXT").findtext("title/narrative") == "Water for <all> &  more"


def test_a_participant_with_two_roles_is_listed_once_per_role(superuser):
    ngo = factories.actor("Two Hats", iati_identifier="NO-BRC-2")
    programme = factories.programme(reporting_actor=ngo, iati_identifier="X-ROLES")
    ProgrammeParticipant.objects.create(programme=programme, actor=ngo, role=1)
    roles = [org.get("role") for org in activity(export(superuser), "X-ROLES").findall("participating-org")]
    assert roles == ["1", "4"]


def test_a_link_of_two_types_gives_two_related_activities_and_the_same_pair_once(superuser):
    first = factories.programme(iati_identifier="X-A")
    second = factories.programme(iati_identifier="X-B")
    factories.link(first, second, LinkType.JOINT)
    factories.link(second, first, LinkType.JOINT)
    factories.link(first, second, LinkType.SHARED_ANALYSIS)
    related = attrs(activity(export(superuser), "X-A").findall("related-activity"))
    assert related == [{"ref": "X-B", "type": "3"}, {"ref": "X-B", "type": "4"}]


def test_a_location_stored_with_a_vocabulary_keeps_it_even_for_a_country(superuser):
    areas = factories.area_tree()
    programme = factories.programme(iati_identifier="X-VOC")
    ProgrammeLocation.objects.create(programme=programme, area=areas["SS"], vocabulary="A1")
    administrative = activity(export(superuser), "X-VOC").find("location/administrative")
    assert administrative.attrib == {"vocabulary": "A1", "code": "SS", "level": "0"}


@pytest.mark.parametrize(
    ("count", "expected"),
    [(2, ["50", "50"]), (3, ["33.34", "33.33", "33.33"]), (6, ["16.7", "16.66", "16.66", "16.66", "16.66", "16.66"])],
)
def test_equal_shares_are_as_even_as_two_decimals_allow_and_add_up_to_100(count, expected):
    shares = equal_shares(count)
    assert [decimal_text(share) for share in shares] == expected
    assert sum(shares) == 100


def test_decimals_are_written_without_exponent_or_trailing_zeros():
    assert [decimal_text(v) for v in (Decimal("100.00"), Decimal("1E+6"), "33.30", 0, Decimal("0.00"))] == [
        "100",
        "1000000",
        "33.3",
        "0",
        "0",
    ]
