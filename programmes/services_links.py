"""Programme links: one side proposes, the other side confirms or declines, either side removes.

Only confirmed links clear overlap and silo flags (the rule engine reads status=confirmed), so a
proposal cannot make a flag disappear until the other programme's owners agree. A proposal
between two programmes the proposer edits both of needs no second opinion and is confirmed at once.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from nexus_portal.querysets import CHANGE, DELETE
from programmes.choices import LinkStatus
from programmes.models import Programme, ProgrammeLink


def answerable_links(user):
    """Proposals the user may confirm or decline: those made TO a programme they edit."""
    editable = Programme.objects.restrict(user, CHANGE).values("pk")
    return ProgrammeLink.objects.restrict(user, CHANGE).filter(status=LinkStatus.PROPOSED, to_programme__in=editable)


def _editable(user, programme: Programme) -> bool:
    return Programme.objects.restrict(user, CHANGE).filter(pk=programme.pk).exists()


@transaction.atomic
def link_propose(
    *, user, from_programme: Programme, to_programme: Programme, link_type: str, note: str = ""
) -> ProgrammeLink:
    """Propose a link from one of the user's programmes; the other side's editors answer it.

    A pair has one link per type, whichever side proposed it; a declined one may be proposed again.
    """
    if not _editable(user, from_programme):
        raise PermissionDenied("You may not change this programme.")
    if from_programme.pk == to_programme.pk:
        raise ValidationError({"to_programme": _("A programme cannot be linked to itself.")})
    pair = Q(from_programme=from_programme, to_programme=to_programme) | Q(
        from_programme=to_programme, to_programme=from_programme
    )
    link = ProgrammeLink.objects.select_for_update().filter(pair, link_type=link_type).first()
    if link is not None and link.status != LinkStatus.DECLINED:
        raise ValidationError({"link_type": _("These programmes already have a link of this type.")})
    link = link or ProgrammeLink()
    link.from_programme, link.to_programme = from_programme, to_programme
    link.link_type, link.note, link.proposed_by = link_type, note, user
    link.status = LinkStatus.CONFIRMED if _editable(user, to_programme) else LinkStatus.PROPOSED
    link.full_clean(validate_unique=link.pk is None)
    link.save()
    return link


def _answer(user, link: ProgrammeLink, status: str) -> ProgrammeLink:
    locked = answerable_links(user).select_for_update().filter(pk=link.pk).first()
    if locked is None:
        if ProgrammeLink.objects.filter(pk=link.pk).exclude(status=LinkStatus.PROPOSED).exists():
            raise ValidationError(_("This proposal has already been answered."))
        raise PermissionDenied("Only the editors of the other programme answer a proposal.")
    locked.status = status
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def link_confirm(*, user, link: ProgrammeLink) -> ProgrammeLink:
    """The other side agrees: from now on the link counts for the rules."""
    return _answer(user, link, LinkStatus.CONFIRMED)


@transaction.atomic
def link_decline(*, user, link: ProgrammeLink) -> ProgrammeLink:
    """The other side does not recognise the link; it stays on record as declined."""
    return _answer(user, link, LinkStatus.DECLINED)


@transaction.atomic
def link_remove(*, user, link: ProgrammeLink) -> None:
    """Either side ends a link (or withdraws its proposal)."""
    if not ProgrammeLink.objects.restrict(user, DELETE).filter(pk=link.pk).exists():
        raise PermissionDenied("You may not remove this link.")
    link.delete()
