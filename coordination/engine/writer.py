"""The one place that writes flags: upsert by rule × subject key within one partition.

- A new candidate opens a flag; a candidate seen before updates it in place (first seen kept).
- A flag of this partition that no candidate matched is resolved (kept, with resolved at).
- A resolved flag that comes back reopens. A dismissed flag stays dismissed while its evidence is
  unchanged, and reopens when the evidence changes.
Each call runs in its own transaction, so a run killed halfway leaves every partition either as
before or fully re-checked, and the next run converges on the same flags.

Speed matters at 100,000 programmes (hundreds of thousands of flags): existing flags are read as
narrow tuples, an unchanged flag is recognised by its fingerprint alone (its other columns, the parsed
evidence and the evidence hash, are built only for flags that are written), and `last_seen` of all the
flags seen again is refreshed in one UPDATE (which PostgreSQL makes a HOT update, leaving the indexes
alone, while no index covers last_seen and the pages have room: coordination migration 0004).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coordination.choices import FlagAction, FlagStatus
from coordination.engine.bulk import bulk_update_rows
from coordination.engine.candidate import Candidate
from coordination.engine.scope import WriteScope
from coordination.models import Flag, FlagEvent
from reference.models import Area

BATCH = 2000
CONTENT_FIELDS = [
    "severity", "message", "message_nb", "evidence", "evidence_hash", "fingerprint", "subject_type", "subject_id",
    "country", "area", "last_seen",
]  # fmt: skip
REOPEN_FIELDS = [*CONTENT_FIELDS, "status", "resolved_at", "dismissed_reason"]


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    reopened: int = 0
    resolved: int = 0

    def as_dict(self) -> dict:
        return dict(vars(self))


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"evidence cannot hold {type(value).__name__}")


def canonical_json(evidence: dict) -> str:
    """Evidence as stable JSON: sorted keys, decimals as strings, dates ISO, sets as sorted lists."""
    return json.dumps(evidence, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def evidence_hash(evidence: dict) -> str:
    return hashlib.sha256(canonical_json(evidence).encode()).hexdigest()


def full_subject_key(partition: str, key: str) -> str:
    return f"{partition}:{key}" if partition else key


class Lookups:
    """Content types and country ids, cached for one write, or for all the writes of a run's piece."""

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


def _fingerprint(candidate: Candidate, partition: str, lookups: Lookups) -> tuple[str, str, tuple[int, ...]]:
    """A candidate's canonical evidence, its fingerprint and its responsible actors: all a re-run needs
    to recognise an unchanged flag (the other columns are built only for flags that are written)."""
    evidence_text = candidate.evidence_json or canonical_json(candidate.evidence)
    actors = tuple(sorted(candidate.responsible_actor_ids))
    subject = candidate.subject
    subject_type, subject_id = (lookups.content_type_id(subject.model), subject.pk) if subject else (None, None)
    country = lookups.country_id(candidate.country_code or partition or None)
    # The fields joined by \x1f, each as str() gives it (None as "None", the actors as a tuple's repr).
    signature = (
        f"{candidate.severity!s}\x1f{candidate.message}\x1f{candidate.message_nb}\x1f{subject_type}\x1f"
        f"{subject_id}\x1f{country}\x1f{candidate.area_id}\x1f{actors}\x1f{evidence_text}"
    )
    return evidence_text, hashlib.sha256(signature.encode()).hexdigest(), actors


def _fields(candidate: Candidate, partition: str, lookups: Lookups, evidence_text: str, fingerprint: str) -> dict:
    """The columns a candidate writes."""
    return {
        "severity": str(candidate.severity),
        "message": candidate.message,
        "message_nb": candidate.message_nb,
        "evidence": json.loads(evidence_text),
        "evidence_hash": hashlib.sha256(evidence_text.encode()).hexdigest(),
        "fingerprint": fingerprint,
        "subject_type_id": lookups.content_type_id(candidate.subject.model) if candidate.subject else None,
        "subject_id": candidate.subject.pk if candidate.subject else None,
        "country_id": lookups.country_id(candidate.country_code or partition or None),
        "area_id": candidate.area_id,
    }


def _in_scope(scope: WriteScope) -> Q:
    inside = Q(area_id__in=sorted(scope.area_ids))
    if scope.programme_ids:
        inside |= Q(
            subject_type_id=ContentType.objects.get_by_natural_key("programmes", "programme").pk,
            subject_id__in=sorted(scope.programme_ids),
        )
    return inside


@transaction.atomic
def write_partition(
    rule: str,
    partition: str,
    candidates: list[Candidate],
    scope: WriteScope | None = None,
    lookups: Lookups | None = None,
) -> WriteCounts:
    """Upsert the candidates of one rule in one partition and resolve the partition's flags not found again.

    With a `scope`, only the flags inside it count as the partition: a re-check of part of a country
    resolves what it re-checked and leaves the rest of the country alone.
    """
    now = timezone.now()
    lookups = lookups or Lookups()
    counts = WriteCounts()
    flags = Flag.objects.filter(rule=rule, partition=partition)
    if scope is not None:
        flags = flags.filter(_in_scope(scope))
    existing = {
        key: (pk, status, fingerprint, old_hash)
        for pk, key, status, fingerprint, old_hash in flags.order_by().values_list(
            "pk", "subject_key", "status", "fingerprint", "evidence_hash"
        )
    }
    unique = _unique(candidates)
    outside: set[int] = set()  # flags found again outside the scope (a rule that kept its promise badly)
    if scope is not None:
        unknown = [full_subject_key(partition, c.subject_key) for c in unique]
        unknown = [key for key in unknown if key not in existing]
        for start in range(0, len(unknown), BATCH):
            rows = Flag.objects.filter(rule=rule, subject_key__in=unknown[start : start + BATCH]).order_by()
            for pk, key, status, fingerprint, old_hash in rows.values_list(
                "pk", "subject_key", "status", "fingerprint", "evidence_hash"
            ):
                existing[key] = (pk, status, fingerprint, old_hash)
                outside.add(pk)

    new_flags, changed, reopened, events = [], [], [], []
    new_actors: list[tuple[int, ...]] = []  # the responsible actors of new_flags, in the same order
    rewritten_actors: dict[int, tuple[int, ...]] = {}  # flag id → responsible actors, for flags rewritten
    for candidate in unique:
        key = full_subject_key(partition, candidate.subject_key)
        evidence_text, fingerprint, actors = _fingerprint(candidate, partition, lookups)
        found = existing.pop(key, None)
        if found is None:
            fields = _fields(candidate, partition, lookups, evidence_text, fingerprint)
            new_flags.append(Flag(rule=rule, partition=partition, subject_key=key, first_seen=now, last_seen=now,
                                  **fields))  # fmt: skip
            new_actors.append(actors)
            continue
        pk, status, old_fingerprint, old_hash = found
        if old_fingerprint == fingerprint and status != FlagStatus.RESOLVED:
            counts.unchanged += 1
            if pk in outside:
                Flag.objects.filter(pk=pk).update(last_seen=now)
            continue
        fields = _fields(candidate, partition, lookups, evidence_text, fingerprint)
        flag = Flag(pk=pk, last_seen=now, **fields)
        rewritten_actors[pk] = actors
        if status == FlagStatus.RESOLVED or (status == FlagStatus.DISMISSED and old_hash != fields["evidence_hash"]):
            flag.status, flag.resolved_at, flag.dismissed_reason = FlagStatus.OPEN, None, ""
            reopened.append(flag)
            events.append(FlagEvent(flag_id=pk, action=FlagAction.REOPENED, created_at=now,
                                    note="The gap was found again."))  # fmt: skip
        else:
            changed.append(flag)

    resolved_ids = [pk for pk, status, _, _ in existing.values() if status != FlagStatus.RESOLVED]
    for start in range(0, len(resolved_ids), BATCH):
        Flag.objects.filter(pk__in=resolved_ids[start : start + BATCH]).update(
            status=FlagStatus.RESOLVED, resolved_at=now
        )
    events.extend(FlagEvent(flag_id=pk, action=FlagAction.RESOLVED, created_at=now) for pk in resolved_ids)

    Flag.objects.bulk_create(new_flags, batch_size=BATCH)
    events.extend(FlagEvent(flag=flag, action=FlagAction.OPENED, created_at=now) for flag in new_flags)
    bulk_update_rows(changed, CONTENT_FIELDS)
    bulk_update_rows(reopened, REOPEN_FIELDS)
    # Everything found again and not changed above: one statement, however many flags (those not found
    # again were resolved above; the new and changed ones were written with last_seen = now).
    flags.filter(last_seen__lt=now).exclude(status=FlagStatus.RESOLVED).update(last_seen=now)
    FlagEvent.objects.bulk_create(events, batch_size=BATCH)
    _set_responsible_actors(rule, partition, new_flags, new_actors, rewritten_actors)
    counts.created, counts.updated, counts.reopened = len(new_flags), len(changed) + len(reopened), len(reopened)
    counts.resolved = len(resolved_ids)
    return counts


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    """A rule may find the same subject twice (e.g. via two areas); the last finding wins."""
    return list({candidate.subject_key: candidate for candidate in candidates}.values())


def _set_responsible_actors(
    rule: str, partition: str, new_flags: list[Flag], new_actors: list[tuple[int, ...]], rewritten: dict
) -> None:
    """Actors of new flags (their ids come back from the insert) and of rewritten flags (old rows replaced)."""
    through = Flag.responsible_actors.through
    if any(flag.pk is None for flag in new_flags):  # a database that does not return ids from bulk inserts
        keys = [flag.subject_key for flag in new_flags]
        ids: dict[str, int] = {}
        for start in range(0, len(keys), BATCH):
            batch = Flag.objects.filter(rule=rule, partition=partition, subject_key__in=keys[start : start + BATCH])
            ids.update(batch.values_list("subject_key", "pk"))
        for flag in new_flags:
            flag.pk = ids[flag.subject_key]
    rewritten_ids = list(rewritten)
    for start in range(0, len(rewritten_ids), BATCH):
        through.objects.filter(flag_id__in=rewritten_ids[start : start + BATCH]).delete()
    rows = [through(flag_id=flag.pk, actor_id=actor) for flag, actors in zip(new_flags, new_actors, strict=True)
            for actor in actors]  # fmt: skip
    rows += [through(flag_id=pk, actor_id=actor) for pk, actors in rewritten.items() for actor in actors]
    through.objects.bulk_create(rows, batch_size=BATCH)
