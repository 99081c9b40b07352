"""Which models are audited, how, and which are deliberately not.

Every model of the project apps is in exactly one of AUDITED or NOT_AUDITED (a test holds this), so a
new model cannot be forgotten. Capture is by model signals connected per model (never for every
sender: that would stop Django's fast bulk deletes of unrelated tables, such as the engine's).
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

PROJECT_APPS = ("nexus_portal", "reference", "actors", "programmes", "coordination", "analyses", "funding", "audit")


@dataclass(frozen=True)
class Audited:
    """How one model is audited.

    parent: the foreign key whose target's history shows this row's changes (child rows). Only for
        children visible to exactly those who see the parent: a membership is not shown on its actor.
    exclude: fields never recorded (secrets, bookkeeping that changes on every login or request).
    only: record these fields and no others (a flag's triage state, not what the engine rewrites).
    redact: record THAT these changed, never their values (an analysis's content: the trail must not
        become a second copy of a named or strict analysis).
    m2m: many-to-many fields recorded as added/removed.
    repr_from: the fields the stored name of a row is made of, when str() would give away content.
    deletes: False for models whose rows the engine removes in bulk (keeps Django's fast delete).
    """

    parent: str | None = None
    exclude: tuple[str, ...] = ()
    only: tuple[str, ...] | None = None
    redact: tuple[str, ...] = ()
    m2m: tuple[str, ...] = ()
    repr_from: tuple[str, ...] = ()
    deletes: bool = True
    tracked: tuple[models.Field, ...] = field(default=(), compare=False)


ANALYSIS_CONTENT = (
    "title",
    "method",
    "summary",
    "key_drivers",
    "recommendations",
    "attached_file",
    "attached_file_name",
)

AUDITED: dict[str, Audited] = {
    "reference.Area": Audited(),
    "reference.Sector": Audited(),
    "reference.CodeListItem": Audited(),
    # A password change is recorded as "changed", never with the hash.
    "actors.User": Audited(exclude=("last_login", "date_joined"), redact=("password",)),
    "actors.Actor": Audited(m2m=("countries",)),
    "actors.Membership": Audited(),  # its own record: memberships are not public on the actor
    "actors.ActorAlias": Audited(parent="actor", exclude=("normalised",)),
    "actors.NotDuplicate": Audited(parent="actor_low"),
    "nexus_portal.ApiToken": Audited(exclude=("key_hash", "last_used_at", "created_at")),
    "programmes.Programme": Audited(),
    "programmes.ProgrammeParticipant": Audited(parent="programme"),
    "programmes.ProgrammeSector": Audited(parent="programme"),
    "programmes.ProgrammeLocation": Audited(parent="programme"),
    "programmes.ProgrammeHumanitarianScope": Audited(parent="programme"),
    "programmes.ProgrammeLink": Audited(parent="from_programme"),
    "coordination.SharedGoal": Audited(m2m=("areas",)),
    "coordination.GoalCommitment": Audited(parent="goal"),
    "coordination.Contribution": Audited(parent="goal"),
    "coordination.GoalProgress": Audited(parent="goal"),
    "coordination.Flag": Audited(only=("status", "assigned_to", "dismissed_reason"), deletes=False),
    "analyses.Analysis": Audited(
        redact=ANALYSIS_CONTENT,
        m2m=("scope_areas", "author_actors", "shared_with_actors", "shared_with_users"),
        repr_from=("kind",),
    ),
    "analyses.ContextEvent": Audited(),
    "funding.FundingAgreement": Audited(m2m=("funded_programmes", "countries")),
    "funding.Tranche": Audited(parent="agreement"),
    "funding.FundingRequest": Audited(),
}

NOT_AUDITED: dict[str, str] = {
    "actors.ActorMerge": "is itself the record of a merge (who, when, what moved); the duplicate's deletion is audited",
    "coordination.FlagEvent": "is itself the triage history of a flag, with user and note",
    "coordination.FlagRun": "the engine's run log (status, counts, log)",
    "coordination.DirtyCountry": "the engine's bookkeeping of countries to re-check",
    "funding.FundingRequestEvent": "is itself the decision history of a request; the request's changes are audited",
    "programmes.ImportJob": "the import's own record (who, file, counts, problems); what it wrote is audited",
    "programmes.ImportProblem": "part of an import job's record",
    "audit.AuditEntry": "the trail itself",
}

_off: contextvars.ContextVar[bool] = contextvars.ContextVar("nexus_audit_off", default=False)
_suppressed: contextvars.ContextVar[frozenset] = contextvars.ContextVar("nexus_audit_suppressed", default=frozenset())


@cache
def config_for(model) -> Audited | None:
    """The model's audit configuration with its tracked concrete fields resolved, or None."""
    model = model._meta.concrete_model
    config = AUDITED.get(model._meta.label)
    if config is None:
        return None
    skip = set(config.exclude) | set(config.m2m)
    tracked = []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.name in skip or isinstance(model_field, models.GeneratedField):
            continue
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            continue  # "updated at" changes on every save; the entry has its own time
        if config.only is not None and model_field.name not in config.only:
            continue
        tracked.append(model_field)
    return Audited(**{**config.__dict__, "tracked": tuple(tracked)})


@cache
def history_models() -> tuple[type[models.Model], ...]:
    """Models with a history of their own: audited, not shown on a parent, with a restrict() to check."""
    from nexus_portal.querysets import RestrictedQuerySet

    found = []
    for label, config in AUDITED.items():
        model = apps.get_model(label)
        if config.parent is None and isinstance(model._default_manager.all(), RestrictedQuerySet):
            found.append(model)
    return tuple(found)


def is_capturing(model) -> bool:
    return not _off.get() and model._meta.label not in _suppressed.get()


@contextmanager
def suppressed(*models_to_skip) -> Iterator[None]:
    """Per-row capture is off for these models inside the block (the caller records a summary instead)."""
    token = _suppressed.set(_suppressed.get() | {m._meta.label for m in models_to_skip})
    try:
        yield
    finally:
        _suppressed.reset(token)


@contextmanager
def switched_off() -> Iterator[None]:
    """No entries at all inside the block. ONLY for measuring the trail's overhead (benchmarks/)."""
    token = _off.set(True)
    try:
        yield
    finally:
        _off.reset(token)


def m2m_fields() -> dict[type[models.Model], tuple[type[models.Model], str]]:
    """through model → (owner model, field name) for every audited many-to-many field."""
    found = {}
    for label, config in AUDITED.items():
        model = apps.get_model(label)
        for name in config.m2m:
            found[model._meta.get_field(name).remote_field.through] = (model, name)
    return found


def through_rows() -> dict[type[models.Model], tuple[type[models.Model], models.ManyToManyField]]:
    """through model → (owner model, field) for many-to-many fields whose through model is itself audited
    (a programme's locations). `programme.locations.add(area)` bulk-creates the rows without signals."""
    found = {}
    for label in AUDITED:
        model = apps.get_model(label)
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if not through._meta.auto_created and through._meta.label in AUDITED:
                found[through] = (model, m2m)
    return found


def connect() -> None:
    from nexus_portal.audit import capture

    for label, config in AUDITED.items():
        model = apps.get_model(label)
        pre_save.connect(capture.before_save, sender=model, dispatch_uid=f"audit-pre-save-{label}")
        post_save.connect(capture.after_save, sender=model, dispatch_uid=f"audit-post-save-{label}")
        if config.deletes:
            post_delete.connect(capture.after_delete, sender=model, dispatch_uid=f"audit-delete-{label}")
    for through, (model, name) in m2m_fields().items():
        m2m_changed.connect(capture.m2m_change, sender=through, dispatch_uid=f"audit-m2m-{model._meta.label}-{name}")
    for through in through_rows():
        m2m_changed.connect(capture.through_added, sender=through, dispatch_uid=f"audit-through-{through._meta.label}")
