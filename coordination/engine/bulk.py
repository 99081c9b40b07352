"""Updating many rows at once, fast on PostgreSQL.

Django's bulk_update writes `CASE WHEN id = … THEN …` per column, which PostgreSQL evaluates
branch by branch: quadratic in the batch size, minutes for a few hundred thousand flags. On
PostgreSQL `UPDATE … FROM (VALUES …)` joins instead; other databases keep bulk_update in small batches.
"""

from django.db import connection

VALUES_BATCH = 5000
CASE_BATCH = 200


def bulk_update_rows(objects: list, fields: list[str]) -> None:
    if not objects:
        return
    model = type(objects[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields, batch_size=CASE_BATCH)
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    pk = meta.pk
    assignments = ", ".join(f'"{field.column}" = v."{field.column}"' for field in columns)
    names = ", ".join(f'"{field.column}"' for field in [pk, *columns])
    for start in range(0, len(objects), VALUES_BATCH):
        batch = objects[start : start + VALUES_BATCH]
        placeholders = ", ".join(
            "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in [pk, *columns]) + ")" for _ in batch
        )
        params = [
            field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in batch for field in [pk, *columns]
        ]
        sql = (
            f'UPDATE "{meta.db_table}" AS t SET {assignments} FROM (VALUES {placeholders}) AS v({names}) '
            f'WHERE t."{pk.column}" = v."{pk.column}"'
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
