"""Shared helpers of the IATI export tests: every export a test makes goes through `validated()`, so every
one is checked against the official 2.03 schema. Also a builder for a programme that uses every mapped field,
and the canonical form the round-trip test compares."""

from datetime import date
from decimal import Decimal

from lxml import etree

from actors.choices import ActorKind, Localness
from funding.choices import Stream
from programmes.choices import ActivityStatus, LinkStatus, LinkType, OrganisationRole
from programmes.interop.iati_export import iter_iati_xml
from programmes.interop.iati_schema import safe_parser, validate
from programmes.models import (
    Programme,
    ProgrammeHumanitarianScope,
    ProgrammeLocation,
    ProgrammeParticipant,
    ProgrammeSector,
)
from reference.choices import SectorVocabulary
from tests import factories

# The children of iati-activity in the order the 2.03 schema's sequence gives them (the ones the export writes
# and their neighbours), to check that the export keeps it.
SCHEMA_ORDER = [
    "iati-identifier",
    "reporting-org",
    "title",
    "description",
    "participating-org",
    "other-identifier",
    "activity-status",
    "activity-date",
    "contact-info",
    "activity-scope",
    "recipient-country",
    "recipient-region",
    "location",
    "sector",
    "tag",
    "country-budget-items",
    "humanitarian-scope",
    "policy-marker",
    "collaboration-type",
    "default-flow-type",
    "default-finance-type",
    "default-aid-type",
    "default-tied-status",
    "budget",
    "planned-disbursement",
    "capital-spend",
    "transaction",
    "document-link",
    "related-activity",
]


def validated(xml: bytes) -> etree._Element:
    """The parsed document, after asserting that the official schema accepts it."""
    errors = validate(xml)
    assert errors == [], "\n".join(errors)
    return etree.fromstring(xml, safe_parser())


def export(user, programmes=None) -> etree._Element:
    """Export (all programmes by default) as this user, validated."""
    programmes = Programme.objects.restrict(user, "view") if programmes is None else programmes
    return validated(b"".join(iter_iati_xml(programmes.order_by("pk"), user=user)))


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def activity(root: etree._Element, identifier: str) -> etree._Element:
    found = root.xpath("iati-activity[iati-identifier=$identifier]", identifier=identifier)
    assert len(found) == 1, f"{identifier}: {len(found)} activities"
    return found[0]


def identifiers(root: etree._Element) -> list[str]:
    return sorted(root.xpath("iati-activity/iati-identifier/text()"))


def full_programme(reporting_actor, *, identifier: str = "NO-BRC-971277882-QZA-16/0209") -> dict:
    """A programme with every field the export maps, and the objects around it, by name."""
    areas = factories.area_tree()
    donor = factories.actor(
        "Norwegian MFA", kind=ActorKind.DONOR_MINISTRY, iati_identifier="XM-DAC-7", iati_org_type="10"
    )
    partner = factories.actor("Kajo-Keji Women's Group", kind=ActorKind.LOCAL_NGO, localness=Localness.LOCAL)
    programme = factories.programme(
        reporting_actor=reporting_actor,
        implementers=[partner],
        title="Water & sanitation in Juba",
        description="Boreholes and latrines <for> 10,000 people.",
        target_groups="Displaced families",
        iati_identifier=identifier,
        status=ActivityStatus.IMPLEMENTATION,
        start=date(2025, 1, 1),
        end=date(2027, 12, 31),
        actual_start=date(2025, 2, 1),
        actual_end=date(2027, 11, 30),
        total_budget=Decimal("1500000.00"),
        currency="NOK",
        humanitarian=True,
        pillars="H",
        other_sectors=[
            {"vocabulary": "7", "vocabulary_uri": "", "code": "6", "percentage": "100", "narrative": "Clean water"},
            {
                "vocabulary": "99",
                "vocabulary_uri": "https://example.org/v",
                "code": "W1",
                "percentage": None,
                "narrative": "Own code",
            },
        ],
        unresolved_related_activities=[{"ref": "GB-COH-1-P1", "type": "1"}],
    )
    ProgrammeParticipant.objects.create(programme=programme, actor=donor, role=OrganisationRole.FUNDING)
    ProgrammeParticipant.objects.create(programme=programme, actor=reporting_actor, role=OrganisationRole.ACCOUNTABLE)
    for area, vocabulary in ((areas["SS0101"], ""), (areas["SS02"], ""), (areas["KE"], ""), (areas["SS0102"], "G1")):
        ProgrammeLocation.objects.create(programme=programme, area=area, vocabulary=vocabulary)
    sectors = [
        (factories.sector("14030"), Decimal("60")),
        (factories.sector("14032"), Decimal("40")),
        (factories.sector("140", vocabulary=SectorVocabulary.DAC3), Decimal("100")),
        (factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER, family="WSH"), Decimal("100")),
    ]
    for sector, percentage in sectors:
        ProgrammeSector.objects.create(programme=programme, sector=sector, percentage=percentage)
    ProgrammeHumanitarianScope.objects.create(
        programme=programme, scope_type=1, vocabulary="1-2", code="FL-2025-000001-SSD", narrative="Floods 2025"
    )
    ProgrammeHumanitarianScope.objects.create(
        programme=programme,
        scope_type=2,
        vocabulary="99",
        vocabulary_uri="https://example.org/appeals",
        code="HRP-SSD-2025",
    )
    # The chain: MFA → reporting actor (incoming), reporting actor → local partner (outgoing sub-grant).
    grant = factories.agreement(
        donor=donor, recipient=reporting_actor, reference="QZA-16/0209", amount=Decimal("1200000.00"),
        start=date(2025, 1, 15), currency="NOK", stream=Stream.HUMANITARIAN,
    )  # fmt: skip
    sub_grant = factories.agreement(
        donor=reporting_actor, recipient=partner, parent=grant, reference="SUB-1", amount=Decimal("300000"),
        start=date(2025, 3, 1), currency="USD", stream=Stream.DEVELOPMENT,
    )  # fmt: skip
    grant.funded_programmes.add(programme)
    sub_grant.funded_programmes.add(programme)
    neighbours = {}
    for link_type, name in ((LinkType.JOINT, "joint"), (LinkType.REFERRAL, "referral"), (LinkType.SEQUENCED, "seq")):
        other = factories.programme(reporting_actor=partner, iati_identifier=f"XM-OCHA-{name}")
        factories.link(programme, other, link_type)
        neighbours[name] = other
    lead = factories.programme(reporting_actor=donor, iati_identifier="XM-DAC-7-LEAD")
    factories.link(lead, programme, LinkType.CONSORTIUM)  # the other programme proposed it: it is the lead
    member = factories.programme(reporting_actor=partner, iati_identifier="")
    factories.link(programme, member, LinkType.CONSORTIUM)  # this one is the lead of `member`
    complementary = factories.programme(reporting_actor=partner, iati_identifier="XM-OCHA-compl")
    factories.link(complementary, programme, LinkType.COMPLEMENTARY)
    proposed = factories.programme(reporting_actor=partner, iati_identifier="XM-OCHA-proposed")
    factories.link(programme, proposed, LinkType.JOINT, status=LinkStatus.PROPOSED)
    return {
        "programme": programme,
        "areas": areas,
        "donor": donor,
        "partner": partner,
        "grant": grant,
        "sub_grant": sub_grant,
        "lead": lead,
        "member": member,
        **neighbours,
    }


# --- canonical form for comparing two exports ----------------------------------------------------------

VOLATILE_ATTRIBUTES = ("generated-datetime", "last-updated-datetime")


def canonical(xml: bytes) -> list[str]:
    """Each activity as a canonical string, sorted: timestamps and blank text dropped, and the repeated children
    of an activity (participants, sectors, locations, transactions, related activities...) sorted within their
    kind, since their order carries no meaning; kinds stay in the schema's order. Inside a child (a transaction,
    a location) the schema fixes the order, so it is kept."""
    position = {tag: index for index, tag in enumerate(SCHEMA_ORDER)}
    root = etree.fromstring(xml, safe_parser(remove_blank_text=True))
    activities = []
    for element in root.iter("iati-activity"):
        for attribute in VOLATILE_ATTRIBUTES:
            element.attrib.pop(attribute, None)
        children = list(element)
        for child in children:
            element.remove(child)
        element.extend(
            sorted(
                children,
                key=lambda child: (position.get(child.tag, len(position)), etree.tostring(child, method="c14n")),
            )
        )
        activities.append(etree.tostring(element, method="c14n").decode())
    return sorted(activities)
