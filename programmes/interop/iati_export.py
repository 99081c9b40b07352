"""IATI 2.03 activity XML out of the portal: one iati-activity per programme, streamed.

The caller chooses the programmes (restricted with `Programme.objects.restrict(user, "view")` and
filtered with the list's FilterSet); this module writes them. Rows are read as plain values with
`iterator(chunk_size=500)` and their children fetched per chunk (`ChildQueries`, eight queries), so
the number of queries is fixed per chunk and memory stays flat whatever the number of programmes;
lxml's incremental writer (`etree.xmlfile`) serialises one activity at a time and the bytes are handed
on in pieces of ~64 KiB.

Mapping (the inverse of the import; docs/interoperability.md has the table):

- iati-identifier: the programme's; a programme without one gets `<reporting org ref>-NEXUS-<pk>`,
  where the org ref is the reporting actor's IATI identifier or `XM-NEXUS-<actor pk>`.
- Organisations (reporting-org, participating-org, provider-org, receiver-org): @ref is the actor's
  IATI identifier or, when it has none, the portal-scoped `XM-NEXUS-<actor pk>`, used the same way
  everywhere so that a re-import matches the same organisation; @type is the actor's IATI organisation
  type or, when empty, one derived from its kind (ORG_TYPE_BY_KIND).
- Elements IATI requires that a programme may lack get documented stand-ins, all stable on re-import:
  no description → the title; no participants → the reporting actor as accountable (2); no start date
  → a planned start on the day the programme was logged (or its end, if earlier).
- Locations: administrative @vocabulary is the one stored at import, else A4 (ISO country) for
  countries and PCODE_VOCABULARY for admin-1/admin-2 p-codes; @code is the p-code, @level its level.
- recipient-country: the countries of the locations, an equal split summing to 100 (no percentage
  when there is one).
- budget: total_budget over the programme period (an open end: the first twelve months).
- transaction: one commitment per funding agreement of the programme that the user may see: outgoing
  (2) when the reporting actor is the donor, otherwise incoming (11); @ref is the agreement reference.
- related-activity: confirmed links in both directions (LINK_RELATION) and the stored unresolved ones.
"""

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import NamedTuple

from django.conf import settings
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from lxml import etree

from actors.choices import ActorKind
from funding.choices import Stream
from funding.models import FundingAgreement
from nexus_portal.querysets import VIEW
from programmes.choices import LinkStatus, LinkType, OrganisationRole
from programmes.models import (
    Programme,
    ProgrammeHumanitarianScope,
    ProgrammeLink,
    ProgrammeLocation,
    ProgrammeParticipant,
    ProgrammeSector,
)
from reference.models import Area

IATI_VERSION = "2.03"
CHUNK_SIZE = 500
FLUSH_BYTES = 64 * 1024
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF): dropped from text.
NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Organisation identifiers for actors without an IATI identifier, and activity identifiers for
# programmes without one. "XM" is the prefix of international registration agencies (XM-DAC, XM-OCHA).
PORTAL_ORG_PREFIX = "XM-NEXUS"
ACTIVITY_SUFFIX = "NEXUS"

# GeographicVocabulary has no code for OCHA p-codes. A4 (ISO 3166-1 alpha-2) fits countries exactly;
# admin-1/admin-2 p-codes are reported as A2 (UN Second Administrative Level Boundaries), the nearest
# entry: a UN administrative-boundary set. The import keeps whatever vocabulary it reads.
COUNTRY_VOCABULARY = "A4"
PCODE_VOCABULARY = "A2"

# IATI RelatedActivityType: 1 parent, 2 child, 3 sibling, 4 co-funded, 5 third party.
# The programme that proposed a consortium link is taken as the lead: it reports the other as its
# child (2), the other reports it as its parent (1). Types IATI has no word for are siblings (3).
LINK_RELATION = {
    LinkType.JOINT: "4",
    LinkType.COMPLEMENTARY: "3",
    LinkType.REFERRAL: "5",
    LinkType.SEQUENCED: "3",
    LinkType.SHARED_ANALYSIS: "3",
}
CONSORTIUM_FROM_SIDE, CONSORTIUM_TO_SIDE = "2", "1"
DEFAULT_RELATION = "3"

INCOMING_COMMITMENT, OUTGOING_COMMITMENT = "11", "2"
GENERAL_DESCRIPTION, TARGET_GROUPS_DESCRIPTION = "1", "3"
ORIGINAL_BUDGET, INDICATIVE_BUDGET = "1", "1"

# IATI OrganisationType for actors whose type was never recorded (same table as the synthetic data).
ORG_TYPE_BY_KIND = {
    ActorKind.DONOR_MINISTRY: "10",
    ActorKind.EMBASSY: "10",
    ActorKind.DEVELOPMENT_AGENCY: "10",
    ActorKind.UN_AGENCY: "40",
    ActorKind.RED_CROSS: "21",
    ActorKind.INTERNATIONAL_NGO: "21",
    ActorKind.NORWEGIAN_NGO: "21",
    ActorKind.NATIONAL_NGO: "22",
    ActorKind.LOCAL_NGO: "24",
    ActorKind.NATIONAL_AUTHORITY: "10",
    ActorKind.LOCAL_AUTHORITY: "11",
    ActorKind.PRIVATE_SECTOR: "70",
    ActorKind.RESEARCH: "80",
}
OTHER_ORG_TYPE = "90"


# --- identifiers -----------------------------------------------------------------------------------


def org_ref(actor) -> str:
    return actor.iati_identifier or f"{PORTAL_ORG_PREFIX}-{actor.pk}"


def org_type(actor) -> str:
    return actor.iati_org_type or ORG_TYPE_BY_KIND.get(actor.kind, OTHER_ORG_TYPE)


def identifier_for(iati_identifier: str, pk: int, reporting_identifier: str, reporting_pk: int) -> str:
    """The activity identifier: the programme's own, else `<reporting org ref>-NEXUS-<pk>`."""
    if iati_identifier:
        return iati_identifier
    reporting_ref = reporting_identifier or f"{PORTAL_ORG_PREFIX}-{reporting_pk}"
    return f"{reporting_ref}-{ACTIVITY_SUFFIX}-{pk}"


# --- reading ---------------------------------------------------------------------------------------
# Plain rows (values_list), not model instances: at 100,000 programmes building half a million model
# objects costs more than everything else together.


class ActorRow(NamedTuple):
    pk: int
    name: str
    iati_identifier: str
    iati_org_type: str
    kind: str


def actor_fields(path: str) -> tuple[str, ...]:
    return (f"{path}_id", f"{path}__name", f"{path}__iati_identifier", f"{path}__iati_org_type", f"{path}__kind")


class LocationRow(NamedTuple):
    pcode: str
    name: str
    level: int
    country_code: str
    vocabulary: str


class ScopeRow(NamedTuple):
    scope_type: int
    vocabulary: str
    vocabulary_uri: str
    code: str
    narrative: str


class AgreementRow(NamedTuple):
    reference: str
    stream: str
    start_date: dt.date
    amount: Decimal
    currency: str
    donor: ActorRow
    recipient: ActorRow


PROGRAMME_FIELDS = (
    "pk", "iati_identifier", "title", "description", "target_groups", "status", "planned_start", "actual_start",
    "planned_end", "actual_end", "total_budget", "currency", "humanitarian", "other_sectors",
    "unresolved_related_activities", "created_at", "updated_at", *actor_fields("reporting_actor"),
)  # fmt: skip


@dataclass(slots=True)
class ActivityRow:
    """A programme as the export needs it, with its children."""

    pk: int
    iati_identifier: str
    title: str
    description: str
    target_groups: str
    status: int
    planned_start: dt.date | None
    actual_start: dt.date | None
    planned_end: dt.date | None
    actual_end: dt.date | None
    total_budget: Decimal | None
    currency: str
    humanitarian: bool
    other_sectors: list
    unresolved_related_activities: list
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    reporting_actor: ActorRow
    participants: list[tuple[int, ActorRow]] = field(default_factory=list)
    sectors: list[tuple[int, str, Decimal]] = field(default_factory=list)
    locations: list[LocationRow] = field(default_factory=list)
    scopes: list[ScopeRow] = field(default_factory=list)
    agreements: list[AgreementRow] = field(default_factory=list)
    related: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def from_values(cls, row: tuple) -> "ActivityRow":
        return cls(*row[:17], reporting_actor=ActorRow(*row[17:]))

    @property
    def identifier(self) -> str:
        actor = self.reporting_actor
        return identifier_for(self.iati_identifier, self.pk, actor.iati_identifier, actor.pk)


class ChildQueries:
    """The children of a chunk of programmes: eight queries whatever the chunk's size.

    Every query starts from restrict(user, "view"): agreements are only those the user may see, and
    links only confirmed ones.
    """

    def __init__(self, user):
        self.user = user
        self.visible_agreements = FundingAgreement.objects.restrict(user, VIEW).values("pk")

    def fill(self, activities: dict[int, ActivityRow]) -> None:
        # `programme__id__in` rather than `programme_id__in`: the same SQL, half the time to build the query.
        ids = list(activities)
        user = self.user
        for programme_id, role, *actor in (
            ProgrammeParticipant.objects.restrict(user, VIEW)
            .filter(programme__id__in=ids)
            .order_by("role", "actor__name", "actor_id")
            .values_list("programme_id", "role", *actor_fields("actor"))
        ):
            activities[programme_id].participants.append((role, ActorRow(*actor)))
        for programme_id, vocabulary, code, percentage in (
            ProgrammeSector.objects.restrict(user, VIEW)
            .filter(programme__id__in=ids)
            .order_by("sector__vocabulary", "sector__code")
            .values_list("programme_id", "sector__vocabulary", "sector__code", "percentage")
        ):
            activities[programme_id].sectors.append((vocabulary, code, percentage))
        self._locations(activities, ids)
        for programme_id, *scope in (
            ProgrammeHumanitarianScope.objects.restrict(user, VIEW)
            .filter(programme__id__in=ids)
            .order_by("scope_type", "vocabulary", "code")
            .values_list("programme_id", "scope_type", "vocabulary", "vocabulary_uri", "code", "narrative")
        ):
            activities[programme_id].scopes.append(ScopeRow(*scope))
        self._agreements(activities, ids)
        self._links(activities, ids)

    def _locations(self, activities: dict[int, ActivityRow], ids: list[int]) -> None:
        # Two queries, the areas by primary key: joined in one, PostgreSQL hashes all 33,000 areas per chunk.
        links = list(
            ProgrammeLocation.objects.restrict(self.user, VIEW)
            .filter(programme__id__in=ids)
            .values_list("programme_id", "area_id", "vocabulary")
        )
        if not links:
            return
        areas = {
            pk: rest
            for pk, *rest in Area.objects.filter(pk__in={area_id for _, area_id, _ in links}).values_list(
                "pk", "path", "pcode", "name", "level", "country_code"
            )
        }
        for programme_id, area_id, vocabulary in sorted(links, key=lambda link: areas[link[1]][0]):
            _path, *area = areas[area_id]
            activities[programme_id].locations.append(LocationRow(*area, vocabulary))

    def _agreements(self, activities: dict[int, ActivityRow], ids: list[int]) -> None:
        funded = FundingAgreement.funded_programmes.through.objects.filter(
            programme__id__in=ids, fundingagreement_id__in=self.visible_agreements
        )
        agreement = "fundingagreement__"
        fields = [f"{agreement}{name}" for name in ("reference", "stream", "start_date", "amount", "currency")]
        rows = funded.order_by(f"{agreement}start_date", f"{agreement}reference", "fundingagreement_id").values_list(
            "programme_id", *fields, *actor_fields(f"{agreement}donor"), *actor_fields(f"{agreement}recipient")
        )
        for programme_id, *row in rows:
            activities[programme_id].agreements.append(
                AgreementRow(*row[:5], donor=ActorRow(*row[5:10]), recipient=ActorRow(*row[10:15]))
            )

    def _links(self, activities: dict[int, ActivityRow], ids: list[int]) -> None:
        confirmed = ProgrammeLink.objects.restrict(self.user, VIEW).filter(status=LinkStatus.CONFIRMED)
        for this, other, relation_of in (
            ("from_programme", "to_programme", from_side_relation),
            ("to_programme", "from_programme", to_side_relation),
        ):
            rows = confirmed.filter(**{f"{this}__id__in": ids}).values_list(
                f"{this}_id",
                "link_type",
                f"{other}__iati_identifier",
                f"{other}_id",
                f"{other}__reporting_actor__iati_identifier",
                f"{other}__reporting_actor_id",
            )
            for programme_id, link_type, *other_identity in rows:
                activities[programme_id].related.add((identifier_for(*other_identity), relation_of(link_type)))


def from_side_relation(link_type: str) -> str:
    """RelatedActivityType of the linked programme, seen from the programme that proposed the link."""
    return CONSORTIUM_FROM_SIDE if link_type == LinkType.CONSORTIUM else LINK_RELATION.get(link_type, DEFAULT_RELATION)


def to_side_relation(link_type: str) -> str:
    """RelatedActivityType of the proposing programme, seen from the other side of the link."""
    return CONSORTIUM_TO_SIDE if link_type == LinkType.CONSORTIUM else LINK_RELATION.get(link_type, DEFAULT_RELATION)


def read(programmes: QuerySet[Programme], *, user, chunk_size: int = CHUNK_SIZE) -> Iterator[ActivityRow]:
    """The programmes (in the queryset's order) with their children, a chunk at a time."""
    children = ChildQueries(user)
    rows = programmes.prefetch_related(None).values_list(*PROGRAMME_FIELDS).iterator(chunk_size=chunk_size)
    for batch in itertools.batched(rows, chunk_size):
        activities = {row[0]: ActivityRow.from_values(row) for row in batch}
        children.fill(activities)
        yield from activities.values()


class Context:
    """What every activity shares: the language of its texts and the country names."""

    def __init__(self):
        self.language = settings.LANGUAGE_CODE.split("-")[0]
        self._country_names: dict[str, str] | None = None

    def country_name(self, code: str) -> str:
        if self._country_names is None:  # one query per export, on first use
            self._country_names = dict(Area.objects.countries().values_list("country_code", "name"))
        return self._country_names.get(code, "")


# --- writing ---------------------------------------------------------------------------------------


def xml_text(value: str) -> str:
    if value.isascii() and value.isprintable():  # the common case, without a regular expression
        return value
    return NOT_XML.sub("", value)


def _element(parent, tag: str, attributes: dict | None = None, text: str | None = None) -> etree._Element:
    attributes = {key: xml_text(value) for key, value in (attributes or {}).items() if value not in (None, "")}
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = xml_text(text)
    return element


def _narrative(parent, tag: str, text: str, attributes: dict | None = None) -> etree._Element:
    element = _element(parent, tag, attributes)
    _element(element, "narrative", text=text)
    return element


def _organisation(parent, tag: str, actor: ActorRow, attributes: dict | None = None) -> etree._Element:
    return _narrative(parent, tag, actor.name, {**(attributes or {}), "ref": org_ref(actor), "type": org_type(actor)})


def decimal_text(value) -> str:
    """A decimal as IATI writes it: no exponent, no trailing zeros ("100", "33.33", "1500000")."""
    return format(Decimal(str(value)).normalize(), "f")


def equal_shares(count: int) -> list[Decimal]:
    """`count` percentages, as equal as two decimals allow, that add up to exactly 100."""
    share = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [Decimal(100) - share * (count - 1), *[share] * (count - 1)]


def _start_and_end(programme: ActivityRow) -> tuple[dt.date, dt.date | None, bool]:
    """The start the activity reports (and whether it is the stand-in), and the end if any."""
    start = programme.actual_start or programme.planned_start
    end = programme.actual_end or programme.planned_end
    if start is not None:
        return start, end, False
    logged = timezone.localdate(programme.created_at) if programme.created_at else timezone.localdate()
    ends = [day for day in (programme.planned_end, programme.actual_end) if day]
    return min([logged, *ends]), end, True


def activity_element(programme: ActivityRow, context: Context) -> etree._Element:
    """One iati-activity, its children in the order of the 2.03 schema."""
    reporting = programme.reporting_actor
    attributes = {
        "last-updated-datetime": programme.updated_at.isoformat(timespec="seconds") if programme.updated_at else None,
        XML_LANG: context.language,
        "default-currency": programme.currency.upper() or None,
        "humanitarian": "1" if programme.humanitarian else "0",
    }
    activity = etree.Element("iati-activity", {k: v for k, v in attributes.items() if v})
    _element(activity, "iati-identifier", text=programme.identifier)
    _organisation(activity, "reporting-org", reporting)
    _narrative(activity, "title", programme.title)
    _narrative(activity, "description", programme.description or programme.title, {"type": GENERAL_DESCRIPTION})
    if programme.target_groups:
        _narrative(activity, "description", programme.target_groups, {"type": TARGET_GROUPS_DESCRIPTION})

    for role, actor in programme.participants or [(OrganisationRole.ACCOUNTABLE, reporting)]:
        _organisation(activity, "participating-org", actor, {"role": str(role)})

    _element(activity, "activity-status", {"code": str(programme.status)})
    start, end, stand_in = _start_and_end(programme)
    dates = [("1", start)] if stand_in else [("1", programme.planned_start), ("2", programme.actual_start)]
    dates += [("3", programme.planned_end), ("4", programme.actual_end)]
    for date_type, day in dates:
        if day:
            _element(activity, "activity-date", {"type": date_type, "iso-date": day.isoformat()})

    _recipient_countries(activity, programme, context)
    for location in programme.locations:
        _location(activity, location)
    _sectors(activity, programme)
    for scope in programme.scopes:
        attrs = {"type": str(scope.scope_type), "vocabulary": scope.vocabulary, "vocabulary-uri": scope.vocabulary_uri}
        element = _element(activity, "humanitarian-scope", {**attrs, "code": scope.code})
        if scope.narrative:
            _element(element, "narrative", text=scope.narrative)

    if programme.total_budget is not None:
        _budget(activity, programme, start, end)
    for agreement in programme.agreements:
        _transaction(activity, programme, agreement)
    for ref, relation in related_activities(programme):
        _element(activity, "related-activity", {"ref": ref, "type": relation})
    return activity


def _recipient_countries(activity, programme: ActivityRow, context: Context) -> None:
    codes = sorted({location.country_code for location in programme.locations})
    shares = equal_shares(len(codes)) if len(codes) > 1 else [None] * len(codes)
    for code, share in zip(codes, shares, strict=True):
        element = _element(activity, "recipient-country", {"code": code, "percentage": share and decimal_text(share)})
        name = context.country_name(code)
        if name:
            _element(element, "narrative", text=name)


def _location(activity, location: LocationRow) -> None:
    vocabulary = location.vocabulary or (COUNTRY_VOCABULARY if location.level == 0 else PCODE_VOCABULARY)
    element = _element(activity, "location")
    _narrative(element, "name", location.name)
    attributes = {"vocabulary": vocabulary, "code": location.pcode, "level": str(location.level)}
    _element(element, "administrative", attributes)


def _sectors(activity, programme: ActivityRow) -> None:
    for vocabulary, code, percentage in programme.sectors:
        attributes = {"vocabulary": str(vocabulary), "code": code, "percentage": decimal_text(percentage)}
        _element(activity, "sector", attributes)
    for stored in programme.other_sectors or []:
        if not isinstance(stored, dict) or not stored.get("code"):
            continue
        percentage = stored.get("percentage")
        try:
            percentage = decimal_text(percentage) if percentage not in (None, "") else None
        except InvalidOperation:
            percentage = None
        attributes = {
            "vocabulary": str(stored.get("vocabulary") or ""),
            "vocabulary-uri": str(stored.get("vocabulary_uri") or ""),
            "code": str(stored["code"]),
            "percentage": percentage,
        }
        element = _element(activity, "sector", attributes)
        if stored.get("narrative"):
            _element(element, "narrative", text=str(stored["narrative"]))


def _budget(activity, programme: ActivityRow, start: dt.date, end: dt.date | None) -> None:
    if end is None or end < start:
        end = _one_year_from(start)
    budget = _element(activity, "budget", {"type": ORIGINAL_BUDGET, "status": INDICATIVE_BUDGET})
    _element(budget, "period-start", {"iso-date": start.isoformat()})
    _element(budget, "period-end", {"iso-date": end.isoformat()})
    value_attributes = {"currency": programme.currency.upper(), "value-date": start.isoformat()}
    _element(budget, "value", value_attributes, decimal_text(programme.total_budget))


def _one_year_from(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _transaction(activity, programme: ActivityRow, agreement: AgreementRow) -> None:
    outgoing = agreement.donor.pk == programme.reporting_actor.pk
    attributes = {"ref": agreement.reference, "humanitarian": "1" if agreement.stream == Stream.HUMANITARIAN else None}
    transaction = _element(activity, "transaction", attributes)
    _element(transaction, "transaction-type", {"code": OUTGOING_COMMITMENT if outgoing else INCOMING_COMMITMENT})
    day = agreement.start_date.isoformat()
    _element(transaction, "transaction-date", {"iso-date": day})
    value = {"currency": agreement.currency.upper(), "value-date": day}
    _element(transaction, "value", value, decimal_text(agreement.amount))
    _organisation(transaction, "provider-org", agreement.donor)
    _organisation(transaction, "receiver-org", agreement.recipient)


def related_activities(programme: ActivityRow) -> list[tuple[str, str]]:
    """(ref, RelatedActivityType) pairs from the links and the stored unresolved ones, each once, sorted."""
    pairs = set(programme.related)
    for stored in programme.unresolved_related_activities or []:
        if isinstance(stored, dict) and stored.get("ref") and stored.get("type"):
            pairs.add((str(stored["ref"]), str(stored["type"])))
    return sorted(pairs, key=lambda pair: (pair[1], pair[0]))


class _Sink:
    """A file-like target for lxml's writer that hands the bytes on in pieces."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        return data


def iter_iati_xml(
    programmes: QuerySet[Programme],
    *,
    user,
    generated_at: dt.datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[bytes]:
    """The iati-activities document for these programmes, as a stream of byte strings.

    With no programmes the document has an empty iati-activities element, which the schema does not
    accept (it asks for at least one activity); the pages only offer an export when there are results.
    """
    context = Context()
    sink = _Sink()
    generated_at = generated_at or timezone.now()
    root = {"version": IATI_VERSION, "generated-datetime": generated_at.isoformat(timespec="seconds")}
    with etree.xmlfile(sink, encoding="utf-8", buffered=False) as document:
        document.write_declaration()
        with document.element("iati-activities", root):
            document.write("\n")
            for programme in read(programmes, user=user, chunk_size=chunk_size):
                document.write(activity_element(programme, context), pretty_print=True)
                if sink.size >= FLUSH_BYTES:
                    yield sink.take()
    sink.write(b"\n")
    yield sink.take()


def write_iati_xml(programmes: QuerySet[Programme], out, *, user, **options) -> int:
    """Write the document to a binary file object; returns the number of bytes written."""
    written = 0
    for piece in iter_iati_xml(programmes, user=user, **options):
        out.write(piece)
        written += len(piece)
    return written


def export_filename(today: dt.date | None = None) -> str:
    return f"nexus-programmes-iati-{(today or timezone.localdate()).isoformat()}.xml"


def streaming_response(programmes: QuerySet[Programme], *, user) -> StreamingHttpResponse:
    """A download of the document, streamed as it is written."""
    response = StreamingHttpResponse(
        iter_iati_xml(programmes, user=user), content_type="application/xml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename()}"'
    return response
