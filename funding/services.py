"""Writes to funding: validated, atomic, keyword-only (HackSoft styleguide).

Every change of a request's state appends a FundingRequestEvent in the same transaction, so the
history (and the between-two-chairs rule that reads it) never misses a step.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.access import actor_ids
from actors.choices import MembershipRole
from actors.models import Actor, User
from funding.choices import RequestStatus
from funding.models import FundingAgreement, FundingRequest, FundingRequestEvent, Tranche
from nexus_portal.audit.capture import child_set
from nexus_portal.querysets import CHANGE

AGREEMENT_FIELDS = (
    "reference", "donor", "recipient", "parent", "stream", "modality", "start_date", "end_date", "amount", "currency",
    "earmarking", "crisis_modifier", "crisis_modifier_share", "requires_government_approval", "nexus_requirements",
    "responsible_unit",
)  # fmt: skip


@dataclass(frozen=True)
class TrancheData:
    year: int
    amount: Decimal
    kind: str


@transaction.atomic
def agreement_save(
    *,
    user: User,
    agreement: FundingAgreement | None = None,
    tranches: Iterable[TrancheData],
    funded_programmes: Iterable = (),
    countries: Iterable = (),
    **fields,
) -> FundingAgreement:
    """Create (no `agreement`) or change an agreement; its tranches are replaced by `tranches`.

    Only editors of the donor record an agreement; a sub-grant's donor is the recipient of its parent.
    """
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    editor_of = actor_ids(user, MembershipRole.EDITOR)
    if agreement is None:
        agreement = FundingAgreement()
    elif not FundingAgreement.objects.restrict(user, CHANGE).filter(pk=agreement.pk).exists():
        raise PermissionDenied
    for name, value in fields.items():
        setattr(agreement, name, value)
    if agreement.donor_id not in editor_of and not user.is_superuser:
        raise ValidationError({"donor": _("You can only record agreements of organisations you edit for.")})
    agreement.full_clean()
    agreement.save()
    agreement.funded_programmes.set(funded_programmes)
    agreement.countries.set(countries)
    rows = [Tranche(agreement=agreement, year=t.year, amount=t.amount, kind=t.kind) for t in tranches]
    for row in rows:
        row.full_clean(exclude=["agreement"], validate_unique=False)
    keys = [(row.year, row.kind) for row in rows]
    if len(keys) != len(set(keys)):
        raise ValidationError(_("There is already a tranche of this kind for this year."), code="duplicate_tranche")
    with child_set(agreement, "tranches"):  # one audit entry on the agreement, not one per row
        Tranche.objects.filter(agreement=agreement).delete()
        Tranche.objects.bulk_create(rows)
    return agreement


@transaction.atomic
def request_create(
    *,
    user: User,
    title: str,
    applicant: Actor,
    submitted_to: Actor,
    submitted_on: date,
    programme=None,
    amount: Decimal | None = None,
    currency: str = "NOK",
) -> FundingRequest:
    """A new pending request, with the submission as the first step of its history."""
    if applicant.pk not in actor_ids(user, MembershipRole.EDITOR):
        raise ValidationError({"applicant": _("You can only apply for organisations you edit for.")})
    if submitted_to.pk == applicant.pk:
        raise ValidationError({"submitted_to": _("An organisation cannot send a request to itself.")})
    request = FundingRequest(
        title=title,
        applicant=applicant,
        submitted_to=submitted_to,
        submitted_on=submitted_on,
        programme=programme,
        amount=amount,
        currency=currency or "NOK",
    )
    request.full_clean()
    request.save()
    FundingRequestEvent.objects.create(
        request=request, status=RequestStatus.PENDING, unit=submitted_to, date=submitted_on, user=user
    )
    return request


class Decision:
    APPROVE = "approve"
    DECLINE = "decline"
    REDIRECT = "redirect"


DECISION_STATUS = {
    Decision.APPROVE: RequestStatus.APPROVED,
    Decision.DECLINE: RequestStatus.DECLINED,
    Decision.REDIRECT: RequestStatus.REDIRECTED,
}


def deciding_unit(request: FundingRequest) -> Actor | None:
    """The unit that must decide now: the one it was redirected to, else the one it was sent to; None once decided."""
    if request.status == RequestStatus.PENDING:
        return request.submitted_to
    if request.status == RequestStatus.REDIRECTED:
        return request.redirected_to
    return None


def may_decide(user: User, request: FundingRequest) -> bool:
    unit = deciding_unit(request)
    return unit is not None and unit.pk in actor_ids(user, MembershipRole.EDITOR)


@transaction.atomic
def request_decide(
    *,
    request: FundingRequest,
    user: User,
    decision: str,
    reason: str = "",
    outside_mandate: bool = False,
    redirected_to: Actor | None = None,
    on: date | None = None,
) -> FundingRequestEvent:
    """The current unit approves, declines or redirects the request; the step is appended to its history.

    The row is locked first, so two people deciding at once cannot both succeed: the second sees that
    the request has moved on and gets a message instead of overwriting the first decision.
    """
    if decision not in DECISION_STATUS:
        raise ValueError(f"unknown decision {decision!r}")
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to redirected_to.
    locked = (
        FundingRequest.objects.select_for_update(of=("self",))
        .select_related("submitted_to", "redirected_to")
        .get(pk=request.pk)
    )
    if deciding_unit(locked) != deciding_unit(request) or not may_decide(user, locked):
        raise ValidationError(
            _("This request was decided or moved to another unit in the meantime. Open it again to see where it is."),
            code="moved_on",
        )
    unit = deciding_unit(locked)
    on = on or timezone.localdate()
    if decision in (Decision.DECLINE, Decision.REDIRECT) and not reason.strip():
        raise ValidationError({"reason": _("Give the reason, so the applicant knows what to do next.")})
    if decision == Decision.REDIRECT:
        if redirected_to is None:
            raise ValidationError({"redirected_to": _("Choose the unit the request should go to.")})
        if redirected_to.pk == unit.pk:
            raise ValidationError({"redirected_to": _("Choose another unit than the one deciding now.")})
        if redirected_to.pk == locked.applicant_id:
            raise ValidationError({"redirected_to": _("A request cannot be redirected to its applicant.")})
        locked.redirected_to = redirected_to
    locked.status = DECISION_STATUS[decision]
    locked.reason = reason.strip()
    locked.outside_mandate = decision == Decision.DECLINE and outside_mandate
    locked.decision_date = on
    locked.full_clean()
    locked.save()
    request.refresh_from_db()
    return FundingRequestEvent.objects.create(
        request=locked,
        status=locked.status,
        unit=unit,
        redirected_to=redirected_to if decision == Decision.REDIRECT else None,
        outside_mandate=locked.outside_mandate,
        reason=locked.reason,
        date=on,
        user=user,
    )
