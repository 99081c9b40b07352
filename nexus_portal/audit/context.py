"""Who is writing, and through which interface: a context variable read when an audit entry is written.

Set by the middleware for each request (UI, API, admin), by Celery's task signals (job), around each
management command (command), and by import jobs (`with audit_context(user=job.created_by,
interface="import")`). Code that writes outside all of these records interface "system" and no user.
"""

import contextvars
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from nexus_portal.audit.choices import Interface


@dataclass(frozen=True)
class AuditContext:
    interface: str
    # A user, None, or a zero-argument callable returning one. Requests pass a callable: DRF
    # authenticates a token inside the view, after the middleware ran, so the user is read at write time.
    user: object = None
    request_id: str = ""
    ip: str | None = None

    def resolve_user(self):
        user = self.user() if callable(self.user) else self.user
        if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
            return None
        return user


SYSTEM = AuditContext(interface=Interface.SYSTEM)
_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("nexus_audit_context", default=None)


def current() -> AuditContext:
    return _current.get() or SYSTEM


def is_set() -> bool:
    return _current.get() is not None


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def audit_context(
    *, interface: str, user: object | Callable[[], object] = None, request_id: str = "", ip: str | None = None
) -> Iterator[AuditContext]:
    """Every audited write inside the block records this user and interface.

    `request_id` groups the entries of one request, job or import on the history page (a new one is
    made when empty). Blocks nest; the innermost wins, and the outer one is back after the block.
    """
    if interface not in Interface.values:
        raise ValueError(f"unknown audit interface {interface!r}; expected one of {Interface.values}")
    token = _current.set(AuditContext(interface=interface, user=user, request_id=request_id or new_request_id(), ip=ip))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def enter(context: AuditContext) -> contextvars.Token:
    """For signal pairs that cannot use a `with` block (Celery's task_prerun / task_postrun)."""
    return _current.set(context)


def leave(token: contextvars.Token) -> None:
    _current.reset(token)
