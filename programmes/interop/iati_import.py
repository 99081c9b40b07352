"""Writing one parsed IATI activity into the portal: a programme with its actors, sectors, places,
scopes, funding chain and links, all or nothing.

`import_activity` runs in its own transaction: when anything about the activity is refused (a
sector code the portal does not know, percentages that do not add up, a place it cannot find, no
right to report for the organisation) it raises ActivityRefused and nothing of that activity stays,
not even the actors it created. Re-importing is an upsert keyed on the IATI identifier: a programme,
actor, agreement or link is found again, never duplicated, and an activity whose data has not changed
writes nothing at all ("skipped").

An ImportContext lives for one job: it holds the user and caches (sectors, areas, actors, rights),
so a file of thousands of activities costs a few queries per activity, not per element.
docs/interoperability.md lists every mapping and the decisions behind it.
"""

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from actors.access import actor_ids, is_reviewer
from actors.choices import ActorKind, Localness, MembershipRole
from actors.matching import find_actor, normalise_identifier, normalise_name
from actors.models import Actor, ActorAlias, AliasSource
from coordination.dirty import AFFECTED, mark_dirty
from funding.choices import Stream
from funding.models import FundingAgreement
from nexus_portal.audit.capture import after_save as audit_after_save
from nexus_portal.audit.capture import child_set, label_of
from nexus_portal.audit.capture import record as audit_record
from nexus_portal.audit.capture import ref as audit_ref
from nexus_portal.audit.choices import Action as AuditAction
from nexus_portal.querysets import CHANGE
from programmes.choices import ActivityStatus, LinkStatus, LinkType
from programmes.interop.iati_parse import Org, ParsedActivity
from programmes.models import (
    Programme,
    ProgrammeHumanitarianScope,
    ProgrammeLink,
    ProgrammeLocation,
    ProgrammeParticipant,
    ProgrammeSector,
)
from programmes.services import DAC_VOCABULARIES, apply_derived_pillars, validate_sector_shares
from reference.choices import SectorVocabulary
from reference.models import Area, Sector

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
TITLE_MAX = Programme._meta.get_field("title").max_length
IDENTIFIER_MAX = Programme._meta.get_field("iati_identifier").max_length
COUNTRY_VOCABULARY = "A4"  # IATI GeographicVocabulary: ISO 3166-1 alpha-2 country codes
PORTAL_VOCABULARIES = {"1": SectorVocabulary.DAC5, "2": SectorVocabulary.DAC3, "10": SectorVocabulary.CLUSTER}

# IATI OrganisationType → (kind, localness) of an actor the import creates.
ORGANISATION_TYPES = {
    "10": (ActorKind.NATIONAL_AUTHORITY, Localness.NATIONAL),  # Government
    "11": (ActorKind.LOCAL_AUTHORITY, Localness.LOCAL),  # Local Government
    "15": (ActorKind.NATIONAL_AUTHORITY, Localness.NATIONAL),  # Other Public Sector
    "21": (ActorKind.INTERNATIONAL_NGO, Localness.INTERNATIONAL),  # International NGO
    "22": (ActorKind.NATIONAL_NGO, Localness.NATIONAL),  # National NGO
    "23": (ActorKind.INTERNATIONAL_NGO, Localness.INTERNATIONAL),  # Regional NGO
    "24": (ActorKind.LOCAL_NGO, Localness.LOCAL),  # Partner Country based NGO
    "30": (ActorKind.PRIVATE_SECTOR, Localness.INTERNATIONAL),  # Public Private Partnership
    "40": (ActorKind.UN_AGENCY, Localness.INTERNATIONAL),  # Multilateral
    "60": (ActorKind.PRIVATE_SECTOR, Localness.INTERNATIONAL),  # Foundation
    "70": (ActorKind.PRIVATE_SECTOR, Localness.INTERNATIONAL),  # Private Sector
    "71": (ActorKind.PRIVATE_SECTOR, Localness.INTERNATIONAL),  # Private Sector in Provider Country
    "72": (ActorKind.PRIVATE_SECTOR, Localness.NATIONAL),  # Private Sector in Aid Recipient Country
    "73": (ActorKind.PRIVATE_SECTOR, Localness.INTERNATIONAL),  # Private Sector in Third Country
    "80": (ActorKind.RESEARCH, Localness.INTERNATIONAL),  # Academic, Training and Research
}
# Unknown or missing type ("90 Other" too): international NGO, international. Counting an unknown
# organisation as local would inflate the localisation figures; a manager corrects the kind later.
DEFAULT_ORGANISATION_TYPE = (ActorKind.INTERNATIONAL_NGO, Localness.INTERNATIONAL)

PARENT = "1"  # IATI RelatedActivityType: the related activity is the parent of this one
# IATI RelatedActivityType → portal link type.
LINK_TYPES = {
    "1": LinkType.CONSORTIUM,  # parent
    "2": LinkType.CONSORTIUM,  # child
    "3": LinkType.COMPLEMENTARY,  # sibling
    "4": LinkType.JOINT,  # co-funded
    "5": LinkType.REFERRAL,  # third party
}

# IATI TransactionType codes that describe money moving between two organisations.
INCOMING = {"1", "11"}  # incoming funds, incoming commitment
OUTGOING = {"2", "3"}  # outgoing commitment, disbursement
COMMITMENTS = {"2", "11"}


class ActivityRefused(Exception):
    """The activity was not imported (nothing of it was written); `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Outcome:
    result: str  # "created", "updated" or "skipped"
    programme: Programme
    warnings: list[str] = field(default_factory=list)


class AreaInfo(NamedTuple):
    pk: int
    pcode: str
    country_code: str
    level: int
    name: str
    path: str


def _load_likely_duplicates():
    """actors.dedup.likely_duplicates if that module is installed, else None."""
    try:
        from actors.dedup import likely_duplicates
    except ImportError:
        return None
    return likely_duplicates


class ImportContext:
    """What one import job knows: who runs it, and caches of reference data and actors."""

    def __init__(self, *, user):
        self.user = user
        self.privileged = user is None or bool(user.is_superuser) or is_reviewer(user)
        self.editor_of = frozenset() if user is None else actor_ids(user, MembershipRole.EDITOR)
        self.likely_duplicates = _load_likely_duplicates()
        self._sectors: dict[tuple[int, str], Sector] | None = None
        self._countries: dict[str, AreaInfo] | None = None
        self._areas: dict[str, AreaInfo | None] = {}
        self._actors: dict[str, Actor] = {}
        self._aliases: set[tuple[int, str]] = set()
        self._pending_actor_keys: list[str] = []
        self._pending_aliases: list[tuple[int, str]] = []
        self.created_in_activity = 0

    # -- transaction bookkeeping: what an activity added to the caches goes if the activity rolls back --
    def begin(self) -> None:
        self._pending_actor_keys, self._pending_aliases = [], []
        self.created_in_activity = 0

    def rollback(self) -> None:
        for key in self._pending_actor_keys:
            self._actors.pop(key, None)
        self._aliases.difference_update(self._pending_aliases)
        self.begin()

    # -- reference data ----------------------------------------------------------------------------------
    def sector(self, vocabulary: int, code: str) -> Sector | None:
        if self._sectors is None:
            self._sectors = {(sector.vocabulary, sector.code.upper()): sector for sector in Sector.objects.all()}
        return self._sectors.get((vocabulary, code.upper()))

    def country(self, iso2: str) -> AreaInfo | None:
        if self._countries is None:
            rows = Area.objects.filter(level=0).values_list("pk", "pcode", "country_code", "level", "name", "path")
            self._countries = {row[1].upper(): AreaInfo(*row) for row in rows}
        return self._countries.get(iso2.upper())

    def areas(self, pcodes: Iterable[str]) -> dict[str, AreaInfo | None]:
        wanted = {code.upper() for code in pcodes if code}
        missing = wanted - self._areas.keys()
        if missing:
            found = Area.objects.filter(pcode__in=missing).values_list(
                "pk", "pcode", "country_code", "level", "name", "path"
            )
            for row in found:
                self._areas[row[1].upper()] = AreaInfo(*row)
            for code in missing:
                self._areas.setdefault(code, None)
        return {code: self._areas[code] for code in wanted}

    # -- actors ------------------------------------------------------------------------------------------
    def actor(self, org: Org, warnings: list[str], *, create: bool = True) -> Actor | None:
        """The portal actor for an organisation in the file: found by identifier or name, else created."""
        key = org_key(org)
        actor = self._actors.get(key)
        if actor is None:
            actor = self._find(org)
            if actor is None:
                if not create:
                    return None
                actor = self._create(org, warnings)
            self._actors[key] = actor
            self._pending_actor_keys.append(key)
        self._remember_alias(actor, org.name)
        return actor

    def _find(self, org: Org) -> Actor | None:
        identifier = normalise_identifier(org.ref)
        actor = find_actor(identifier=identifier, name=org.name)
        other_identifier = actor is not None and identifier and actor.iati_identifier
        if other_identifier and normalise_identifier(actor.iati_identifier) != identifier:
            return None  # same name, another identifier: another organisation
        return actor

    def _create(self, org: Org, warnings: list[str]) -> Actor:
        kind, localness = ORGANISATION_TYPES.get(org.type, DEFAULT_ORGANISATION_TYPE)
        identifier_field = Actor._meta.get_field("iati_identifier")
        identifier = org.ref if len(org.ref) <= identifier_field.max_length else ""
        actor = Actor(
            name=(org.name or org.ref)[: Actor._meta.get_field("name").max_length],
            iati_identifier=identifier,
            iati_org_type=org.type if org.type.isdigit() and len(org.type) <= 3 else "",
            kind=kind,
            localness=localness,
        )
        actor.full_clean(validate_constraints=False)
        actor.save()
        self.created_in_activity += 1
        warnings.append(
            _("New organisation added to the portal: %(name)s (%(kind)s, %(localness)s).")
            % {"name": actor.name, "kind": actor.get_kind_display(), "localness": actor.get_localness_display()}
        )
        if self.likely_duplicates is not None:
            for duplicate, reason in self.likely_duplicates(actor):
                warnings.append(
                    _(
                        "The new organisation %(name)s may be a duplicate of %(other)s (%(reason)s); "
                        "a manager can merge them."
                    )
                    % {"name": actor.name, "other": duplicate, "reason": reason}
                )
        return actor

    def _remember_alias(self, actor: Actor, name: str) -> None:
        """Keep a name the file uses for a known actor, so the next file (and the duplicate finder) know it."""
        normalised = normalise_name(name)
        if not normalised or (actor.pk, normalised) in self._aliases:
            return
        self._aliases.add((actor.pk, normalised))
        self._pending_aliases.append((actor.pk, normalised))
        if normalised == normalise_name(actor.name) or name.strip().lower() == actor.acronym.strip().lower():
            return
        ActorAlias.objects.get_or_create(
            actor=actor,
            normalised=normalised,
            defaults={"name": name[: ActorAlias._meta.get_field("name").max_length], "source": AliasSource.IMPORT},
        )

    # -- rights ------------------------------------------------------------------------------------------
    def check_may_import(self, identifier: str, reporting: Actor | None, existing: Programme | None) -> None:
        if self.privileged:
            return
        if reporting is None or reporting.pk not in self.editor_of:
            raise ActivityRefused(
                _(
                    "You may only import activities that an organisation you edit for reports (reporting-org); "
                    "%(identifier)s is reported by another organisation."
                )
                % {"identifier": identifier}
            )
        if existing is not None and not Programme.objects.restrict(self.user, CHANGE).filter(pk=existing.pk).exists():
            raise ActivityRefused(
                _("A programme with the identifier %(identifier)s exists and you may not change it.")
                % {"identifier": identifier}
            )

    def may_confirm_link_to(self, programme: Programme, target_pk: int, target_reporter_id: int) -> bool:
        """A link is confirmed at once when the importer also speaks for the other programme."""
        if self.user is None or self.user.is_superuser or programme.reporting_actor_id == target_reporter_id:
            return True
        return Programme.objects.restrict(self.user, CHANGE).filter(pk=target_pk).exists()


def org_key(org: Org) -> str:
    """How an organisation in a file is recognised within a job (and in agreement references)."""
    identifier = normalise_identifier(org.ref)
    return f"id:{identifier}" if identifier else f"name:{normalise_name(org.name)}"


# -- the activity -----------------------------------------------------------------------------------------
def import_activity(parsed: ParsedActivity, *, ctx: ImportContext) -> Outcome:
    """Create, update or leave unchanged the programme for one activity, all or nothing."""
    ctx.begin()
    try:
        with transaction.atomic():
            relax_commit()
            return _Writer(parsed, ctx).write()
    except ValidationError as error:
        ctx.rollback()
        raise ActivityRefused(" ".join(error.messages)) from None
    except IntegrityError:
        ctx.rollback()
        logger.info("IATI activity %s conflicts with a concurrent write", parsed.identifier, exc_info=True)
        raise ActivityRefused(
            _("The activity conflicts with data saved at the same time. Import the file again.")
        ) from None
    except BaseException:
        ctx.rollback()
        raise


class _Writer:
    def __init__(self, parsed: ParsedActivity, ctx: ImportContext):
        self.parsed, self.ctx = parsed, ctx
        self.warnings: list[str] = []
        self.changed = False
        self.bulk_agreement: FundingAgreement | None = None  # one agreement written or linked in bulk
        self.old_marks: set | None = None  # where the programme worked before its children were replaced

    def write(self) -> Outcome:
        parsed, ctx = self.parsed, self.ctx
        if len(parsed.identifier) > IDENTIFIER_MAX:
            raise ActivityRefused(_("The iati-identifier is longer than %(max)s characters.") % {"max": IDENTIFIER_MAX})
        existing = Programme.objects.select_for_update().filter(iati_identifier=parsed.identifier).first()
        reporting = ctx.actor(parsed.reporting_org, self.warnings, create=ctx.privileged)
        ctx.check_may_import(parsed.identifier, reporting, existing)

        shares, other_sectors = self.sectors()
        locations = self.locations()
        participants = self.participants()
        scopes = self.scopes()
        total_budget, currency = self.budget()
        title = parsed.title
        if len(title) > TITLE_MAX:
            title = title[: TITLE_MAX - 1] + "…"
            self.warnings.append(_("The title was shortened to %(max)s characters.") % {"max": TITLE_MAX})

        programme = existing or Programme(iati_identifier=parsed.identifier)
        before = {name: getattr(programme, name) for name in PROGRAMME_FIELDS} if existing else None
        fields = {
            "title": title,
            "description": parsed.description,
            "target_groups": parsed.target_groups,
            "reporting_actor": reporting,
            "status": parsed.status or (existing.status if existing else ActivityStatus.PIPELINE),
            "planned_start": parsed.planned_start,
            "actual_start": parsed.actual_start,
            "planned_end": parsed.planned_end,
            "actual_end": parsed.actual_end,
            "total_budget": total_budget,
            "currency": currency,
            "humanitarian": parsed.humanitarian,
            "other_sectors": other_sectors,
        }
        for name, value in fields.items():
            setattr(programme, name, value)
        apply_derived_pillars(
            programme, dac_codes=[sector.code for sector, _ in shares if sector.vocabulary in DAC_VOCABULARIES]
        )
        links, unresolved = self.related(programme)
        programme.unresolved_related_activities = unresolved
        programme.full_clean(exclude=["reporting_actor"], validate_constraints=False, validate_unique=False)
        if existing is None:
            # Written in bulk (no per-row signals): the audit entry and the dirty marks are recorded below.
            Programme.objects.bulk_create([programme])
            audit_created(programme)
            self.changed = True
        elif before != {name: getattr(programme, name) for name in PROGRAMME_FIELDS}:
            self.changed = True

        children = self.sync_children(programme, existing is not None, participants, shares, locations, scopes)
        self.changed |= children
        self.changed |= self.agreements(programme, existing is not None)
        self.changed |= self.links(programme, links)
        self.changed |= ctx.created_in_activity > 0
        if existing is not None and self.changed:
            # The row is locked (select_for_update above); updated_at moves; its signals record the change
            # and mark where the programme works.
            programme.save(update_fields=[name.removesuffix("_id") for name in PROGRAMME_FIELDS] + ["updated_at"])
        # Rows written in bulk send no signals: mark for the flag re-check, in this transaction, exactly what
        # coordination/dirty.py marks for a save of the programme (where it works, before and after) and of an
        # agreement funding it (its countries and the global rules).
        marks = set(self.old_marks or ())
        if existing is None:  # an existing programme was saved above: its own signal marked where it works now
            marks |= AFFECTED["programmes.Programme"](programme)
        if self.bulk_agreement is not None:
            marks |= AFFECTED["funding.FundingAgreement"](self.bulk_agreement)
        if marks:
            mark_dirty(marks)
        result = "created" if existing is None else "updated" if self.changed else "skipped"
        return Outcome(result=result, programme=programme, warnings=self.warnings)

    # -- sectors ---------------------------------------------------------------------------------------
    def sectors(self) -> tuple[list[tuple[Sector, Decimal]], list[dict]]:
        by_vocabulary: dict[int, list] = defaultdict(list)
        other: list[dict] = []
        for entry in self.parsed.sectors:
            vocabulary = PORTAL_VOCABULARIES.get(entry.vocabulary)
            if vocabulary is None:
                other.append(
                    {
                        "vocabulary": entry.vocabulary,
                        "vocabulary_uri": entry.vocabulary_uri,
                        "code": entry.code,
                        "percentage": plain_number(entry.percentage),
                        "narrative": entry.narrative,
                    }
                )
            else:
                by_vocabulary[vocabulary].append(entry)
        shares, unknown = [], []
        for vocabulary, entries in by_vocabulary.items():
            label = SectorVocabulary(vocabulary).label
            if len(entries) > 1 and any(entry.percentage is None for entry in entries):
                raise ActivityRefused(
                    _("The activity has several %(vocabulary)s sectors but not every one has a percentage.")
                    % {"vocabulary": label}
                )
            for entry in entries:
                sector = self.ctx.sector(vocabulary, entry.code)
                if sector is None:
                    unknown.append(f"{entry.code or '?'} ({label})")
                    continue
                percentage = Decimal(100) if entry.percentage is None else entry.percentage
                shares.append((sector, percentage.quantize(CENT)))
        if unknown:
            raise ActivityRefused(
                _("Sector codes the portal does not know: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        validate_sector_shares(shares)
        return shares, other

    # -- places ----------------------------------------------------------------------------------------
    def locations(self) -> list[tuple[AreaInfo, str]]:
        """Each location's finest known administrative area; a recipient-country where none lies in it."""
        parsed, ctx = self.parsed, self.ctx
        known = ctx.areas(code.code for location in parsed.locations for code in location.administrative)
        chosen: dict[int, tuple[AreaInfo, str]] = {}
        unknown: list[str] = []
        for location in parsed.locations:
            matches = [(known[code.code.upper()], code.vocabulary) for code in location.administrative]
            matches = [(info, vocabulary) for info, vocabulary in matches if info is not None]
            if matches:
                info, vocabulary = max(matches, key=lambda match: match[0].level)
                chosen.setdefault(info.pk, (info, vocabulary[:5]))
            elif location.administrative:
                codes = ", ".join(code.code for code in location.administrative)
                unknown.append(f"{location.name} ({codes})" if location.name else codes)
        placed_in = {info.country_code for info, _ in chosen.values()}
        for country in parsed.recipient_countries:
            info = ctx.country(country.code)
            if info is None:
                unknown.append(country.code)
            elif info.country_code not in placed_in:
                chosen.setdefault(info.pk, (info, COUNTRY_VOCABULARY))
        if not chosen:
            if unknown:
                raise ActivityRefused(
                    _("None of the activity's places is known to the portal (%(codes)s), so it cannot be placed.")
                    % {"codes": "; ".join(unknown)}
                )
            raise ActivityRefused(
                _("The activity has no recipient-country and no location/administrative code, so it cannot be placed.")
            )
        if unknown:
            self.warnings.append(
                _("Places not known to the portal were left out: %(codes)s.") % {"codes": "; ".join(unknown)}
            )
        return list(chosen.values())

    # -- organisations ---------------------------------------------------------------------------------
    def participants(self) -> list[tuple[Actor, int]]:
        pairs: list[tuple[Actor, int]] = []
        for org in self.parsed.participating_orgs:
            if org.is_blank:
                self.warnings.append(_("A participating-org without ref or name was left out."))
                continue
            if org.role not in {"1", "2", "3", "4"}:
                self.warnings.append(
                    _("The participating-org %(name)s has no valid role (1–4) and was left out.")
                    % {"name": org.name or org.ref}
                )
                continue
            pair = (self.ctx.actor(org, self.warnings), int(org.role))
            if all((actor.pk, role) != (pair[0].pk, pair[1]) for actor, role in pairs):
                pairs.append(pair)
        return pairs

    def scopes(self) -> list[tuple[int, str, str, str, str]]:
        rows: dict[tuple, tuple] = {}
        validate_url = URLValidator()
        for scope in self.parsed.humanitarian_scopes:
            if scope.type not in {"1", "2"} or not scope.vocabulary or not scope.code:
                self.warnings.append(
                    _("A humanitarian-scope without a valid type (1 or 2), vocabulary and code was left out.")
                )
                continue
            uri = scope.vocabulary_uri
            if uri:
                try:
                    validate_url(uri)
                except ValidationError:
                    uri = ""
            key = (int(scope.type), scope.vocabulary[:10], scope.code[:100])
            rows.setdefault(key, (*key[:2], uri[:300], key[2], scope.narrative[:300]))
        return [(scope_type, vocabulary, uri, code, text) for scope_type, vocabulary, uri, code, text in rows.values()]

    # -- money -------------------------------------------------------------------------------------------
    def budget(self) -> tuple[Decimal | None, str]:
        """The sum of the budgets, one per period (revised over original), if they share one currency."""
        budgets = self.parsed.budgets
        if not budgets:
            return None, ""
        periods: dict[tuple, dict[str, object]] = defaultdict(dict)
        for budget in budgets:
            periods[(budget.period_start, budget.period_end)][budget.type] = budget  # the last of a type wins
        chosen = [types.get("2") or types.get("1") or next(iter(types.values())) for types in periods.values()]
        currencies = {budget.currency for budget in chosen}
        if "" in currencies:
            self.warnings.append(
                _("A budget has no currency and the activity no default-currency; the budget was left empty.")
            )
            return None, ""
        if len(currencies) > 1:
            self.warnings.append(
                _("The budgets are in several currencies (%(currencies)s); the total budget was left empty.")
                % {"currencies": ", ".join(sorted(currencies))}
            )
            return None, ""
        currency = currencies.pop()
        total = sum((budget.value for budget in chosen), Decimal(0)).quantize(CENT)
        if not (len(currency) == 3 and currency.isalpha()) or total < 0:
            self.warnings.append(_("The budget could not be read (currency or total); it was left empty."))
            return None, ""
        return total, currency

    def agreements(self, programme: Programme, existed: bool) -> bool:
        """Funding agreements from the transactions between two organisations; True if any was written."""
        flows = self._flows()
        prefix = agreement_prefix(self.parsed.identifier)
        wanted = {}
        for (provider_key, receiver_key), flow in flows.items():
            agreement = self._agreement_values(programme, flow)
            if agreement is not None:
                wanted[prefix + short_hash(f"{provider_key}>{receiver_key}")] = agreement
        existing = {}
        if existed:
            linked = FundingAgreement.objects.filter(funded_programmes=programme, reference__startswith=prefix)
            existing = {agreement.reference: agreement for agreement in linked}
        linked_references = set(existing)
        missing = [reference for reference in wanted if reference not in existing]
        if missing:
            by_donor = Q()
            for reference in missing:
                by_donor |= Q(donor=wanted[reference]["donor"], reference=reference)
            existing.update({agreement.reference: agreement for agreement in FundingAgreement.objects.filter(by_donor)})
        changed = False
        saved: dict[str, FundingAgreement] = {}
        to_link: list[FundingAgreement] = []
        # Incoming agreements first: an outgoing one from their recipient becomes their sub-grant.
        for incoming in (True, False):
            created = []
            for reference, values in sorted(wanted.items()):
                if values["incoming"] is not incoming:
                    continue
                parent = None
                if not incoming:
                    parent = next(
                        (
                            agreement
                            for other, agreement in sorted(saved.items())
                            if wanted[other]["incoming"] and agreement.recipient_id == values["donor"].pk
                        ),
                        None,
                    )
                agreement = existing.get(reference)
                if agreement is None:
                    agreement = FundingAgreement(reference=reference)
                    self._set_agreement(agreement, values, parent)
                    created.append(agreement)
                else:
                    changed |= self._update_agreement(agreement, values, parent)
                if reference not in linked_references:
                    to_link.append(agreement)
                saved[reference] = agreement
            # New agreements are written in bulk (one insert, no per-row signals): their audit entries and
            # dirty marks are recorded below, exactly as single saves would record them.
            FundingAgreement.objects.bulk_create(created)
            for agreement in created:
                audit_created(agreement)
            changed |= bool(created)
        if to_link:
            through = FundingAgreement.funded_programmes.through
            through.objects.bulk_create(
                [through(fundingagreement_id=agreement.pk, programme_id=programme.pk) for agreement in to_link],
                ignore_conflicts=True,
            )
            added = {"funded_programmes": {"added": [audit_ref(programme)]}}
            for agreement in to_link:
                audit_record(agreement, action=AuditAction.UPDATE, changes=added)
            self.bulk_agreement, changed = to_link[0], True
        for reference, agreement in existing.items():
            if reference in wanted or not reference.startswith(prefix):
                continue
            if agreement.sub_grants.exists():
                self.warnings.append(
                    _("The agreement %(reference)s is no longer in the file but has sub-grants, so it was kept.")
                    % {"reference": reference}
                )
                continue
            agreement.delete()
            changed = True
        return changed

    def _flows(self) -> dict[tuple[str, str], dict]:
        parsed, reporting = self.parsed, self.parsed.reporting_org
        flows: dict[tuple[str, str], dict] = {}
        skipped = 0
        for transaction_entry in parsed.transactions:
            kind = transaction_entry.type
            if kind not in INCOMING | OUTGOING:
                continue
            provider = transaction_entry.provider if not transaction_entry.provider.is_blank else None
            receiver = transaction_entry.receiver if not transaction_entry.receiver.is_blank else None
            # IATI leaves out the reporting organisation's own side: it receives incoming and gives outgoing funds.
            provider = provider or (reporting if kind in OUTGOING else None)
            receiver = receiver or (reporting if kind in INCOMING else None)
            if provider is None or receiver is None:
                skipped += 1
                continue
            key = (org_key(provider), org_key(receiver))
            if key[0] == key[1]:
                continue
            flow = flows.setdefault(
                key, {"provider": provider, "receiver": receiver, "commitments": [], "flows": [], "incoming": False}
            )
            flow["incoming"] |= kind in INCOMING
            flow["commitments" if kind in COMMITMENTS else "flows"].append(transaction_entry)
        if skipped:
            self.warnings.append(
                _("Transactions that name no provider or receiver organisation give no funding agreement: %(count)s.")
                % {"count": skipped}
            )
        return flows

    def _agreement_values(self, programme: Programme, flow: dict) -> dict | None:
        parsed = self.parsed
        transactions = flow["commitments"] or flow["flows"]
        donor = self.ctx.actor(flow["provider"], self.warnings)
        recipient = self.ctx.actor(flow["receiver"], self.warnings)
        names = {"donor": donor.name, "recipient": recipient.name}
        if donor.pk == recipient.pk:
            return None
        currencies = {entry.currency for entry in transactions}
        if len(currencies) != 1 or "" in currencies:
            self.warnings.append(
                _(
                    "The transactions from %(donor)s to %(recipient)s have no single currency; "
                    "no agreement was recorded."
                )
                % names
            )
            return None
        amount = sum((entry.value for entry in transactions), Decimal(0)).quantize(CENT)
        dates = sorted(entry.date for entry in flow["commitments"] + flow["flows"] if entry.date)
        start = parsed.start or (dates[0] if dates else None)
        end = parsed.end or (dates[-1] if dates else None) or start
        if amount < 0 or start is None:
            self.warnings.append(
                _("The transactions from %(donor)s to %(recipient)s have no start date or a negative total; "
                  "no agreement was recorded.") % names
            )  # fmt: skip
            return None
        if programme.pillar_h or programme.humanitarian:
            stream = Stream.HUMANITARIAN
        elif programme.pillar_p:
            stream = Stream.PEACE
        else:
            stream = Stream.DEVELOPMENT
        return {
            "donor": donor,
            "recipient": recipient,
            "stream": stream,
            "start_date": start,
            "end_date": max(end, start),
            "amount": amount,
            "currency": currencies.pop(),
            "incoming": flow["incoming"],
        }

    def _set_agreement(self, agreement: FundingAgreement, values: dict, parent: FundingAgreement | None) -> None:
        for name, value in values.items():
            if name != "incoming":
                setattr(agreement, name, value)
        agreement.parent = parent
        # The related rows are in hand (no existence query per foreign key); clean() checks the chain.
        held = ["donor", "recipient", "parent"]
        try:
            agreement.full_clean(exclude=held, validate_constraints=False, validate_unique=False)
        except ValidationError as error:
            if "parent" not in error.message_dict:
                raise
            agreement.parent = None  # the chain does not fit the model's rules: record it without a parent
            agreement.full_clean(exclude=held, validate_constraints=False, validate_unique=False)

    def _update_agreement(self, agreement: FundingAgreement, values: dict, parent) -> bool:
        """Save an existing agreement if the file changes it (its signals record the change); True if saved."""
        wanted = {
            name: value.pk if name in RELATIONS else value for name, value in values.items() if name != "incoming"
        }
        wanted["parent"] = parent.pk if parent is not None else None
        current = {name: getattr(agreement, f"{name}_id" if name in RELATIONS else name) for name in wanted}
        if current == wanted:
            return False
        self._set_agreement(agreement, values, parent)
        agreement.save()
        return True

    # -- links -------------------------------------------------------------------------------------------
    def related(self, programme: Programme) -> tuple[list[tuple[int, int, str, str]], list[dict]]:
        """(target pk, target reporter, link type, IATI type) for related activities in the portal; the rest kept."""
        related = [entry for entry in self.parsed.related_activities if entry.ref != self.parsed.identifier]
        refs = {entry.ref for entry in related}
        targets = (
            {
                row[0]: row[1:]
                for row in Programme.objects.filter(iati_identifier__in=refs).values_list(
                    "iati_identifier", "pk", "reporting_actor_id"
                )
            }
            if refs
            else {}
        )
        links, unresolved = [], []
        for entry in related:
            link_type = LINK_TYPES.get(entry.type)
            if link_type is None:
                self.warnings.append(
                    _("The related-activity %(ref)s has an unknown type (%(type)s) and was left out.")
                    % {"ref": entry.ref, "type": entry.type or "-"}
                )
            elif entry.ref in targets:
                links.append((*targets[entry.ref], link_type, entry.type))
            elif {"ref": entry.ref, "type": entry.type} not in unresolved:
                unresolved.append({"ref": entry.ref, "type": entry.type})
        return links, unresolved

    def links(self, programme: Programme, links: list[tuple[int, int, str, str]]) -> bool:
        changed = False
        for target_pk, target_reporter_id, link_type, iati_type in links:
            confirmed = self.ctx.may_confirm_link_to(programme, target_pk, target_reporter_id)
            changed |= ensure_link(
                programme.pk, target_pk, link_type, confirmed=confirmed, user=self.ctx.user, iati_type=iati_type
            )
        return changed

    # -- children ----------------------------------------------------------------------------------------
    def sync_children(self, programme, existed, participants, shares, locations, scopes) -> bool:
        """Write the participants, sectors, locations and scopes; True if any set changed.

        A new programme's children are one audit entry on the programme; an existing programme's sets
        are compared and only a set that differs is replaced (one entry each, child_set), as in
        programmes/services.py.
        """
        rows = {
            "participations": [
                ProgrammeParticipant(programme=programme, actor=actor, role=role) for actor, role in participants
            ],
            "sector_shares": [
                ProgrammeSector(programme=programme, sector=sector, percentage=percentage)
                for sector, percentage in shares
            ],
            "location_links": [
                ProgrammeLocation(
                    programme=programme,
                    area=Area(
                        pk=info.pk, pcode=info.pcode, name=info.name, level=info.level, country_code=info.country_code
                    ),
                    vocabulary=vocabulary,
                )
                for info, vocabulary in locations
            ],
            "humanitarian_scopes": [
                ProgrammeHumanitarianScope(
                    programme=programme,
                    scope_type=scope_type,
                    vocabulary=vocabulary,
                    vocabulary_uri=uri,
                    code=code,
                    narrative=text,
                )
                for scope_type, vocabulary, uri, code, text in scopes
            ],
        }
        if not existed:
            for children in rows.values():
                if children:
                    type(children[0]).objects.bulk_create(children)
            with translation.override(settings.LANGUAGE_CODE):
                added = {
                    name: {"added": sorted(label_of(row) for row in children)}
                    for name, children in rows.items()
                    if children
                }
            if added:
                audit_record(programme, action=AuditAction.UPDATE, changes=added)
            return True
        changed = False
        for related_name, children in rows.items():
            model, fields = CHILD_MODELS[related_name], CHILD_FIELDS[related_name]
            current = model.objects.filter(programme=programme)
            if set(current.values_list(*fields)) == {tuple(getattr(row, name) for name in fields) for row in children}:
                continue
            if self.old_marks is None:
                self.old_marks = AFFECTED["programmes.Programme"](programme)
            with child_set(programme, related_name):
                current.delete()
                model.objects.bulk_create(children)
            changed = True
        return changed


CHILD_MODELS = {
    "participations": ProgrammeParticipant,
    "sector_shares": ProgrammeSector,
    "location_links": ProgrammeLocation,
    "humanitarian_scopes": ProgrammeHumanitarianScope,
}
CHILD_FIELDS = {
    "participations": ("actor_id", "role"),
    "sector_shares": ("sector_id", "percentage"),
    "location_links": ("area_id", "vocabulary"),
    "humanitarian_scopes": ("scope_type", "vocabulary", "vocabulary_uri", "code", "narrative"),
}
PROGRAMME_FIELDS = (
    "title", "description", "target_groups", "reporting_actor_id", "status", "planned_start", "actual_start",
    "planned_end", "actual_end", "total_budget", "currency", "humanitarian", "other_sectors",
    "unresolved_related_activities", "pillar_h", "pillar_d", "pillar_p",
)  # fmt: skip
RELATIONS = {"donor", "recipient", "parent"}


def plain_number(value: Decimal | None) -> str | None:
    """A percentage as text without trailing zeros ("50", "33.33"): JSON keeps it exactly."""
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def short_hash(text: str, length: int = 10) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def agreement_prefix(identifier: str) -> str:
    """References of the agreements an activity gives: "IATI:<activity id>:<hash of the two organisations>".

    The hash is of the organisations as the file names them (identifier, else normalised name), so a
    re-import finds the same agreement even after the actors were renamed or merged. A very long
    activity identifier is replaced by its hash to stay within the reference's 100 characters.
    """
    prefix = f"IATI:{identifier}:"
    limit = FundingAgreement._meta.get_field("reference").max_length - 10
    return prefix if len(prefix) <= limit else f"IATI:#{short_hash(identifier, 32)}:"


def relax_commit() -> None:
    """On PostgreSQL, commit this activity's transaction without waiting for the disk (SET LOCAL: this
    transaction only). A crash can then lose the last moments of an import, never half an activity, and the
    job, whose final status is written normally, is run again by the stalled-jobs sweep: importing is an upsert.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def audit_created(instance) -> None:
    """Record a row written with bulk_create as its save would have: a "created" entry with its values."""
    audit_after_save(sender=type(instance), instance=instance, created=True)


def ensure_link(this_pk: int, target_pk: int, link_type: str, *, confirmed: bool, user, iati_type: str = "") -> bool:
    """One link of this type between the two programmes; True if one was created or confirmed.

    A new link goes from the importing programme to the related one, except a confirmed consortium
    link to a parent activity (IATI type 1), which goes from the parent: the programme a consortium
    link starts from is its lead (the IATI export reports the lead's partners as its children). A
    proposal always starts from the importing side, since the other side's editors answer it. A link
    the other side proposed is confirmed when this side's file names the same relation; a declined one
    stays declined (the other side's answer stands).
    """
    pair = Q(from_programme_id=this_pk, to_programme_id=target_pk) | Q(
        from_programme_id=target_pk, to_programme_id=this_pk
    )
    link = ProgrammeLink.objects.filter(pair, link_type=link_type).first()
    if link is None:
        from_pk, to_pk = (target_pk, this_pk) if confirmed and iati_type == PARENT else (this_pk, target_pk)
        ProgrammeLink.objects.create(
            from_programme_id=from_pk,
            to_programme_id=to_pk,
            link_type=link_type,
            status=LinkStatus.CONFIRMED if confirmed else LinkStatus.PROPOSED,
            proposed_by=user,
            note=_("Related activity in an IATI file."),
        )
        return True
    if link.status == LinkStatus.PROPOSED and link.from_programme_id == target_pk:
        link.status = LinkStatus.CONFIRMED
        link.save(update_fields=["status", "updated_at"])
        return True
    return False


def resolve_pending_links(*, batch: int = 500) -> int:
    """Link programmes to related activities that have since been imported; returns the links written.

    Runs at the end of each job, across all programmes, so the order of files does not matter. A link
    is confirmed when both programmes have the same reporting actor, otherwise proposed to the other side.
    """
    written, last_pk = 0, 0
    pending = Programme.objects.exclude(unresolved_related_activities=[]).order_by("pk")
    columns = ("pk", "title", "reporting_actor_id", "unresolved_related_activities")
    while rows := list(pending.filter(pk__gt=last_pk).values_list(*columns)[:batch]):
        last_pk = rows[-1][0]
        refs = {str(entry.get("ref")) for *_, entries in rows for entry in entries if isinstance(entry, dict)}
        found = Programme.objects.filter(iati_identifier__in=refs).values_list(
            "iati_identifier", "pk", "reporting_actor_id"
        )
        targets = {identifier: (pk, reporter) for identifier, pk, reporter in found}
        for pk, title, reporter, entries in rows:
            remaining = []
            for entry in entries:
                entry_type = str(entry.get("type", "")) if isinstance(entry, dict) else ""
                target = targets.get(entry.get("ref")) if isinstance(entry, dict) else None
                if target is None or entry_type not in LINK_TYPES or target[0] == pk:
                    remaining.append(entry)
                    continue
                with transaction.atomic():
                    written += ensure_link(
                        pk, target[0], LINK_TYPES[entry_type], confirmed=reporter == target[1], user=None,
                        iati_type=entry_type,
                    )  # fmt: skip
            if remaining != entries:
                with transaction.atomic():
                    Programme.objects.filter(pk=pk).update(unresolved_related_activities=remaining)
                    audit_record(
                        Programme(pk=pk, title=title),
                        action=AuditAction.UPDATE,
                        changes={"unresolved_related_activities": [entries, remaining]},
                    )
    return written
