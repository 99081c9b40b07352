"""Small helpers for reading the audit trail in tests."""

from django.contrib.contenttypes.models import ContentType

from nexus_portal.audit.models import AuditEntry


def entries_of(obj, **filters):
    """Entries about this very row (not its children), oldest first."""
    content_type = ContentType.objects.get_for_model(type(obj))
    rows = AuditEntry.objects.filter(content_type=content_type, object_id=obj.pk, **filters)
    return list(rows.order_by("at", "pk"))


def history_of(obj):
    """Entries shown on this record's history page, oldest first."""
    return list(reversed(AuditEntry.objects.for_record(obj)))


def last_entry_of(obj, **filters) -> AuditEntry:
    found = entries_of(obj, **filters)
    assert found, f"no audit entry for {type(obj).__name__} {obj.pk} with {filters}"
    return found[-1]
