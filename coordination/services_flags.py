"""Flag triage (HackSoft services): acknowledge, assign, dismiss with a reason, reopen, add a note.

Each is keyword-only and atomic, locks the flag row, checks that the user may change it
(`Flag.objects.restrict(user, "change")`: reviewers every flag, editors of a responsible actor
theirs), refuses a move its status does not allow, and writes a FlagEvent naming the user. A form
opened before someone else changed the flag passes `expected_status`, so a stale page cannot
undo that change.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Actor
from coordination.choices import FlagAction, FlagStatus
from coordination.models import Flag, FlagEvent
from nexus_portal.querysets import CHANGE

TRIAGEABLE = (FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED)
REOPENABLE = (FlagStatus.ACKNOWLEDGED, FlagStatus.DISMISSED)


def _locked(*, flag: Flag, user, expected_status: str | None, allowed=None) -> Flag:
    """The flag's current row, locked until the end of the transaction, if this user may change it."""
    flag = Flag.objects.restrict(user, CHANGE).select_for_update().filter(pk=flag.pk).first()
    if flag is None:
        raise PermissionDenied(_("You cannot triage this flag."))
    if expected_status and flag.status != expected_status:
        raise ValidationError(
            _("Someone changed this flag after you opened it (it is now %(status)s). Nothing was changed.")
            % {"status": flag.get_status_display().lower()},
            code="stale",
        )
    if allowed is not None and flag.status not in allowed:
        raise ValidationError(
            _("A flag that is %(status)s cannot be changed this way.") % {"status": flag.get_status_display().lower()},
            code="status",
        )
    return flag


def _record(flag: Flag, *, user, action: str, note: str = "") -> FlagEvent:
    return FlagEvent.objects.create(flag=flag, action=action, user=user, note=note, created_at=timezone.now())


def _save(flag: Flag, fields: list[str]) -> None:
    flag.full_clean()
    flag.save(update_fields=fields)


@transaction.atomic
def flag_acknowledge(*, flag: Flag, user, expected_status: str | None = None) -> Flag:
    """Someone has seen the gap and takes it on: open → acknowledged."""
    flag = _locked(flag=flag, user=user, expected_status=expected_status, allowed=(FlagStatus.OPEN,))
    flag.status = FlagStatus.ACKNOWLEDGED
    _save(flag, ["status"])
    _record(flag, user=user, action=FlagAction.ACKNOWLEDGED)
    return flag


@transaction.atomic
def flag_assign(*, flag: Flag, user, actor: Actor, expected_status: str | None = None) -> Flag:
    """Give the follow-up to an actor; the status stays as it is."""
    flag = _locked(flag=flag, user=user, expected_status=expected_status, allowed=TRIAGEABLE)
    flag.assigned_to = actor
    _save(flag, ["assigned_to"])
    _record(flag, user=user, action=FlagAction.ASSIGNED, note=str(actor))
    return flag


@transaction.atomic
def flag_dismiss(*, flag: Flag, user, reason: str, expected_status: str | None = None) -> Flag:
    """Not a real gap, or accepted: dismissed with the reason. It stays dismissed while the evidence is
    unchanged; the next run reopens it when the evidence changes."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you dismiss this flag: the reason is kept in its history.")})
    flag = _locked(flag=flag, user=user, expected_status=expected_status, allowed=TRIAGEABLE)
    flag.status, flag.dismissed_reason = FlagStatus.DISMISSED, reason
    _save(flag, ["status", "dismissed_reason"])
    _record(flag, user=user, action=FlagAction.DISMISSED, note=reason)
    return flag


@transaction.atomic
def flag_reopen(*, flag: Flag, user, note: str = "", expected_status: str | None = None) -> Flag:
    """Back to open, from acknowledged or dismissed (a resolved flag reopens when a run finds it again)."""
    flag = _locked(flag=flag, user=user, expected_status=expected_status, allowed=REOPENABLE)
    flag.status, flag.dismissed_reason = FlagStatus.OPEN, ""
    _save(flag, ["status", "dismissed_reason"])
    _record(flag, user=user, action=FlagAction.REOPENED, note=(note or "").strip())
    return flag


@transaction.atomic
def flag_add_note(*, flag: Flag, user, note: str) -> FlagEvent:
    """A triage note in the flag's history, in any status."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write the note first.")})
    flag = _locked(flag=flag, user=user, expected_status=None)
    return _record(flag, user=user, action=FlagAction.NOTE, note=note)
