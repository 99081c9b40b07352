"""Merging a duplicate actor into the one that is kept.

`actor_merge(user=, keep=, duplicate=)` moves every reference to the duplicate onto the kept actor, fills the
kept actor's empty fields from the duplicate, records an ActorMerge, adds the duplicate's name, acronym (and a
differing IATI identifier) as aliases of the kept actor so that later imports find it, and deletes the
duplicate, all in one transaction. `merge_plan(keep=, duplicate=)` is the same walk without writing: the
confirmation page's counts are exactly what a merge would move.

References are found generically: every foreign key and many-to-many relation to Actor (hidden ones included,
so FundingRequestEvent.unit is not missed), the actor's own many-to-many fields (countries: the union is kept)
and the domain apps' generic foreign keys whose content type is Actor (Flag.subject; history such as an
audit trail is left as recorded). A relation added later is moved without changing this module; if a
reference were somehow left behind, the merge fails and nothing changes.

Unique constraints are resolved, not left to crash:
- membership of a user in both actors → one membership, with the higher role;
- participant (programme, actor, role) in both → the duplicate's row is dropped;
- goal commitment to the same goal → one commitment, the stronger (accepted over invited over declined,
  then lead over contributor over endorser), keeping a commitment text where only one has one;
- alias, "not a duplicate" decision already held by the kept actor → the duplicate's is dropped;
- funding agreements of both with the same reference as donor → the merge is refused, naming the
  references: they are probably the same agreement recorded twice, which only a person can decide;
- any other clash (a constraint added later) → the merge is refused with a message.
A row that would point at the kept actor twice where that is not allowed (an agreement between the two
actors, a programme handed over from one to the other) also refuses the merge, naming the records.
Dropped rows are recorded in the ActorMerge snapshot, so nothing is lost.

Flags: assigned_to and responsible actors move like any relation, and a flag whose subject is the duplicate
points at the kept actor. Subject keys and evidence (which hold actor ids as text) are the engine's own:
the countries both actors touch are marked dirty, so the next re-check recomputes them, resolving the
duplicate's flags and raising the kept actor's where the gap remains.
"""

import json
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from actors.access import actor_ids, forget_actor_ids, is_reviewer
from actors.choices import MembershipRole
from actors.matching import normalise_identifier, normalise_name
from actors.models import Actor, ActorAlias, ActorMerge, AliasSource, Membership, NotDuplicate

ROLE_RANK = {MembershipRole.VIEWER: 0, MembershipRole.EDITOR: 1, MembershipRole.MANAGER: 2}
COMMITMENT_STATUS_RANK = {"declined": 0, "invited": 1, "accepted": 2}
COMMITMENT_ROLE_RANK = {"endorser": 0, "contributor": 1, "lead": 2}
FILLED_FIELDS = ("iati_identifier", "acronym", "iati_org_type", "parent")
MANDATES = ("mandate_humanitarian", "mandate_development", "mandate_peace")
# Rows that may not point at the same actor twice: (model, field, other field).
MUST_DIFFER = (
    ("funding.FundingAgreement", "donor", "recipient"),
    ("programmes.Programme", "reporting_actor", "handover_actor"),
)
# Apps whose generic foreign keys are references to move (not records of the past, such as an audit trail).
DOMAIN_APPS = ("reference", "actors", "programmes", "coordination", "analyses", "funding")
# Snapshot parts that only reviewers and administrators read (they name users and hidden records).
PRIVATE_SNAPSHOT_KEYS = ("memberships", "references", "combined")


# -- which references exist ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """One way a row can point at an actor. `model` holds the rows (the through table for many-to-many)."""

    kind: str  # "fk", "m2m" (another model's many-to-many), "own_m2m" (Actor's own), "generic"
    label: str
    model: type[models.Model]
    field: str
    other: str = ""  # m2m: the through table's other column; generic: the content-type field


@cache
def relations() -> tuple[Relation, ...]:
    found = []
    for rel in Actor._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete:
            continue
        if rel.many_to_many:
            if rel.through._meta.auto_created:
                found.append(
                    Relation(
                        "m2m",
                        f"{rel.related_model._meta.label}.{rel.field.name}",
                        rel.through,
                        rel.field.m2m_reverse_field_name(),
                        rel.field.m2m_field_name(),
                    )
                )
        elif rel.related_model._meta.auto_created:
            continue  # the foreign key of a many-to-many table: moved as that many-to-many
        else:
            found.append(Relation("fk", f"{rel.related_model._meta.label}.{rel.field.name}", rel.related_model,
                                  rel.field.name))  # fmt: skip
    for m2m in Actor._meta.many_to_many:
        through = m2m.remote_field.through
        found.append(Relation("own_m2m", f"actors.Actor.{m2m.name}", through, m2m.m2m_field_name(),
                              m2m.m2m_reverse_field_name()))  # fmt: skip
    for model in apps.get_models():
        if model._meta.app_label not in DOMAIN_APPS:
            continue  # history (the audit trail) keeps pointing at what it recorded
        for private in model._meta.private_fields:
            if isinstance(private, GenericForeignKey):
                found.append(Relation("generic", f"{model._meta.label}.{private.name}", model, private.fk_field,
                                      private.ct_field))  # fmt: skip
    return tuple(found)


def relation_text(label: str) -> str:
    """A relation label ("programmes.Programme.reporting_actor") as words: "Programmes (as reporting actor)"."""
    model_label, _dot, field_name = label.rpartition(".")
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return label
    if model is Actor and any(m2m.name == field_name for m2m in Actor._meta.many_to_many):
        return capfirst(Actor._meta.get_field(field_name).verbose_name)
    try:
        role = model._meta.get_field(field_name).verbose_name
    except FieldDoesNotExist:
        role = _("subject")
    return _("%(records)s (as %(role)s)") % {"records": capfirst(model._meta.verbose_name_plural), "role": role}


def _rows(relation: Relation, actor_pk: int):
    manager = relation.model._base_manager.order_by()
    if relation.kind == "generic":
        content_type = ContentType.objects.get_for_model(Actor)
        return manager.filter(**{relation.other: content_type, relation.field: actor_pk})
    return manager.filter(**{f"{relation.field}_id" if relation.kind != "fk" else relation.field: actor_pk})


# -- the plan -----------------------------------------------------------------------------------------


@dataclass
class RelationCount:
    label: str
    moved: int = 0
    combined: int = 0

    @property
    def text(self) -> str:
        return relation_text(self.label)


@dataclass
class MergePlan:
    """What merging `duplicate` into `keep` does (or did): counts per relation, refusals, filled fields."""

    keep: Actor
    duplicate: Actor
    relations: list[RelationCount] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    filled: dict[str, object] = field(default_factory=dict)  # field name → value taken from the duplicate
    aliases: list[str] = field(default_factory=list)
    combined_rows: dict[str, list] = field(default_factory=dict)

    @property
    def moved(self) -> dict[str, int]:
        return {row.label: row.moved for row in self.relations if row.moved}

    @property
    def combined(self) -> dict[str, int]:
        return {row.label: row.combined for row in self.relations if row.combined}

    @property
    def filled_labels(self) -> list[tuple[str, object]]:
        return [(capfirst(Actor._meta.get_field(name).verbose_name), value) for name, value in self.filled.items()]

    @property
    def total(self) -> int:
        return sum(row.moved + row.combined for row in self.relations)


def merge_plan(*, keep: Actor, duplicate: Actor) -> MergePlan:
    """The dry run: what a merge would move, combine and fill, and why it would be refused (nothing written)."""
    plan = MergePlan(keep, duplicate)
    problem = _structural_problem(keep, duplicate)
    if problem:
        plan.refusals.append(problem)
        return plan
    _walk(plan, execute=False)
    _fill(plan, execute=False)
    _aliases(plan, execute=False)
    return plan


def _structural_problem(keep: Actor, duplicate: Actor) -> str | None:
    if keep.pk == duplicate.pk:
        return _("An actor cannot be merged into itself.")
    if duplicate.pk in ancestor_ids(keep):
        return _(
            "“%(duplicate)s” is above “%(keep)s” in the organisation hierarchy, so merging it into “%(keep)s” "
            "would make a loop. Keep “%(duplicate)s” and merge “%(keep)s” into it instead."
        ) % {"duplicate": duplicate, "keep": keep}
    return None


def ancestor_ids(actor: Actor) -> list[int]:
    """Ids of the actor's parent, grandparent, … (stops at a loop)."""
    found, parent_id = [], actor.parent_id
    while parent_id is not None and parent_id not in found and parent_id != actor.pk:
        found.append(parent_id)
        parent_id = Actor.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return found


def _walk(plan: MergePlan, *, execute: bool) -> None:
    keep, duplicate = plan.keep, plan.duplicate
    for model_label, first, second in MUST_DIFFER:
        _refuse_rows_between(plan, model_label, first, second)
    for relation in relations():
        count = RelationCount(relation.label)
        if relation.model is NotDuplicate:
            _not_duplicates(plan, relation, count, execute=execute)
        elif relation.kind == "fk":
            _foreign_key(plan, relation, count, execute=execute)
        elif relation.kind in ("m2m", "own_m2m"):
            _many_to_many(keep, duplicate, relation, count, execute=execute)
        else:
            rows = _rows(relation, duplicate.pk)
            count.moved = rows.update(**{relation.field: keep.pk}) if execute else rows.count()
        if count.moved or count.combined:
            plan.relations.append(count)


def _refuse_rows_between(plan: MergePlan, model_label: str, first: str, second: str) -> None:
    try:
        model = apps.get_model(model_label)
    except LookupError:
        return
    keep, duplicate = plan.keep.pk, plan.duplicate.pk
    rows = model._base_manager.filter(
        Q(**{first: keep, second: duplicate}) | Q(**{first: duplicate, second: keep})
    ).order_by("pk")
    names = [str(row) for row in rows[:10]]
    if names:
        plan.refusals.append(
            _(
                "These %(records)s link “%(first)s” and “%(second)s” to each other, and would link the kept actor "
                "to itself: %(names)s. Change them before merging."
            )
            % {
                "records": model._meta.verbose_name_plural,
                "first": plan.keep,
                "second": plan.duplicate,
                "names": ", ".join(names),
            }
        )


def _unique_sets(model, field_name: str):
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field_name in (constraint.fields or ()):
            yield tuple(constraint.fields), constraint.condition
    for together in model._meta.unique_together:
        if field_name in together:
            yield tuple(together), None
    if model._meta.get_field(field_name).unique:
        yield (field_name,), None


def _clashes(model, field_name: str, keep: Actor, duplicate: Actor) -> dict[int, int]:
    """Rows of the duplicate that a unique constraint forbids beside the kept actor's: duplicate pk → kept pk."""
    found: dict[int, int] = {}
    for fields, condition in _unique_sets(model, field_name):
        others = [name for name in fields if name != field_name]
        rows = model._base_manager.order_by()
        if condition is not None:
            rows = rows.filter(condition)
        kept = {values[1:]: values[0] for values in rows.filter(**{field_name: keep}).values_list("pk", *others)}
        for values in rows.filter(**{field_name: duplicate}).values_list("pk", *others):
            if values[1:] in kept:
                found.setdefault(values[0], kept[values[1:]])
    return found


def _foreign_key(plan: MergePlan, relation: Relation, count: RelationCount, *, execute: bool) -> None:
    keep, duplicate = plan.keep, plan.duplicate
    model, name = relation.model, relation.field
    clashes = _clashes(model, name, keep, duplicate)
    if clashes:
        combine = COMBINERS.get(relation.label)
        if combine is None:
            plan.refusals.append(_clash_refusal(relation, keep, duplicate, clashes))
            return
        count.combined = len(clashes)
        if execute:
            combine(plan, relation, clashes)
    rows = model._base_manager.filter(**{name: duplicate}).order_by()
    if execute:
        count.moved = rows.update(**{name: keep})
    else:
        count.moved = rows.count() - count.combined


def _clash_refusal(relation: Relation, keep: Actor, duplicate: Actor, clashes: dict[int, int]) -> str:
    if relation.label == "funding.FundingAgreement.donor":
        references = relation.model._base_manager.filter(pk__in=clashes).order_by("reference")
        return _(
            "“%(keep)s” and “%(duplicate)s” both gave funding agreements with the reference %(references)s. "
            "They may be the same agreement recorded twice: change a reference or remove the copy, then merge."
        ) % {
            "keep": keep,
            "duplicate": duplicate,
            "references": ", ".join(references.values_list("reference", flat=True)),
        }
    return _(
        "%(count)d of the %(records)s of “%(duplicate)s” repeat records of “%(keep)s” that may exist only once. "
        "Change or remove them, then merge."
    ) % {"count": len(clashes), "records": relation_text(relation.label), "duplicate": duplicate, "keep": keep}


def _record_dropped(plan: MergePlan, relation: Relation, rows) -> None:
    plan.combined_rows.setdefault(relation.label, []).extend(model_to_dict(row) for row in rows)


def _combine_memberships(plan: MergePlan, relation: Relation, clashes: dict[int, int]) -> None:
    rows = Membership.objects.in_bulk([*clashes, *clashes.values()])
    for duplicate_pk, kept_pk in clashes.items():
        theirs, ours = rows[duplicate_pk], rows[kept_pk]
        if ROLE_RANK[theirs.role] > ROLE_RANK[ours.role]:
            Membership.objects.filter(pk=kept_pk).update(role=theirs.role)
    Membership.objects.filter(pk__in=clashes).delete()


def _drop_duplicates_rows(plan: MergePlan, relation: Relation, clashes: dict[int, int]) -> None:
    rows = relation.model._base_manager.filter(pk__in=clashes)
    _record_dropped(plan, relation, rows)
    rows.delete()


def _combine_commitments(plan: MergePlan, relation: Relation, clashes: dict[int, int]) -> None:
    model = relation.model
    rows = model._base_manager.in_bulk([*clashes, *clashes.values()])

    def strength(row):
        return COMMITMENT_STATUS_RANK.get(row.status, 0), COMMITMENT_ROLE_RANK.get(row.role, 0)

    for duplicate_pk, kept_pk in clashes.items():
        theirs, ours = rows[duplicate_pk], rows[kept_pk]
        if strength(theirs) > strength(ours):
            ours.role, ours.status, ours.committed_on = theirs.role, theirs.status, theirs.committed_on
            ours.commitment_text = theirs.commitment_text or ours.commitment_text
        elif not ours.commitment_text:
            ours.commitment_text = theirs.commitment_text
        model._base_manager.filter(pk=kept_pk).update(
            role=ours.role, status=ours.status, committed_on=ours.committed_on, commitment_text=ours.commitment_text
        )
    _drop_duplicates_rows(plan, relation, clashes)


COMBINERS = {
    "actors.Membership.actor": _combine_memberships,
    "actors.ActorAlias.actor": _drop_duplicates_rows,
    "programmes.ProgrammeParticipant.actor": _drop_duplicates_rows,
    "coordination.GoalCommitment.actor": _combine_commitments,
}


def _many_to_many(keep: Actor, duplicate: Actor, relation: Relation, count: RelationCount, *, execute: bool) -> None:
    rows = _rows(relation, duplicate.pk)
    already = _rows(relation, keep.pk).values(relation.other)
    repeated = rows.filter(**{f"{relation.other}__in": already})
    if execute:
        count.combined = repeated.delete()[0]
        count.moved = _rows(relation, duplicate.pk).update(**{f"{relation.field}_id": keep.pk})
    else:
        count.combined = repeated.count()
        count.moved = rows.count() - count.combined


def _not_duplicates(plan: MergePlan, relation: Relation, count: RelationCount, *, execute: bool) -> None:
    """Decisions about the duplicate become decisions about the kept actor (its pair with the kept actor goes)."""
    keep, duplicate = plan.keep.pk, plan.duplicate.pk
    rows = list(_rows(relation, duplicate))
    existing = set(
        NotDuplicate.objects.filter(Q(actor_low=keep) | Q(actor_high=keep)).values_list("actor_low", "actor_high")
    )
    for row in rows:
        other = row.actor_high_id if row.actor_low_id == duplicate else row.actor_low_id
        pair = NotDuplicate.ordered(keep, other)
        if other == keep or pair in existing:
            count.combined += 1
            if execute:
                row.delete()
            continue
        count.moved += 1
        existing.add(pair)
        if execute:
            NotDuplicate.objects.filter(pk=row.pk).update(actor_low=pair[0], actor_high=pair[1])


# -- fields and aliases -------------------------------------------------------------------------------


def _fill(plan: MergePlan, *, execute: bool) -> None:
    keep, duplicate = plan.keep, plan.duplicate
    for name in FILLED_FIELDS:
        attname = Actor._meta.get_field(name).attname
        theirs = getattr(duplicate, attname)
        if getattr(keep, attname) or not theirs:
            continue
        if name == "parent" and (theirs == keep.pk or keep.pk in ancestor_ids(duplicate.parent)):
            continue
        plan.filled[name] = getattr(duplicate, name)
    for name in MANDATES:
        if getattr(duplicate, name) and not getattr(keep, name):
            plan.filled[name] = True
    if not execute:
        return
    if "iati_identifier" in plan.filled:
        # The identifier is unique: the duplicate gives it up before the kept actor takes it.
        Actor.objects.filter(pk=duplicate.pk).update(iati_identifier="")
    for name, value in plan.filled.items():
        setattr(keep, name, value)
    if plan.filled:
        keep.save(update_fields=[*plan.filled, "updated_at"])


def _aliases(plan: MergePlan, *, execute: bool) -> None:
    """The duplicate's name, acronym and a differing identifier become aliases of the kept actor."""
    keep, duplicate = plan.keep, plan.duplicate
    held = set(ActorAlias.objects.filter(actor_id__in=[keep.pk, duplicate.pk]).values_list("normalised", flat=True))
    wanted = [duplicate.name, duplicate.acronym]
    theirs, ours = normalise_identifier(duplicate.iati_identifier), normalise_identifier(keep.iati_identifier)
    if theirs and ours and theirs != ours:
        wanted.append(theirs)
    for name in wanted:
        normalised = normalise_name(name)
        if not normalised or normalised in held:
            continue
        held.add(normalised)
        plan.aliases.append(name.strip())
        if execute:
            ActorAlias.objects.create(actor=keep, name=name.strip(), normalised=normalised, source=AliasSource.MERGE)


# -- permissions --------------------------------------------------------------------------------------


def may_see_duplicates(user) -> bool:
    """Reviewers and administrators see every candidate pair; managers see the pairs of their actors."""
    return is_reviewer(user) or bool(actor_ids(user, MembershipRole.MANAGER))


def duplicate_scope(user) -> frozenset[int] | None:
    """None: every pair; else only pairs touching these actor ids."""
    return None if is_reviewer(user) else actor_ids(user, MembershipRole.MANAGER)


def may_view_pair(user, first: Actor, second: Actor) -> bool:
    if is_reviewer(user):
        return True
    managed = actor_ids(user, MembershipRole.MANAGER)
    return first.pk in managed or second.pk in managed


def merge_refusal(user, keep: Actor, duplicate: Actor) -> str | None:
    """Why `user` may not merge `duplicate` into `keep`, or None when they may.

    Administrators may always. A manager of the kept actor may when every member of the duplicate is
    already a manager of the kept actor (an imported organisation has no members at all), so nobody
    gains access to the kept actor through the merge without its managers having chosen it.
    """
    if user is None or not user.is_authenticated:
        return _("Sign in to merge organisations.")
    if user.is_active and user.is_superuser:
        return None
    if keep.pk not in actor_ids(user, MembershipRole.MANAGER):
        return _("Only a manager of “%(keep)s” or a site administrator can merge another organisation into it.") % {
            "keep": keep
        }
    keep_managers = Membership.objects.filter(actor=keep, role=MembershipRole.MANAGER).values("user_id")
    if Membership.objects.filter(actor=duplicate).exclude(user_id__in=keep_managers).exists():
        return _(
            "“%(duplicate)s” has members who are not managers of “%(keep)s”; merging would give them access to "
            "“%(keep)s”. Ask a site administrator to merge these organisations."
        ) % {"duplicate": duplicate, "keep": keep}
    return None


def may_mark_not_duplicate(user, first: Actor, second: Actor) -> bool:
    """Administrators and the managers of either actor decide that two actors are different organisations."""
    if user is None or not user.is_authenticated:
        return False
    managed = actor_ids(user, MembershipRole.MANAGER)
    return (user.is_active and user.is_superuser) or first.pk in managed or second.pk in managed


def mark_not_duplicate(*, user, first: Actor, second: Actor) -> NotDuplicate:
    """Record that two actors are different organisations, so the finder stops offering them."""
    if first.pk == second.pk:
        raise ValidationError(_("Choose two different actors."))
    if not may_mark_not_duplicate(user, first, second):
        raise PermissionDenied(
            _("Only a manager of one of these organisations or a site administrator can decide this.")
        )
    low, high = NotDuplicate.ordered(first.pk, second.pk)
    decision, _created = NotDuplicate.objects.get_or_create(
        actor_low_id=low, actor_high_id=high, defaults={"decided_by_id": user.pk}
    )
    return decision


# -- the merge ----------------------------------------------------------------------------------------


def actor_merge(*, user, keep: Actor, duplicate: Actor, system: bool = False) -> ActorMerge:
    """Merge `duplicate` into `keep` (see the module docstring). `system=True` is the command line: no user.

    Raises PermissionDenied when the user may not, ValidationError when the merge is refused; in both cases
    nothing changes.
    """
    from coordination.dirty import deferred_rechecks, mark_dirty

    with deferred_rechecks(), transaction.atomic():
        locked = Actor.objects.select_for_update().in_bulk([keep.pk, duplicate.pk])
        if keep.pk not in locked or duplicate.pk not in locked:
            raise ValidationError(_("One of these actors no longer exists; it may have been merged already."))
        keep, duplicate = locked[keep.pk], locked[duplicate.pk]
        if not system:
            refusal = merge_refusal(user, keep, duplicate)
            if refusal:
                raise PermissionDenied(refusal)
        dry = merge_plan(keep=keep, duplicate=duplicate)
        if dry.refusals:
            raise ValidationError(dry.refusals)

        touched = _affected_countries(keep) | _affected_countries(duplicate)
        snapshot = _snapshot(duplicate)
        plan = MergePlan(keep, duplicate)
        _walk(plan, execute=True)
        _fill(plan, execute=True)
        _aliases(plan, execute=True)
        _check_nothing_left(duplicate)
        merged_pk, merged_name = duplicate.pk, duplicate.name
        duplicate.delete()

        snapshot.update(
            combined=plan.combined_rows,
            combined_counts=plan.combined,
            filled=sorted(plan.filled),
            aliases_added=plan.aliases,
        )
        record = ActorMerge.objects.create(
            kept=keep,
            merged_pk=merged_pk,
            merged_name=merged_name,
            merged_snapshot=json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder)),
            moved=plan.moved,
            merged_by_id=None if system else user.pk,
        )
        mark_dirty(touched | _affected_countries(keep))
    if user is not None and not system:
        forget_actor_ids(user)
    record.plan = plan
    return record


def _snapshot(duplicate: Actor) -> dict:
    values = {f.attname: getattr(duplicate, f.attname) for f in Actor._meta.concrete_fields}
    for m2m in Actor._meta.many_to_many:
        values[m2m.name] = sorted(getattr(duplicate, m2m.name).values_list("pk", flat=True))
    values["memberships"] = [
        {"user": user_id, "role": role}
        for user_id, role in duplicate.memberships.order_by("user_id").values_list("user_id", "role")
    ]
    values["aliases"] = list(duplicate.aliases.order_by("name").values_list("name", flat=True))
    values["references"] = {
        relation.label: sorted(_rows(relation, duplicate.pk).values_list(_pk_column(relation), flat=True))
        for relation in relations()
    }
    values["references"] = {label: pks for label, pks in values["references"].items() if pks}
    return values


def _pk_column(relation: Relation) -> str:
    return relation.other if relation.kind in ("m2m", "own_m2m") else "pk"


def _check_nothing_left(duplicate: Actor) -> None:
    """A reference still pointing at the duplicate would be deleted with it: refuse rather than lose it."""
    left = [relation.label for relation in relations() if _rows(relation, duplicate.pk).exists()]
    if left:
        raise RuntimeError(f"merge left references to actor {duplicate.pk}: {', '.join(left)}")


def _affected_countries(actor: Actor) -> set[str]:
    """Countries whose flags may change: where the actor works or is funded, and where its flags are."""
    from coordination.dirty import AFFECTED
    from coordination.models import Flag

    content_type = ContentType.objects.get_for_model(Actor)
    flags = Flag.objects.filter(
        Q(assigned_to=actor) | Q(responsible_actors=actor) | Q(subject_type=content_type, subject_id=actor.pk)
    ).order_by()
    return set(AFFECTED["actors.Actor"](actor)) | set(flags.values_list("partition", flat=True).distinct())
