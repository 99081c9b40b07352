"""Writes to programmes: validated, atomic, keyword-only (HackSoft styleguide)."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.access import actor_ids
from actors.choices import MembershipRole
from actors.models import Actor
from nexus_portal.audit.capture import child_set
from nexus_portal.querysets import CHANGE
from programmes.choices import OrganisationRole, Pillar
from programmes.models import Programme, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from programmes.pillars import derive_pillars
from reference.choices import SectorVocabulary
from reference.models import Area, Sector

# Thirds (33.33 × 3) must pass; anything further from 100 is a typing error.
PERCENTAGE_TOLERANCE = Decimal("0.05")
DAC_VOCABULARIES = (SectorVocabulary.DAC5, SectorVocabulary.DAC3)
STALE_MESSAGE = gettext_lazy(
    "Someone else changed this programme after you opened it. Your changes were not saved: "
    "open the programme again to see the current version, then make your changes there."
)


def validate_sector_shares(shares: Iterable[tuple[Sector, Decimal]]) -> None:
    """Each vocabulary's percentages must add up to 100 (IATI rule), and a sector appears once."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    seen: set[int] = set()
    for sector, percentage in shares:
        if sector.pk in seen:
            raise ValidationError(_("Sector %(code)s is listed twice.") % {"code": sector.code}, code="duplicate")
        seen.add(sector.pk)
        totals[sector.vocabulary] += Decimal(percentage)
    errors = [
        _("The %(vocabulary)s percentages add up to %(total)s, not 100.")
        % {"vocabulary": SectorVocabulary(vocabulary).label, "total": f"{total.normalize():f}"}
        for vocabulary, total in sorted(totals.items())
        if abs(total - 100) > PERCENTAGE_TOLERANCE
    ]
    if errors:
        raise ValidationError(errors, code="percentages")


def apply_derived_pillars(programme: Programme, *, dac_codes: Iterable[str]) -> None:
    """Set the default pillars unless the user chose them (an explicit choice wins)."""
    if programme.pillars_explicit:
        return
    pillars = derive_pillars(humanitarian=programme.humanitarian, dac_codes=dac_codes)
    programme.pillar_h = Pillar.HUMANITARIAN in pillars
    programme.pillar_d = Pillar.DEVELOPMENT in pillars
    programme.pillar_p = Pillar.PEACE in pillars


@transaction.atomic
def programme_set_sectors(*, programme: Programme, shares: list[tuple[Sector, Decimal]]) -> None:
    """Replace a programme's sectors and refresh its derived pillars, all or nothing."""
    validate_sector_shares(shares)
    with child_set(programme, "sector_shares"):  # one audit entry on the programme, not one per row
        ProgrammeSector.objects.filter(programme=programme).delete()
        ProgrammeSector.objects.bulk_create(
            ProgrammeSector(programme=programme, sector=sector, percentage=percentage) for sector, percentage in shares
        )
    dac_codes = [sector.code for sector, _ in shares if sector.vocabulary in DAC_VOCABULARIES]
    apply_derived_pillars(programme, dac_codes=dac_codes)
    programme.full_clean()
    programme.save(update_fields=["pillar_h", "pillar_d", "pillar_p", "updated_at"])


def _may_report_for(user, actor: Actor) -> bool:
    return bool(user.is_superuser or actor.pk in actor_ids(user, MembershipRole.EDITOR))


def _check_participants(participants: list[tuple[Actor, int]]) -> None:
    seen: set[tuple[int, int]] = set()
    for actor, role in participants:
        if (actor.pk, role) in seen:
            message = _("%(actor)s is listed twice as %(role)s.")
            raise ValidationError(message % {"actor": actor, "role": OrganisationRole(role).label}, code="duplicate")
        seen.add((actor.pk, role))


def _save_children(
    programme: Programme,
    *,
    participants: list[tuple[Actor, int]],
    sectors: list[tuple[Sector, Decimal]],
    locations: Iterable[Area],
) -> None:
    """Replace participants, sync locations (unchanged rows stay), then sectors and pillars."""
    _check_participants(participants)
    rows = [ProgrammeParticipant(programme=programme, actor=actor, role=role) for actor, role in participants]
    for row in rows:
        row.full_clean(exclude=["programme"], validate_constraints=False)  # pairs were checked above
    with child_set(programme, "participations"):  # the audit trail records old vs new set on the programme
        ProgrammeParticipant.objects.filter(programme=programme).delete()
        ProgrammeParticipant.objects.bulk_create(rows)

    wanted = {area.pk for area in locations}
    with child_set(programme, "location_links"):
        ProgrammeLocation.objects.filter(programme=programme).exclude(area_id__in=wanted).delete()
        present = set(ProgrammeLocation.objects.filter(programme=programme).values_list("area_id", flat=True))
        ProgrammeLocation.objects.bulk_create(
            ProgrammeLocation(programme=programme, area_id=pk) for pk in sorted(wanted - present)
        )
    # Last: derives the pillars from the final sectors and saves the programme, which bumps updated_at
    # and marks the countries of its (new) locations for the flag re-check.
    programme_set_sectors(programme=programme, shares=sectors)


@transaction.atomic
def programme_create(
    *,
    user,
    fields: dict,
    participants: list[tuple[Actor, int]],
    sectors: list[tuple[Sector, Decimal]],
    locations: Iterable[Area],
) -> Programme:
    """Log a programme with its participants, sectors and locations, all or nothing.

    `fields` are Programme model fields; the user must be an editor of the reporting actor.
    """
    programme = Programme(**fields)
    if not _may_report_for(user, programme.reporting_actor):
        raise PermissionDenied("You may not report programmes for this actor.")
    programme.full_clean()
    programme.save()
    _save_children(programme, participants=participants, sectors=sectors, locations=locations)
    return programme


@transaction.atomic
def programme_update(
    *,
    user,
    programme: Programme,
    fields: dict,
    participants: list[tuple[Actor, int]],
    sectors: list[tuple[Sector, Decimal]],
    locations: Iterable[Area],
    version: str | None = None,
) -> Programme:
    """Change a programme and replace its participants, sectors and locations, all or nothing.

    `version` is the updated_at (ISO format) the user's form was opened at: the row is locked and
    compared, so of two edits of the same version only the first is saved.
    """
    current = Programme.objects.restrict(user, CHANGE).select_for_update().filter(pk=programme.pk).first()
    if current is None:
        raise PermissionDenied("You may not change this programme.")
    if version is not None and current.updated_at.isoformat() != version:
        raise ValidationError(STALE_MESSAGE, code="stale")
    original_actor_id = current.reporting_actor_id
    for name, value in fields.items():
        setattr(current, name, value)
    if current.reporting_actor_id != original_actor_id and not _may_report_for(user, current.reporting_actor):
        raise PermissionDenied("You may not report programmes for this actor.")
    current.full_clean()
    current.save()
    _save_children(current, participants=participants, sectors=sectors, locations=locations)
    return current
