"""Turning saves, deletes and many-to-many changes into audit entries.

A save costs one extra query (the row's old values, read just before it is written) plus one insert
when something recorded changed; a create or delete costs the insert. Values are stored readable:
foreign keys as {"id", "repr"}, dates as ISO text, decimals as text, choices as their code (the page
shows the label in the reader's language). Bulk writes (`bulk_create`, `QuerySet.update`) send no
signals: services that replace child rows wrap the replacement in `child_set(...)`, which records one
summary on the parent; code that must use `update()` calls `record(...)` itself.
"""

import datetime
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.utils import translation
from django.utils.text import capfirst

from nexus_portal.audit.choices import Action
from nexus_portal.audit.context import current
from nexus_portal.audit.registry import config_for, is_capturing, m2m_fields, suppressed, through_rows

OLD = "_audit_old_values"
CLEARED = "_audit_cleared"
MAX_TEXT = 5000  # a value longer than this is cut (descriptions can be long; the trail is not an archive)
REPR_LENGTH = 300


# -- values -----------------------------------------------------------------------------------
def plain(value):
    """A JSON-ready, readable form of a field value."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + "…"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, uuid.UUID | datetime.timedelta):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return str(value)


def label_of(obj) -> str:
    """The name stored for a row: its str(), unless that would give away content (an analysis's title)."""
    config = config_for(obj.__class__)  # not type(): a view may assign request.user, a SimpleLazyObject
    if config is not None and config.repr_from:
        parts = [_display(obj, name) for name in config.repr_from]
        return f"{' '.join(capfirst(part) for part in parts if part)} #{obj.pk}"
    return str(obj)[:REPR_LENGTH]


def _display(obj, name: str) -> str:
    method = getattr(obj, f"get_{name}_display", None)
    return str(method() if method else getattr(obj, name))


def ref(obj, pk=None) -> dict | None:
    if obj is None:
        return None if pk is None else {"id": plain(pk), "repr": f"#{pk}"}
    return {"id": plain(obj.pk), "repr": label_of(obj)}


def _is_empty(value) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}


def _foreign_value(model_field, instance, pk):
    """{"id", "repr"} of the row a foreign key points at (the instance's cached object when it has one)."""
    if pk is None:
        return None
    related = None
    if instance is not None and model_field.is_cached(instance):
        related = model_field.get_cached_value(instance)
    if related is None or related.pk != pk:
        # Not through the descriptor: in a bulk delete the row may already be gone (a superseded analysis).
        related = model_field.related_model._base_manager.filter(pk=pk).first()
    return ref(related, pk)


def _field_value(model_field, value):
    """A field's value as recorded: decimals with the field's decimal places ("100.00", as stored)."""
    if isinstance(value, Decimal) and getattr(model_field, "decimal_places", None) is not None:
        with suppress(ArithmeticError):  # more digits than the field holds: the save fails anyway
            value = value.quantize(Decimal(1).scaleb(-model_field.decimal_places))
    return plain(value)


def _comparable(model_field, value):
    try:
        return model_field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return value


# -- entries ----------------------------------------------------------------------------------
def _records_of(instance, config, old: dict | None = None) -> list[tuple[ContentType, int]]:
    """Where the change shows: the row itself, or its parent (both parents when the row moved)."""
    if config.parent is None:
        return [(ContentType.objects.get_for_model(type(instance)), instance.pk)]
    parent_field = instance._meta.get_field(config.parent)
    parent_type = ContentType.objects.get_for_model(parent_field.related_model)
    ids = [getattr(instance, parent_field.attname)]
    if old and old.get(parent_field.attname) not in (None, ids[0]):
        ids.append(old[parent_field.attname])
    return [(parent_type, pk) for pk in ids if pk is not None]


def write(*, model, object_id, object_repr: str, action: str, changes: dict, records, using: str = "default") -> None:
    """Append one entry per record whose history shows this change."""
    from nexus_portal.audit.models import AuditEntry

    context = current()
    user = context.resolve_user()
    entries = [
        AuditEntry(
            action=action,
            content_type=ContentType.objects.get_for_model(model),
            object_id=object_id,
            object_repr=object_repr[:REPR_LENGTH],
            record_type=record_type,
            record_id=record_id,
            changes=changes,
            user=user,
            user_repr=user.get_username() if user else "",
            interface=context.interface,
            request_id=context.request_id,
            ip=context.ip,
        )
        for record_type, record_id in records
    ]
    AuditEntry.objects.using(using).bulk_create(entries)


def record(instance, *, action: str, changes: dict, using: str = "default") -> None:
    """Record a change made without model signals (QuerySet.update, raw SQL) on an audited row."""
    config = config_for(type(instance))
    if config is None:
        raise ValueError(f"{type(instance)._meta.label} is not audited (see nexus_portal/audit/registry.py)")
    if not is_capturing(type(instance)):
        return
    with translation.override(settings.LANGUAGE_CODE):
        write(
            model=type(instance),
            object_id=instance.pk,
            object_repr=label_of(instance),
            action=action,
            changes=changes,
            records=_records_of(instance, config),
            using=using,
        )


def _snapshot_fields(config):
    """Fields of a created or deleted row worth showing (not the key to the parent it is shown on)."""
    return [f for f in config.tracked if f.name != config.parent]


def _created(config, instance) -> dict:
    changes = {}
    for model_field in _snapshot_fields(config):
        value = getattr(instance, model_field.attname)
        if _is_empty(value) or (isinstance(value, FieldFile) and not value):
            continue
        if model_field.name in config.redact:
            changes[model_field.name] = {"changed": True}
        elif model_field.is_relation:
            changes[model_field.name] = [None, _foreign_value(model_field, instance, value)]
        else:
            changes[model_field.name] = [None, _field_value(model_field, value)]
    return changes


def _updated(config, instance, old: dict) -> dict:
    changes = {}
    for model_field in config.tracked:
        if model_field.attname not in old:
            continue  # not among update_fields
        before = old[model_field.attname]
        after = _comparable(model_field, getattr(instance, model_field.attname))
        if before == after:
            continue
        if model_field.name in config.redact:
            changes[model_field.name] = {"changed": True}
        elif model_field.is_relation:
            changes[model_field.name] = [
                _foreign_value(model_field, None, before),
                _foreign_value(model_field, instance, after),
            ]
        else:
            changes[model_field.name] = [_field_value(model_field, before), _field_value(model_field, after)]
    return changes


def _deleted(config, instance) -> dict:
    changes = {}
    for model_field in _snapshot_fields(config):
        value = getattr(instance, model_field.attname)
        if model_field.name in config.redact or _is_empty(value) or (isinstance(value, FieldFile) and not value):
            continue
        if model_field.is_relation:
            changes[model_field.name] = [_foreign_value(model_field, instance, value), None]
        else:
            changes[model_field.name] = [_field_value(model_field, value), None]
    return changes


# -- signal receivers -------------------------------------------------------------------------
def before_save(sender, instance, raw=False, using="default", update_fields=None, **kwargs) -> None:
    """Read the row's recorded fields as they are now: one query, only for an update."""
    instance.__dict__.pop(OLD, None)
    if raw or not is_capturing(sender) or instance._state.adding or instance.pk is None:
        return
    config = config_for(sender)
    fields = config.tracked
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
    if not fields:
        instance.__dict__[OLD] = {}  # nothing recorded is being written (a login's last_login)
        return
    old = sender._base_manager.using(using).filter(pk=instance.pk).values(*(f.attname for f in fields)).first()
    instance.__dict__[OLD] = old  # None: the row is not there (an explicit pk on a new row)


def after_save(sender, instance, created=False, raw=False, using="default", **kwargs) -> None:
    if raw or not is_capturing(sender):
        return
    old = instance.__dict__.pop(OLD, None)
    config = config_for(sender)
    with translation.override(settings.LANGUAGE_CODE):
        if created or old is None:
            action, changes = Action.CREATE, _created(config, instance)
        else:
            action, changes = Action.UPDATE, _updated(config, instance, old)
            if not changes:
                return  # saved without a recorded change (only "updated at" moved)
        write(
            model=sender,
            object_id=instance.pk,
            object_repr=label_of(instance),
            action=action,
            changes=changes,
            records=_records_of(instance, config, old),
            using=using,
        )


def after_delete(sender, instance, using="default", **kwargs) -> None:
    if not is_capturing(sender):
        return
    config = config_for(sender)
    with translation.override(settings.LANGUAGE_CODE):
        write(
            model=sender,
            object_id=instance.pk,
            object_repr=label_of(instance),
            action=Action.DELETE,
            changes=_deleted(config, instance),
            records=_records_of(instance, config),
            using=using,
        )


@cache
def _m2m_owner(through):
    return m2m_fields()[through]


def m2m_change(sender, instance, action, reverse, model, pk_set, using="default", **kwargs) -> None:
    if action not in ("pre_clear", "post_clear", "post_add", "post_remove"):
        return
    owner_model, name = _m2m_owner(sender)
    if not is_capturing(owner_model):
        return
    key = (name, reverse)
    if action == "pre_clear":  # the rows are still there: remember what is about to go
        if reverse:
            ids = owner_model._base_manager.using(using).filter(**{name: instance.pk}).values_list("pk", flat=True)
        else:
            ids = getattr(instance, name).values_list("pk", flat=True)
        instance.__dict__.setdefault(CLEARED, {})[key] = set(ids)
        return
    if action == "post_clear":
        pk_set = instance.__dict__.get(CLEARED, {}).pop(key, set())
    if not pk_set:
        return
    change = "added" if action == "post_add" else "removed"
    config = config_for(owner_model)
    with translation.override(settings.LANGUAGE_CODE):
        if not reverse:
            refs = sorted((ref(obj) for obj in model._base_manager.using(using).filter(pk__in=pk_set)), key=_by_repr)
            owners, changes = [instance], {name: {change: refs}}
        else:  # area.analyses.add(analysis): each owner gained or lost this one
            owners = owner_model._base_manager.using(using).filter(pk__in=pk_set)
            changes = {name: {change: [ref(instance)]}}
        for owner in owners:
            write(
                model=owner_model,
                object_id=owner.pk,
                object_repr=label_of(owner),
                action=Action.UPDATE,
                changes=changes,
                records=_records_of(owner, config),
                using=using,
            )


def _by_repr(item: dict) -> str:
    return item["repr"]


@cache
def _through_owner(through):
    return through_rows()[through]


def through_added(sender, instance, action, reverse, model, pk_set, using="default", **kwargs) -> None:
    """`programme.locations.add(area)` (or `.set()`) bulk-creates location rows: record them on the
    programme like a child set. Removals delete the rows one by one, which the delete signal records."""
    if action != "post_add" or not pk_set or not is_capturing(sender):
        return
    owner_model, m2m = _through_owner(sender)
    source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
    if reverse:
        rows = sender._base_manager.using(using).filter(**{f"{source}__in": pk_set, target: instance.pk})
    else:
        rows = sender._base_manager.using(using).filter(**{source: instance.pk, f"{target}__in": pk_set})
    related = [f.name for f in sender._meta.concrete_fields if f.is_relation and f.name != source]
    added: dict[int, list[str]] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows.select_related(*related) if related else rows:
            added.setdefault(getattr(row, f"{source}_id"), []).append(label_of(row))
    accessor = sender._meta.get_field(source).remote_field.get_accessor_name()
    owners = [instance] if not reverse else owner_model._base_manager.using(using).filter(pk__in=added)
    for owner in owners:
        if added.get(owner.pk):
            record(owner, action=Action.UPDATE, changes={accessor: {"added": sorted(added[owner.pk])}}, using=using)


# -- child rows replaced in bulk ----------------------------------------------------------------
@contextmanager
def child_set(parent, related_name: str) -> Iterator[None]:
    """Record a replacement of `parent`'s child rows (delete + bulk_create) as ONE change on the parent.

        with child_set(programme, "participations"):
            ProgrammeParticipant.objects.filter(programme=programme).delete()
            ProgrammeParticipant.objects.bulk_create(rows)

    Reads the child rows before and after (two queries); per-row entries are off inside the block, and
    nothing is written when the set did not change (a programme saved with the same participants).
    """
    relation = type(parent)._meta.get_field(related_name)
    child_model = relation.related_model
    if not is_capturing(type(parent)):
        yield
        return
    before = _child_labels(child_model, relation.field, parent.pk)
    with suppressed(child_model):
        yield
    after = _child_labels(child_model, relation.field, parent.pk)
    added = sorted((Counter(after) - Counter(before)).elements())
    removed = sorted((Counter(before) - Counter(after)).elements())
    if added or removed:
        changes = {related_name: {key: items for key, items in (("added", added), ("removed", removed)) if items}}
        record(parent, action=Action.UPDATE, changes=changes)


def _child_labels(child_model, parent_fk, parent_pk) -> list[str]:
    related = [f.name for f in child_model._meta.concrete_fields if f.is_relation and f is not parent_fk]
    rows = child_model._base_manager.filter(**{parent_fk.attname: parent_pk})
    if related:
        rows = rows.select_related(*related)
    with translation.override(settings.LANGUAGE_CODE):
        return [label_of(row) for row in rows]
