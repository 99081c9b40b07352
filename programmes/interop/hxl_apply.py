"""Applying a 3W import plan (hxl_import.plan_import): one transaction per programme.

A group of rows that the plan marks as an error is reported and skipped; an unchanged one is counted;
the others are written through the programme services (programme_create / programme_update), so the
import obeys the same rules and permissions as the form. Organisations the plan did not find are looked
up again (an earlier programme of this import may have created them) or created, inside the programme's
transaction: if the database refuses the programme, they are rolled back with it.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from actors.matching import find_actor
from actors.models import Actor
from coordination.dirty import deferred_rechecks
from programmes.interop import hxl_read as r
from programmes.interop.hxl_import import (
    COMPARED_FIELDS,
    CREATE,
    ERROR,
    UNCHANGED,
    GroupPlan,
    OrgRef,
    Plan,
    RowPlan,
    plan_import,
    wanted_participants,
    wanted_sectors,
    with_values,
)
from programmes.interop.hxl_resolve import new_actor
from programmes.models import Programme
from programmes.services import programme_create, programme_update
from reference.models import Area


# -- applying --------------------------------------------------------------------------------------
@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_rows: int = 0
    processed_rows: int = 0
    problems: list[tuple[int, str, str, str]] = field(default_factory=list)  # (row, identifier, level, message)


def apply_plan(plan: Plan, *, user, progress=None) -> Outcome:
    """Carry out a plan, one transaction per programme; `progress(outcome)` is called after each one.

    Run it inside `coordination.dirty.deferred_rechecks()` (the job runner does, see `import_sheet`), so
    the flags are re-checked once at the end, not after every programme.
    """
    outcome = Outcome()
    for row in plan.rows:
        if row.errors and row.group is None:
            outcome.error_rows += 1
            outcome.processed_rows += 1
            _report_row(outcome, row, row.errors, level="error")
    for group in plan.groups:
        _apply_group(group, user=user, outcome=outcome)
        outcome.processed_rows += len(group.rows)
        if progress is not None:
            progress(outcome)
    return outcome


def import_sheet(sheet: r.Sheet, *, user, country: str = "") -> Outcome:
    """Plan and apply in one go (the command line and tests); the page and API preview first."""
    plan = plan_import(sheet, user=user, country=country)
    if plan.missing:
        raise ValidationError(plan.missing, code="missing_columns")
    with deferred_rechecks():
        return apply_plan(plan, user=user)


def _report_row(outcome: Outcome, row: RowPlan, messages, *, level: str) -> None:
    identifier = row.code or row.title
    for message in messages:
        outcome.problems.append((row.number, identifier[:255], level, str(message)))


def _apply_group(group: GroupPlan, *, user, outcome: Outcome) -> None:
    if group.action == ERROR:
        outcome.error_rows += len(group.rows)
        for row in group.rows:
            _report_row(outcome, row, row.errors, level="error")
        return
    if group.action == UNCHANGED:
        outcome.unchanged += 1
        return
    created_actors: list[Actor] = []
    try:
        with transaction.atomic():
            _write_group(group, user=user, created_actors=created_actors)
    except (ValidationError, PermissionDenied, DatabaseError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [_describe(error)]
        outcome.error_rows += len(group.rows)
        for row in group.rows:
            _report_row(outcome, row, messages, level="error")
        return
    if group.action == CREATE:
        outcome.created += 1
    else:
        outcome.updated += 1
    for row in group.rows:
        _report_row(outcome, row, row.warnings, level="warning")
    for actor in created_actors:
        message = _("New organisation “%(name)s” created (kind guessed: %(kind)s); check it in the actor directory.")
        _report_row(
            outcome, group.first, [message % {"name": actor.name, "kind": actor.get_kind_display()}], level="warning"
        )


def _describe(error: Exception) -> str:
    if isinstance(error, PermissionDenied):
        return _("You may not write this programme.")
    return _("The database refused the programme: %(error)s") % {"error": error}


def _write_group(group: GroupPlan, *, user, created_actors: list[Actor]) -> Programme:
    actors: dict[tuple[str, str], int] = {}
    for row in group.rows:
        for is_funder, refs in ((False, row.implementers), (True, row.funders or [])):
            for ref in refs:
                if ref.key not in actors:
                    actors[ref.key] = _actor_for(ref, funding=is_funder, created=created_actors).pk
    areas = list(Area.objects.filter(pk__in=[ref.pk for ref in group.values["areas"]]))
    if group.action == CREATE:
        programme = with_values(group, Programme(reporting_actor_id=actors[group.first.implementers[0].key]))
        fields = {name: getattr(programme, name) for name in (*COMPARED_FIELDS, "reporting_actor_id")}
        participants = wanted_participants(group, [], actors)
        return programme_create(
            user=user,
            fields=fields,
            participants=_as_actors(participants),
            sectors=wanted_sectors(group, []),
            locations=areas,
        )
    programme = Programme.objects.get(pk=group.programme.pk)
    current_participants = list(programme.participations.values_list("actor_id", "role"))
    current_sectors = [(share.sector, share.percentage) for share in programme.sector_shares.select_related("sector")]
    programme = with_values(group, programme)
    return programme_update(
        user=user,
        programme=programme,
        fields={name: getattr(programme, name) for name in COMPARED_FIELDS},
        participants=_as_actors(wanted_participants(group, current_participants, actors)),
        sectors=wanted_sectors(group, current_sectors),
        locations=areas,
    )


def _as_actors(pairs: list[tuple[int, int]]) -> list[tuple[Actor, int]]:
    by_pk = Actor.objects.in_bulk([actor_id for actor_id, _ in pairs])
    return [(by_pk[actor_id], role) for actor_id, role in pairs]


def _actor_for(ref: OrgRef, *, funding: bool, created: list[Actor]) -> Actor:
    """The organisation's actor: the one found at planning, found again now (an earlier programme of this
    import may have created it), or a new one."""
    if ref.actor is not None:
        return ref.actor
    actor = find_actor(identifier=ref.code, name=ref.name)
    if actor is None:
        actor = new_actor(name=ref.name or ref.code, code=ref.code, funding=funding)
        created.append(actor)
    return actor
