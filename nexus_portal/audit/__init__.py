"""The audit trail: who changed which record, when, through which interface, with old and new values.

Public API (importable before the app registry is ready):
    audit_context(user=..., interface="import")   wrap writes that do not come from a request
Writes are captured by model signals (see registry.py); services that replace child rows in bulk use
`nexus_portal.audit.capture.child_set(parent, "related_name")` so the change is recorded on the parent.
"""

from nexus_portal.audit.context import audit_context

__all__ = ["audit_context"]
