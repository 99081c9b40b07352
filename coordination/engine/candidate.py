from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from coordination.choices import Severity


@dataclass(frozen=True)
class SubjectRef:
    """The object a flag is about, as "app_label.model" and primary key."""

    model: str
    pk: int


@dataclass
class Candidate:
    """A flag a rule found. The writer turns it into a Flag row (upsert by rule × subject key).

    `evidence` holds the objects and figures behind the flag. It must be JSON-serialisable and
    deterministic (sorted lists), since a change of evidence reopens a dismissed flag.
    """

    rule: str
    subject_key: str
    severity: Severity
    message: str
    message_nb: str
    subject: SubjectRef | None = None
    country_code: str | None = None
    area_id: int | None = None
    responsible_actor_ids: frozenset[int] = frozenset()
    evidence: dict[str, Any] = field(default_factory=dict)


def evidence_value(value):
    """Make figures JSON-friendly and stable: decimals as strings, sets as sorted lists."""
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, set | frozenset):
        return sorted(evidence_value(item) for item in value)
    if isinstance(value, list | tuple):
        return [evidence_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): evidence_value(item) for key, item in sorted(value.items())}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
