from dataclasses import dataclass, field
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

    `evidence` holds the objects and figures behind the flag: JSON values plus decimals, dates and sets
    (the writer canonicalises them). Keep it deterministic, since a change of evidence reopens a
    dismissed flag.
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
    # The evidence already as canonical JSON (writer.canonical_json's exact text), for rules that build
    # many flags from the same parts; when set it is what the writer stores and hashes.
    evidence_json: str | None = None
