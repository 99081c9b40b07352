"""Bulk insert-or-update by natural key that writes only rows that are new or changed."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

from reference.loading.errors import ReferenceDataError

BATCH_SIZE = 2000
UPDATE_BATCH_SIZE = 500  # bulk_update builds one CASE per field; keep statements small


@dataclass(frozen=True)
class Row:
    """Field values for one model instance, and where in the sources they came from."""

    fields: dict[str, Any]
    origin: str  # "FILE, line N", used in error messages


@dataclass(frozen=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def check_rows(model: type[models.Model], key_fields: Sequence[str], rows: Sequence[Row]) -> None:
    """Refuse before writing anything: repeated keys and text longer than the column allows."""
    limits = {
        field.attname: field.max_length
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField) and field.max_length
    }
    seen: dict[tuple, str] = {}
    for row in rows:
        key = tuple(row.fields[name] for name in key_fields)
        if key in seen:
            raise ReferenceDataError(f"{row.origin}: {'/'.join(map(str, key))} repeats {seen[key]}")
        seen[key] = row.origin
        for name, value in row.fields.items():
            limit = limits.get(name)
            if limit and isinstance(value, str) and len(value) > limit:
                raise ReferenceDataError(f"{row.origin}: {name} {value[:40]!r}... is longer than {limit} characters")


def upsert(model: type[models.Model], key_fields: Sequence[str], rows: Sequence[Row]) -> Counts:
    """Create missing rows and update changed ones; rows in the table but not in `rows` are kept."""
    if not rows:
        return Counts()
    value_fields = [name for name in rows[0].fields if name not in key_fields]
    existing = {
        tuple(current[name] for name in key_fields): current
        for current in model._default_manager.values("pk", *key_fields, *value_fields).iterator(chunk_size=BATCH_SIZE)
    }
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    for row in rows:
        current = existing.get(tuple(row.fields[name] for name in key_fields))
        if current is None:
            to_create.append(model(**row.fields))
        elif any(current[name] != row.fields[name] for name in value_fields):
            to_update.append(model(pk=current["pk"], **row.fields))
    model._default_manager.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model._default_manager.bulk_update(to_update, value_fields, batch_size=UPDATE_BATCH_SIZE)
    return Counts(len(to_create), len(to_update), len(rows) - len(to_create) - len(to_update))
