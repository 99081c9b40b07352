"""3W spreadsheet import: a PREVIEW that writes nothing, then APPLY on the user's confirmation.

`plan_import` reads every row, resolves it (hxl_resolve) and decides per programme what would happen;
the preview is that plan as JSON (`preview_json`). hxl_apply.apply_plan carries out a plan made again at
apply time (the data may have changed since the preview): one transaction per programme, so a bad
programme rolls back only itself, inside `deferred_rechecks()` so the flags are re-checked once at the end.

Decisions (docs/interoperability.md, "HXL 3W spreadsheets"):
- Rows are grouped into programmes. A 3W row is one activity in one place: rows with the same
  #activity+code, or else the same implementing organisation, title (case and accents ignored) and
  dates, are ONE programme with the locations (and clusters, DAC sectors, funders) of all its rows.
- A group updates the programme whose IATI identifier is its #activity+code; else the programme the
  user may change with that reporting actor and title (and the same start date, if several); else a
  new programme is created with the implementing organisation as reporting actor.
- The user must be allowed to write it as in the programme form: an editor of the implementing
  organisation (new programmes) or of the programme (updates), or a superuser. Reviewers read
  everything but edit nothing, in the import as in the form.
- An update changes only what the sheet has columns for; the sheet's locations replace the
  programme's, its clusters and DAC sectors replace those vocabularies (even shares), its funders
  replace the funding participants and its implementers the implementing ones. A programme whose
  values are all the same is left alone (counted as unchanged, not updated).
- A row error (unknown area, bad date …) skips that row only; the rest of its group is imported.
"""

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import actor_ids
from actors.choices import MembershipRole
from actors.matching import normalise_identifier, normalise_name
from actors.models import Actor
from programmes.choices import ActivityStatus, OrganisationRole
from programmes.interop import hxl_read as r
from programmes.interop.hxl_resolve import AreaRef, NotFound, Resolver
from programmes.models import Programme, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from reference.choices import AreaLevel, SectorVocabulary
from reference.models import Sector

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
PREVIEW_MAX_ROWS = 300  # rows kept in the preview (all counts stay exact)
PREVIEW_MAX_ERROR_ROWS = 1000  # rows with errors kept beyond those
MAX_MESSAGES_PER_ROW = 10
TITLE_MAX = Programme._meta.get_field("title").max_length


@dataclass
class OrgRef:
    name: str
    code: str
    actor: Actor | None

    @property
    def key(self) -> tuple[str, str]:
        return (normalise_identifier(self.code), normalise_name(self.name) or self.name.strip().casefold())

    def as_dict(self) -> dict:
        return {
            "name": self.name or self.code,
            "code": self.code,
            "actor_id": self.actor.pk if self.actor else None,
            "actor": str(self.actor) if self.actor else "",
            "new": self.actor is None,
        }


@dataclass
class RowPlan:
    number: int
    title: str = ""
    code: str = ""
    description: str | None = None
    implementers: list[OrgRef] = field(default_factory=list)
    funders: list[OrgRef] | None = None
    clusters: list[Sector] | None = None
    dac: list[Sector] | None = None
    area: AreaRef | None = None
    start: date | None = None
    end: date | None = None
    status: int | None = None
    budget: Decimal | None = None
    currency: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    group: "GroupPlan | None" = None


@dataclass
class GroupPlan:
    index: int
    rows: list[RowPlan]
    action: str = CREATE
    programme: Programme | None = None
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # merged over the rows, see _merge

    @property
    def first(self) -> RowPlan:
        return self.rows[0]

    @property
    def identifier(self) -> str:
        return self.first.code or self.first.title[:255]


@dataclass
class Plan:
    sheet: r.Sheet
    columns_present: set[str]
    missing: list[str] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)
    groups: list[GroupPlan] = field(default_factory=list)

    def counts(self) -> dict:
        actions = defaultdict(int)
        for group in self.groups:
            actions[group.action] += 1
        new_actors = {org.key for row in self.rows if not row.errors for org in _orgs(row) if org.actor is None}
        return {
            "rows": len(self.rows),
            "empty_rows": self.sheet.empty_rows,
            "rows_with_errors": sum(1 for row in self.rows if row.errors),
            "rows_with_warnings": sum(1 for row in self.rows if row.warnings and not row.errors),
            "programmes": len([group for group in self.groups if group.action != ERROR]),
            "create": actions[CREATE],
            "update": actions[UPDATE],
            "unchanged": actions[UNCHANGED],
            "new_actors": len(new_actors),
        }


def _orgs(row: RowPlan) -> list[OrgRef]:
    return [*row.implementers, *(row.funders or [])]


# -- planning --------------------------------------------------------------------------------------
def plan_import(sheet: r.Sheet, *, user, country: str = "") -> Plan:
    """What importing `sheet` as `user` would do. Reads the database, writes nothing."""
    plan = Plan(sheet=sheet, columns_present=sheet.fields, missing=r.missing_columns(sheet))
    if plan.missing:
        return plan
    resolver = Resolver(user=user)
    resolver.preload_pcodes(r.text(row.values.get(name)) for row in sheet.rows for name in (r.ADM1_CODE, r.ADM2_CODE))
    default_country = _default_country(sheet, resolver, country)
    plan.rows = [_plan_row(row, plan.columns_present, resolver, default_country) for row in sheet.rows]
    plan.groups = _group(plan.rows)
    _decide(plan, resolver, user)
    return plan


def _default_country(sheet: r.Sheet, resolver: Resolver, chosen: str) -> str:
    """The country area names are looked up in: the one chosen on upload, else the one country all the
    sheet's p-codes are in, else none (all countries)."""
    if chosen:
        return chosen.upper()
    countries = set()
    for row in sheet.rows:
        for name in (r.ADM1_CODE, r.ADM2_CODE):
            code = r.text(row.values.get(name))
            ref = resolver.area_by_code(code) if code else None
            if ref:
                countries.add(ref.country_code)
    return countries.pop() if len(countries) == 1 else ""


def _plan_row(sheet_row: r.SheetRow, present: set[str], resolver: Resolver, default_country: str) -> RowPlan:
    values = sheet_row.values
    get = lambda name: r.text(values.get(name))  # noqa: E731
    row = RowPlan(number=sheet_row.number, title=get(r.TITLE)[: TITLE_MAX + 1], code=get(r.ACTIVITY_CODE))
    if r.DESCRIPTION in present:
        row.description = get(r.DESCRIPTION)
    if not row.title and not row.code:
        row.errors.append(_("The title (#activity) is empty."))
    elif len(row.title) > TITLE_MAX:
        row.errors.append(_("The title is longer than %(max)s characters.") % {"max": TITLE_MAX})

    names, codes = r.split_list(values.get(r.ORG_IMPL)), r.split_list(values.get(r.ORG_IMPL_CODE))
    row.implementers = _org_refs(names, codes, resolver)
    if not row.implementers:
        row.errors.append(_("The implementing organisation (#org+impl) is empty."))
    if r.ORG_FUNDING in present or r.ORG_FUNDING_CODE in present:
        names, codes = r.split_list(values.get(r.ORG_FUNDING)), r.split_list(values.get(r.ORG_FUNDING_CODE))
        row.funders = _org_refs(names, codes, resolver)

    if r.SECTOR in present:
        row.clusters = _sectors(row, values.get(r.SECTOR), resolver.cluster)
    if r.SUBSECTOR in present:
        row.dac = _sectors(row, values.get(r.SUBSECTOR), resolver.dac_sector)

    row.area = _area(row, values, present, resolver, default_country)
    for name, attribute in ((r.START, "start"), (r.END, "end")):
        try:
            setattr(row, attribute, r.parse_date(values.get(name)))
        except ValueError as error:
            row.errors.append(f"{r.FIELD_LABELS[name]}: {error}")
    try:
        row.status = r.parse_status(values.get(r.STATUS))
    except ValueError as error:
        row.errors.append(str(error))
    try:
        row.budget = r.parse_amount(values.get(r.BUDGET))
        if row.budget is not None and row.budget < 0:
            row.errors.append(_("The budget cannot be negative."))
    except ValueError as error:
        row.errors.append(f"{r.FIELD_LABELS[r.BUDGET]}: {error}")
    row.currency = get(r.CURRENCY).upper()
    if row.currency and (len(row.currency) != 3 or not row.currency.isalpha()):
        row.errors.append(_("“%(value)s” is not a currency code; use ISO 4217, e.g. USD.") % {"value": row.currency})
    if row.start and row.end and row.end < row.start:
        row.errors.append(_("The end date is before the start date."))
    del row.errors[MAX_MESSAGES_PER_ROW:]
    return row


def _org_refs(names: list[str], codes: list[str], resolver: Resolver) -> list[OrgRef]:
    """Organisations of one cell pair: names and identifiers separated by ";", paired by position."""
    refs, seen = [], set()
    for position in range(max(len(names), len(codes))):
        name = names[position] if position < len(names) else ""
        code = codes[position] if position < len(codes) else ""
        if not (name or code):
            continue
        ref = OrgRef(name=name, code=code, actor=resolver.actor(name=name, code=code))
        key = ("actor", ref.actor.pk) if ref.actor else ref.key
        if key not in seen:
            seen.add(key)
            refs.append(ref)
    return refs


def _sectors(row: RowPlan, value, lookup) -> list[Sector]:
    found = []
    for part in r.split_list(value):
        if not part:
            continue
        try:
            sector = lookup(part)
        except NotFound as error:
            row.errors.append(str(error))
            continue
        if sector not in found:
            found.append(sector)
    return found


def _area(row: RowPlan, values: dict, present: set[str], resolver: Resolver, default_country: str) -> AreaRef | None:
    """The most specific area the row names: admin 2, else admin 1, else its country."""
    country_code = default_country
    country_value = r.text(values.get(r.COUNTRY))
    country = None
    if country_value:
        try:
            country = resolver.country(country_value)
            country_code = country.pcode
        except NotFound as error:
            row.warnings.append(str(error))
    try:
        adm1 = _level(row, values, r.ADM1_CODE, r.ADM1_NAME, AreaLevel.ADMIN1, resolver, country_code, None)
        adm2 = _level(row, values, r.ADM2_CODE, r.ADM2_NAME, AreaLevel.ADMIN2, resolver, country_code, adm1)
    except NotFound as error:
        row.errors.append(str(error))
        row.suggestions.extend(error.suggestions)
        return None
    area = adm2 or adm1 or country
    if area is None:
        row.errors.append(_("No location: fill in an admin 1 or admin 2 p-code or name."))
    elif adm1 and adm2 and adm2.parent_id != adm1.pk:
        row.warnings.append(_("%(adm2)s is not inside %(adm1)s; %(adm2)s was used.") % {"adm2": adm2, "adm1": adm1})
    return area


def _level(row, values, code_field, name_field, level, resolver, country_code, parent) -> AreaRef | None:
    code, name = r.text(values.get(code_field)), r.text(values.get(name_field))
    if code:
        ref = resolver.area_by_code(code)
        if ref is not None:
            if name and r.folded(name) != r.folded(ref.name):
                row.warnings.append(
                    _("The p-code %(pcode)s is %(area)s; the sheet calls it “%(name)s”.")
                    % {"pcode": ref.pcode, "area": ref.name, "name": name}
                )
            return ref
        if not name:
            raise NotFound(
                _("No area has the p-code %(pcode)s.") % {"pcode": code},
                resolver.pcode_suggestions(code, country_code=country_code),
            )
        row.warnings.append(_("No area has the p-code %(pcode)s; the name was used.") % {"pcode": code})
    if name:
        return resolver.area_by_name(name, level=level, country_code=country_code, parent=parent)
    return None


def _group(rows: list[RowPlan]) -> list[GroupPlan]:
    groups: dict[tuple, GroupPlan] = {}
    for row in rows:
        if row.errors:
            continue
        if row.code:
            key = ("code", normalise_identifier(row.code))
        else:
            key = ("title", row.implementers[0].key, r.folded(row.title), row.start, row.end)
        group = groups.get(key)
        if group is None:
            group = groups[key] = GroupPlan(index=len(groups), rows=[])
        group.rows.append(row)
        row.group = group
    return list(groups.values())


def _decide(plan: Plan, resolver: Resolver, user) -> None:
    """Per group: create, update (which programme), unchanged, or error (why)."""
    groups = plan.groups
    by_code = resolver.programmes_by_identifier(group.first.code for group in groups)
    actors = [group.first.implementers[0].actor.pk for group in groups if group.first.implementers[0].actor]
    by_title = resolver.programmes_by_title(actors)
    matched = {group.index: by_code.get(group.first.code) for group in groups if group.first.code}
    changeable = resolver.changeable_ids(programme.pk for programme in matched.values() if programme)
    editor_of = actor_ids(user, MembershipRole.EDITOR)
    claimed: dict[int, int] = {}
    for group in groups:
        _merge(group)
        first, reporter = group.first, group.first.implementers[0]
        programme = matched.get(group.index)
        if programme is not None and programme.pk not in changeable:
            group.errors.append(_("The programme %(code)s exists, but you may not change it.") % {"code": first.code})
        elif programme is None and not first.code and reporter.actor is not None:
            candidates = by_title.get((reporter.actor.pk, r.folded(first.title)), [])
            if len(candidates) > 1:
                candidates = [candidate for candidate in candidates if candidate.start_date == first.start]
            if len(candidates) > 1:
                group.errors.append(
                    _("Several of your programmes are called “%(title)s”; add #activity+code to say which.")
                    % {"title": first.title}
                )
            programme = candidates[0] if len(candidates) == 1 else None
        if programme is not None and not group.errors:
            if programme.pk in claimed:
                group.errors.append(
                    _("Row %(row)s already updates this programme; give these rows the same title and dates.")
                    % {"row": claimed[programme.pk]}
                )
            claimed.setdefault(programme.pk, first.number)
            group.programme, group.action = programme, UPDATE
        elif not group.errors and not user.is_superuser:
            if reporter.actor is None:
                group.errors.append(
                    _(
                        "%(org)s is not in the portal yet; only an administrator can import programmes for a new "
                        "organisation. Ask an administrator to add it and make you its editor."
                    )
                    % {"org": reporter.name or reporter.code}
                )
            elif reporter.actor.pk not in editor_of:
                group.errors.append(
                    _("You are not an editor of %(org)s, so you cannot import its programmes.")
                    % {"org": reporter.actor}
                )
        if not group.errors:
            _check_values(group)
        if group.errors:
            group.action = ERROR
    _mark_unchanged([group for group in groups if group.action == UPDATE])
    for group in groups:
        for row in group.rows:
            if group.action == ERROR:
                row.errors.extend(group.errors)


def _check_values(group: GroupPlan) -> None:
    """The model's own rules on the values the programme would get (dates, budget and currency)."""
    programme = with_values(group, copy.copy(group.programme) if group.programme else Programme())
    try:
        programme.full_clean(exclude=["reporting_actor"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            label = "" if name == NON_FIELD_ERRORS else f"{Programme._meta.get_field(name).verbose_name}: "
            group.errors.extend(f"{label}{message}" for message in messages)


# -- the values a group gives a programme -----------------------------------------------------------
SINGLE_VALUES = {
    "description": r.DESCRIPTION,
    "start": r.START,
    "end": r.END,
    "status": r.STATUS,
    "budget": r.BUDGET,
    "currency": r.CURRENCY,
}


def _merge(group: GroupPlan) -> None:
    """The group's values, once: the first non-empty value of single-valued columns (rows that say
    otherwise get a warning), the union of locations, sectors and organisations."""
    first = group.first
    values = {"title": first.title, "code": first.code}
    for attribute, column in SINGLE_VALUES.items():
        chosen = next(
            (getattr(row, attribute) for row in group.rows if getattr(row, attribute) not in (None, "")), None
        )
        values[attribute] = chosen
        for row in group.rows:
            value = getattr(row, attribute)
            if value not in (None, "") and value != chosen:
                row.warnings.append(
                    _("The %(field)s differs from the programme's first row; the first row's value was used.")
                    % {"field": r.FIELD_LABELS[column]}
                )
    values["clusters"] = _union([row.clusters for row in group.rows])
    values["dac"] = _union([row.dac for row in group.rows])
    values["areas"] = _union([[row.area] for row in group.rows])
    values["implementers"] = _org_union([row.implementers for row in group.rows])
    values["funders"] = _org_union([row.funders for row in group.rows])
    group.values = values


def inferred_status(start: date | None, end: date | None) -> int:
    """For a new programme whose row has no status: from its dates (ongoing when it has none)."""
    today = timezone.localdate()
    if end and end < today:
        return ActivityStatus.CLOSED
    if start and start > today:
        return ActivityStatus.PIPELINE
    return ActivityStatus.IMPLEMENTATION


def with_values(group: GroupPlan, programme: Programme) -> Programme:
    """`programme` with the group's values set (not saved). Empty cells never clear a value."""
    values, new = group.values, programme.pk is None
    if values["title"]:
        programme.title = values["title"]
    if values["code"]:
        programme.iati_identifier = values["code"]
    if values["description"]:
        programme.description = values["description"]
    for attribute, planned, actual in (
        ("start", "planned_start", "actual_start"),
        ("end", "planned_end", "actual_end"),
    ):
        # The sheet's dates are the ones the portal shows: the actual date where one is recorded.
        if values[attribute] is not None:
            setattr(programme, actual if getattr(programme, actual) else planned, values[attribute])
    if values["status"] is not None:
        programme.status = values["status"]
    elif new:
        programme.status = inferred_status(values["start"], values["end"])
    if values["budget"] is not None:
        programme.total_budget = values["budget"]
    if values["currency"]:
        programme.currency = values["currency"]
    if new:
        # Clusters are the humanitarian coordination system: a cluster-coded programme is humanitarian.
        programme.humanitarian = bool(values["clusters"])
    return programme


def even_shares(sectors: list[Sector]) -> list[tuple[Sector, Decimal]]:
    """100 % split evenly, the last sector taking the rounding remainder (3 → 33.33, 33.33, 33.34)."""
    if not sectors:
        return []
    share = (Decimal(100) / len(sectors)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    shares = [(sector, share) for sector in sectors]
    shares[-1] = (sectors[-1], Decimal(100) - share * (len(sectors) - 1))
    return shares


def _union(lists):
    """The values of every row, in order, once each; None when the column is absent (all None)."""
    if all(value is None for value in lists):
        return None
    return list(dict.fromkeys(value for values in lists for value in values or [] if value is not None))


def _org_union(lists) -> list[OrgRef] | None:
    if all(value is None for value in lists):
        return None
    result, seen = [], set()
    for refs in lists:
        for ref in refs or []:
            key = ("actor", ref.actor.pk) if ref.actor else ref.key
            if key not in seen:
                seen.add(key)
                result.append(ref)
    return result


def wanted_sectors(group: GroupPlan, current: list[tuple[Sector, Decimal]]) -> list[tuple[Sector, Decimal]]:
    clusters, dac = group.values["clusters"], group.values["dac"]
    replaced = set()
    shares = []
    if clusters is not None:
        replaced.add(SectorVocabulary.CLUSTER)
        shares += even_shares(clusters)
    if dac is not None:
        replaced |= {SectorVocabulary.DAC5, SectorVocabulary.DAC3}
        shares += even_shares(dac)
    return [(sector, pct) for sector, pct in current if sector.vocabulary not in replaced] + shares


def wanted_participants(group, current: list[tuple[int, int]], actors: dict) -> list[tuple[int, int]]:
    """(actor id, role): implementers and funders from the sheet, other roles kept."""
    implementers, funders = group.values["implementers"], group.values["funders"]
    replaced = {OrganisationRole.IMPLEMENTING} | ({OrganisationRole.FUNDING} if funders is not None else set())
    wanted = [(actor_id, role) for actor_id, role in current if role not in replaced]
    wanted += [(actors[ref.key], OrganisationRole.IMPLEMENTING) for ref in implementers]
    wanted += [(actors[ref.key], OrganisationRole.FUNDING) for ref in funders or []]
    return list(dict.fromkeys(wanted))


def _mark_unchanged(groups: list[GroupPlan]) -> None:
    """Updates that would change nothing (a sheet uploaded again) are left alone."""
    pks = [group.programme.pk for group in groups]
    if not pks:
        return
    participants, sectors, locations = defaultdict(list), defaultdict(list), defaultdict(set)
    for row in ProgrammeParticipant.objects.filter(programme_id__in=pks).values_list(
        "programme_id", "actor_id", "role"
    ):
        participants[row[0]].append((row[1], row[2]))
    for share in ProgrammeSector.objects.filter(programme_id__in=pks).select_related("sector"):
        sectors[share.programme_id].append((share.sector, share.percentage))
    for programme_id, area_id in ProgrammeLocation.objects.filter(programme_id__in=pks).values_list(
        "programme_id", "area_id"
    ):
        locations[programme_id].add(area_id)
    for group in groups:
        programme = group.programme
        if any(ref.actor is None for row in group.rows for ref in _orgs(row)):
            continue
        before = {name: getattr(programme, name) for name in COMPARED_FIELDS}
        after = with_values(group, copy.copy(programme))
        actors = {ref.key: ref.actor.pk for row in group.rows for ref in _orgs(row)}
        same = (
            all(getattr(after, name) == before[name] for name in COMPARED_FIELDS)
            and set(wanted_participants(group, participants[programme.pk], actors)) == set(participants[programme.pk])
            and _share_set(wanted_sectors(group, sectors[programme.pk])) == _share_set(sectors[programme.pk])
            and {area.pk for area in group.values["areas"]} == locations[programme.pk]
        )
        if same:
            group.action = UNCHANGED


COMPARED_FIELDS = (
    "title",
    "iati_identifier",
    "description",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "status",
    "total_budget",
    "currency",
    "humanitarian",
)


def _share_set(shares) -> set[tuple[int, Decimal]]:
    return {(sector.pk, Decimal(pct).quantize(Decimal("0.01"))) for sector, pct in shares}


# -- the preview -----------------------------------------------------------------------------------
def preview_json(plan: Plan) -> dict:
    """The plan as ImportJob.preview: column mapping, counts and rows (capped; errors kept first)."""
    sheet = plan.sheet
    errors = [row for row in plan.rows if row.errors][:PREVIEW_MAX_ERROR_ROWS]
    others = [row for row in plan.rows if not row.errors][:PREVIEW_MAX_ROWS]
    shown = sorted(errors + others, key=lambda row: row.number)
    return {
        "format": sheet.file_format,
        "encoding": sheet.encoding,
        "sheet": sheet.sheet_name,
        "hashtag_row": sheet.hashtag_row,
        "header_row": sheet.hashtag_row - 1 if sheet.hashtag_row > 1 else None,
        "warnings": [str(warning) for warning in sheet.warnings],
        "missing": [str(message) for message in plan.missing],
        "columns": [column.as_dict() for column in sheet.columns],
        "counts": plan.counts(),
        "rows": [_row_json(row) for row in shown],
        "rows_shown": len(shown),
        "rows_truncated": len(shown) < len(plan.rows),
    }


def _row_json(row: RowPlan) -> dict:
    group = row.group
    action = ERROR if row.errors or group is None else group.action
    programme = group.programme if group is not None else None
    return {
        "row": row.number,
        "action": action,
        "title": row.title,
        "code": row.code,
        "orgs": [ref.as_dict() for ref in row.implementers],
        "funders": [ref.as_dict() for ref in row.funders or []],
        "area": row.area.as_dict() if row.area else None,
        "programme": {"id": programme.pk, "title": programme.title} if programme is not None else None,
        "group_rows": [other.number for other in group.rows] if group is not None and len(group.rows) > 1 else [],
        "errors": [str(message) for message in dict.fromkeys(row.errors)],
        "warnings": [str(message) for message in dict.fromkeys(row.warnings)],
        "suggestions": list(dict.fromkeys(row.suggestions)),
    }
