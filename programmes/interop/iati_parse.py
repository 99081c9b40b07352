"""One <iati-activity> element (IATI 2.01–2.03) → a ParsedActivity: plain data, no database.

Only what the portal maps is read (docs/interoperability.md has the table); everything else in the
element is ignored. Values are checked for form only (dates are dates, numbers are numbers); whether a
sector code or p-code exists is the importer's question. A value that cannot be read makes the whole
activity invalid (InvalidActivity with a message naming the element), so nothing of it is written.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from django.utils.translation import gettext as _

from programmes.interop.safe_xml import XML_LANG

PREFERRED_LANGUAGE = "en"
ISO_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?\s*$")
TRUE_VALUES = ("1", "true")
# IATI ActivityDateType → ParsedActivity attribute.
DATE_TYPES = {"1": "planned_start", "2": "actual_start", "3": "planned_end", "4": "actual_end"}


class InvalidActivity(Exception):
    """This activity cannot be imported; the message names the element and the value at fault."""

    def __init__(self, message: str, *, identifier: str = ""):
        super().__init__(message)
        self.message = message
        self.identifier = identifier


@dataclass(frozen=True)
class Org:
    ref: str = ""
    type: str = ""
    name: str = ""
    role: str = ""  # participating-org only: IATI OrganisationRole 1–4
    activity_id: str = ""  # participating-org @activity-id, provider/receiver activity id

    @property
    def is_blank(self) -> bool:
        return not (self.ref or self.name)


@dataclass(frozen=True)
class SectorEntry:
    vocabulary: str
    code: str
    percentage: Decimal | None
    vocabulary_uri: str = ""
    narrative: str = ""


@dataclass(frozen=True)
class AdministrativeCode:
    vocabulary: str
    level: str
    code: str


@dataclass(frozen=True)
class LocationEntry:
    name: str
    administrative: tuple[AdministrativeCode, ...]


@dataclass(frozen=True)
class CountryEntry:
    code: str
    percentage: Decimal | None


@dataclass(frozen=True)
class ScopeEntry:
    type: str
    vocabulary: str
    vocabulary_uri: str
    code: str
    narrative: str


@dataclass(frozen=True)
class BudgetEntry:
    type: str  # BudgetType: 1 original, 2 revised
    status: str  # BudgetStatus: 1 indicative, 2 committed
    period_start: date | None
    period_end: date | None
    value: Decimal
    currency: str  # the value's own @currency, else the activity's default-currency ("" if neither)
    value_date: date | None


@dataclass(frozen=True)
class TransactionEntry:
    type: str  # TransactionType code
    value: Decimal
    currency: str  # the value's own @currency, else the activity's default-currency
    date: date | None
    provider: Org
    receiver: Org


@dataclass(frozen=True)
class RelatedActivity:
    ref: str
    type: str


@dataclass
class ParsedActivity:
    identifier: str
    reporting_org: Org
    title: str
    description: str = ""
    target_groups: str = ""
    participating_orgs: list[Org] = field(default_factory=list)
    status: int | None = None
    planned_start: date | None = None
    actual_start: date | None = None
    planned_end: date | None = None
    actual_end: date | None = None
    recipient_countries: list[CountryEntry] = field(default_factory=list)
    locations: list[LocationEntry] = field(default_factory=list)
    sectors: list[SectorEntry] = field(default_factory=list)
    humanitarian: bool = False
    humanitarian_scopes: list[ScopeEntry] = field(default_factory=list)
    default_currency: str = ""
    budgets: list[BudgetEntry] = field(default_factory=list)
    transactions: list[TransactionEntry] = field(default_factory=list)
    related_activities: list[RelatedActivity] = field(default_factory=list)

    @property
    def start(self) -> date | None:
        return self.actual_start or self.planned_start

    @property
    def end(self) -> date | None:
        return self.actual_end or self.planned_end


# -- small readers ------------------------------------------------------------------------------------
def _attr(element: Element | None, name: str) -> str:
    return (element.get(name) or "").strip() if element is not None else ""


def _text(element: Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def _paragraphs(element: Element) -> str:
    """Text with its line breaks kept (descriptions), each line trimmed, runs of blank lines folded."""
    lines = [" ".join(line.split()) for line in (element.text or "").strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def narrative(element: Element | None, default_lang: str, *, multiline: bool = False) -> str:
    """The narrative to keep: English, else the activity's default language, else the first one given.

    A narrative without xml:lang is in the activity's default language.
    """
    if element is None:
        return ""
    texts = []
    for child in element.findall("narrative"):
        text = _paragraphs(child) if multiline else _text(child)
        if text:
            texts.append(((child.get(XML_LANG) or default_lang or "").strip().lower(), text))
    if not texts:
        return ""
    for wanted in (PREFERRED_LANGUAGE, default_lang):
        for lang, text in texts:
            if wanted and lang == wanted:
                return text
    return texts[0][1]


def parse_date(value: str, *, what: str) -> date | None:
    if not value:
        return None
    match = ISO_DATE.match(value)
    try:
        if match is None:
            raise ValueError(value)
        return date.fromisoformat(match.group(1))
    except ValueError:
        raise InvalidActivity(
            _("%(element)s has the date “%(value)s”, which is not a date in the form YYYY-MM-DD.")
            % {"element": what, "value": value[:40]}
        ) from None


def parse_decimal(value: str, *, what: str, required: bool = False) -> Decimal | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise InvalidActivity(_("%(element)s has no value.") % {"element": what})
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise InvalidActivity(
            _("%(element)s has the value “%(value)s”, which is not a number.")
            % {"element": what, "value": cleaned[:40]}
        )
    return number


def _org(element: Element | None, default_lang: str, *, activity_id_attr: str = "") -> Org:
    if element is None:
        return Org()
    return Org(
        ref=_attr(element, "ref"),
        type=_attr(element, "type"),
        name=narrative(element, default_lang),
        role=_attr(element, "role"),
        activity_id=_attr(element, activity_id_attr) if activity_id_attr else "",
    )


# -- the activity -----------------------------------------------------------------------------------
def parse_activity(element: Element) -> ParsedActivity:
    """Everything the portal maps from one <iati-activity>; InvalidActivity if a value cannot be read."""
    identifier = _text(element.find("iati-identifier"))
    try:
        return _parse(element, identifier)
    except InvalidActivity as error:
        error.identifier = identifier
        raise


def _parse(element: Element, identifier: str) -> ParsedActivity:
    lang = (element.get(XML_LANG) or "").strip().lower()
    if not identifier:
        raise InvalidActivity(_("The activity has no iati-identifier."))
    reporting = _org(element.find("reporting-org"), lang)
    if reporting.is_blank:
        raise InvalidActivity(_("The activity has no reporting-org (neither a ref nor a name)."))
    title = narrative(element.find("title"), lang)
    if not title:
        raise InvalidActivity(_("The activity has no title."))
    default_currency = _attr(element, "default-currency").upper()
    activity = ParsedActivity(
        identifier=identifier,
        reporting_org=reporting,
        title=title,
        humanitarian=_attr(element, "humanitarian").lower() in TRUE_VALUES,
        default_currency=default_currency,
    )
    for description in element.findall("description"):
        kind = _attr(description, "type") or "1"
        text = narrative(description, lang, multiline=True)
        if kind == "1" and text and not activity.description:
            activity.description = text
        elif kind == "3" and text and not activity.target_groups:
            activity.target_groups = text
    activity.participating_orgs = [
        _org(org, lang, activity_id_attr="activity-id") for org in element.findall("participating-org")
    ]
    activity.status = _status(element.find("activity-status"))
    _dates(element, activity)
    activity.recipient_countries = [
        CountryEntry(
            code=_attr(country, "code").upper(),
            percentage=parse_decimal(_attr(country, "percentage"), what="recipient-country/@percentage"),
        )
        for country in element.findall("recipient-country")
        if _attr(country, "code")
    ]
    activity.locations = [_location(location, lang) for location in element.findall("location")]
    activity.sectors = [_sector(sector, lang) for sector in element.findall("sector")]
    activity.humanitarian_scopes = [
        ScopeEntry(
            type=_attr(scope, "type"),
            vocabulary=_attr(scope, "vocabulary"),
            vocabulary_uri=_attr(scope, "vocabulary-uri"),
            code=_attr(scope, "code"),
            narrative=narrative(scope, lang),
        )
        for scope in element.findall("humanitarian-scope")
    ]
    activity.budgets = [_budget(budget, default_currency) for budget in element.findall("budget")]
    activity.transactions = [
        _transaction(transaction, lang, default_currency) for transaction in element.findall("transaction")
    ]
    activity.related_activities = [
        RelatedActivity(ref=_attr(related, "ref"), type=_attr(related, "type"))
        for related in element.findall("related-activity")
        if _attr(related, "ref")
    ]
    return activity


def _status(element: Element | None) -> int | None:
    code = _attr(element, "code")
    if not code:
        return None
    if code not in {"1", "2", "3", "4", "5", "6"}:
        raise InvalidActivity(
            _("activity-status has the code “%(code)s”; IATI activity statuses are 1 to 6.") % {"code": code[:20]}
        )
    return int(code)


def _dates(element: Element, activity: ParsedActivity) -> None:
    for activity_date in element.findall("activity-date"):
        kind = _attr(activity_date, "type")
        name = DATE_TYPES.get(kind)
        if name is None:
            continue
        value = parse_date(_attr(activity_date, "iso-date"), what=f"activity-date type {kind}")
        if value is not None and getattr(activity, name) is None:
            setattr(activity, name, value)


def _location(element: Element, lang: str) -> LocationEntry:
    return LocationEntry(
        name=narrative(element.find("name"), lang),
        administrative=tuple(
            AdministrativeCode(
                vocabulary=_attr(admin, "vocabulary"),
                level=_attr(admin, "level"),
                code=_attr(admin, "code"),
            )
            for admin in element.findall("administrative")
            if _attr(admin, "code")
        ),
    )


def _sector(element: Element, lang: str) -> SectorEntry:
    return SectorEntry(
        vocabulary=_attr(element, "vocabulary") or "1",  # IATI: no vocabulary means DAC 5-digit
        code=_attr(element, "code"),
        percentage=parse_decimal(_attr(element, "percentage"), what="sector/@percentage"),
        vocabulary_uri=_attr(element, "vocabulary-uri"),
        narrative=narrative(element, lang),
    )


def _value(element: Element | None, default_currency: str, *, what: str) -> tuple[Decimal, str, date | None]:
    if element is None:
        raise InvalidActivity(_("%(element)s has no value.") % {"element": what})
    amount = parse_decimal(_text(element), what=what, required=True)
    currency = _attr(element, "currency").upper() or default_currency
    value_date = parse_date(_attr(element, "value-date"), what=f"{what}/@value-date")
    return amount, currency, value_date


def _budget(element: Element, default_currency: str) -> BudgetEntry:
    value, currency, value_date = _value(element.find("value"), default_currency, what="budget/value")
    return BudgetEntry(
        type=_attr(element, "type") or "1",
        status=_attr(element, "status") or "1",
        period_start=parse_date(_attr(element.find("period-start"), "iso-date"), what="budget/period-start"),
        period_end=parse_date(_attr(element.find("period-end"), "iso-date"), what="budget/period-end"),
        value=value,
        currency=currency,
        value_date=value_date,
    )


def _transaction(element: Element, lang: str, default_currency: str) -> TransactionEntry:
    value, currency, value_date = _value(element.find("value"), default_currency, what="transaction/value")
    when = parse_date(_attr(element.find("transaction-date"), "iso-date"), what="transaction-date")
    return TransactionEntry(
        type=_attr(element.find("transaction-type"), "code"),
        value=value,
        currency=currency,
        date=when or value_date,
        provider=_org(element.find("provider-org"), lang, activity_id_attr="provider-activity-id"),
        receiver=_org(element.find("receiver-org"), lang, activity_id_attr="receiver-activity-id"),
    )
