"""Audit contexts for work that does not come through a request: Celery tasks and management commands."""

import functools
from contextlib import suppress

from celery.signals import task_postrun, task_prerun

from nexus_portal.audit.choices import Interface
from nexus_portal.audit.context import AuditContext, current, enter, is_set, leave, new_request_id

_task_tokens: dict[str, object] = {}


def _task_started(task_id=None, task=None, **kwargs) -> None:
    # A task run in-process (eager) keeps the user of the request that started it; a worker has none.
    user = current().user if is_set() else None
    _task_tokens[task_id] = enter(AuditContext(interface=Interface.JOB, user=user, request_id=f"task-{task_id}"))


def _task_finished(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        with suppress(ValueError):  # a token from another thread's context: that context ends with its thread
            leave(token)


def connect_tasks() -> None:
    task_prerun.connect(_task_started, weak=False, dispatch_uid="nexus-audit-task-prerun")
    task_postrun.connect(_task_finished, weak=False, dispatch_uid="nexus-audit-task-postrun")


def wrap_commands() -> None:
    """Every management command writes as "command" (unless it runs inside another audit context,
    as call_command from a task does). Django has no signal for a command starting; this wraps
    BaseCommand.execute once, which covers manage.py and call_command alike."""
    from django.core.management.base import BaseCommand

    original = BaseCommand.execute
    if getattr(original, "nexus_audited", False):
        return

    @functools.wraps(original)
    def execute(self, *args, **options):
        if is_set():
            return original(self, *args, **options)
        name = type(self).__module__.rsplit(".", 1)[-1]
        from nexus_portal.audit.context import audit_context

        with audit_context(interface=Interface.COMMAND, request_id=f"command-{name}-{new_request_id()[:12]}"):
            return original(self, *args, **options)

    execute.nexus_audited = True
    BaseCommand.execute = execute
