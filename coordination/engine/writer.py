"""The one place that writes flags: upsert by rule × subject key within one partition.

- A new candidate opens a flag; a candidate seen before updates it in place (first seen kept).
- A flag of this partition that no candidate matched is resolved (kept, with resolved at).
- A resolved flag that comes back reopens. A dismissed flag stays dismissed while its evidence is
  unchanged, and reopens when the evidence changes.
Each call runs in its own transaction, so a run killed halfway leaves every partition either as
before or fully re-checked, and the next run converges on the same flags.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from coordination.choices import FlagAction, FlagStatus
from coordination.engine.candidate import Candidate, evidence_value
from coordination.models import Flag, FlagEvent
from reference.models import Area

UPDATE_BATCH = 500
CHANGING_FIELDS = [
    "severity", "message", "message_nb", "evidence", "evidence_hash", "subject_type", "subject_id", "country",
    "area", "status", "resolved_at", "dismissed_reason", "last_seen",
]  # fmt: skip


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    reopened: int = 0
    resolved: int = 0
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k != "extra"}


def evidence_hash(evidence: dict) -> str:
    return hashlib.sha256(json.dumps(evidence, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def full_subject_key(partition: str, key: str) -> str:
    return f"{partition}:{key}" if partition else key


class _Lookups:
    """Content types and country ids, cached for one write."""

    def __init__(self):
        self._types: dict[str, int] = {}
        self._countries: dict[str, int | None] = {}

    def content_type_id(self, label: str) -> int:
        if label not in self._types:
            app_label, model = label.lower().split(".")
            self._types[label] = ContentType.objects.get_by_natural_key(app_label, model).pk
        return self._types[label]

    def country_id(self, code: str | None) -> int | None:
        if not code:
            return None
        if code not in self._countries:
            self._countries[code] = Area.objects.filter(pcode=code, level=0).values_list("pk", flat=True).first()
        return self._countries[code]


@transaction.atomic
def write_partition(rule: str, partition: str, candidates: list[Candidate]) -> WriteCounts:
    now = timezone.now()
    lookups = _Lookups()
    counts = WriteCounts()
    existing = {flag.subject_key: flag for flag in Flag.objects.filter(rule=rule, partition=partition)}
    current_actors = _responsible_actors(existing.values())

    new_flags, changed, seen_ids, events, actor_sets = [], [], [], [], {}
    for candidate in _unique(candidates):
        key = full_subject_key(partition, candidate.subject_key)
        evidence = evidence_value(candidate.evidence)
        fields = {
            "severity": candidate.severity,
            "message": candidate.message,
            "message_nb": candidate.message_nb,
            "evidence": evidence,
            "evidence_hash": evidence_hash(evidence),
            "subject_type_id": lookups.content_type_id(candidate.subject.model) if candidate.subject else None,
            "subject_id": candidate.subject.pk if candidate.subject else None,
            "country_id": lookups.country_id(candidate.country_code or partition or None),
            "area_id": candidate.area_id,
        }
        actors = set(candidate.responsible_actor_ids)
        flag = existing.pop(key, None)
        if flag is None:
            flag = Flag(rule=rule, partition=partition, subject_key=key, first_seen=now, last_seen=now, **fields)
            new_flags.append(flag)
            actor_sets[key] = actors
            continue
        action = _transition(flag, fields["evidence_hash"])
        if action is None and all(getattr(flag, name) == value for name, value in fields.items()):
            seen_ids.append(flag.pk)
            counts.unchanged += 1
        else:
            for name, value in fields.items():
                setattr(flag, name, value)
            flag.last_seen = now
            changed.append(flag)
            counts.updated += 1
            if action:
                events.append(FlagEvent(flag=flag, action=action, created_at=now, note=_reopen_note(action)))
                counts.reopened += 1
        if current_actors.get(flag.pk, set()) != actors:
            actor_sets[key] = actors

    resolved = [flag for flag in existing.values() if flag.status != FlagStatus.RESOLVED]
    for flag in resolved:
        flag.status, flag.resolved_at = FlagStatus.RESOLVED, now
        events.append(FlagEvent(flag=flag, action=FlagAction.RESOLVED, created_at=now))
    counts.resolved = len(resolved)

    Flag.objects.bulk_create(new_flags, batch_size=UPDATE_BATCH)
    counts.created = len(new_flags)
    events.extend(FlagEvent(flag=flag, action=FlagAction.OPENED, created_at=now) for flag in new_flags)
    Flag.objects.bulk_update(changed, CHANGING_FIELDS, batch_size=UPDATE_BATCH)
    Flag.objects.bulk_update(resolved, ["status", "resolved_at"], batch_size=UPDATE_BATCH)
    for start in range(0, len(seen_ids), UPDATE_BATCH):
        Flag.objects.filter(pk__in=seen_ids[start : start + UPDATE_BATCH]).update(last_seen=now)
    FlagEvent.objects.bulk_create(events, batch_size=UPDATE_BATCH)
    _set_responsible_actors(rule, partition, actor_sets)
    return counts


def _transition(flag: Flag, new_hash: str) -> str | None:
    """The status change a re-found flag goes through, as a FlagAction (None: no change)."""
    if flag.status == FlagStatus.RESOLVED:
        flag.status, flag.resolved_at = FlagStatus.OPEN, None
        return FlagAction.REOPENED
    if flag.status == FlagStatus.DISMISSED and flag.evidence_hash != new_hash:
        flag.status, flag.dismissed_reason = FlagStatus.OPEN, ""
        return FlagAction.REOPENED
    return None


def _reopen_note(action: str) -> str:
    return "The gap was found again." if action == FlagAction.REOPENED else ""


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    """A rule may find the same subject twice (e.g. via two areas); the last finding wins."""
    return list({candidate.subject_key: candidate for candidate in candidates}.values())


def _responsible_actors(flags) -> dict[int, set[int]]:
    through = Flag.responsible_actors.through
    actors: dict[int, set[int]] = {}
    ids = [flag.pk for flag in flags]
    for start in range(0, len(ids), UPDATE_BATCH):
        rows = through.objects.filter(flag_id__in=ids[start : start + UPDATE_BATCH]).values_list("flag_id", "actor_id")
        for flag_id, actor_id in rows:
            actors.setdefault(flag_id, set()).add(actor_id)
    return actors


def _set_responsible_actors(rule: str, partition: str, actor_sets: dict[str, set[int]]) -> None:
    if not actor_sets:
        return
    through = Flag.responsible_actors.through
    keys = list(actor_sets)
    ids = {}
    for start in range(0, len(keys), UPDATE_BATCH):
        batch = Flag.objects.filter(rule=rule, partition=partition, subject_key__in=keys[start : start + UPDATE_BATCH])
        ids.update(batch.values_list("subject_key", "pk"))
    flag_ids = list(ids.values())
    for start in range(0, len(flag_ids), UPDATE_BATCH):
        through.objects.filter(flag_id__in=flag_ids[start : start + UPDATE_BATCH]).delete()
    through.objects.bulk_create(
        (through(flag_id=ids[key], actor_id=actor) for key, actors in actor_sets.items() for actor in sorted(actors)),
        batch_size=UPDATE_BATCH,
        ignore_conflicts=True,
    )
