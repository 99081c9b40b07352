"""Dirty marks: which countries' flags must be re-checked after a change.

Connected to model signals so that every channel that writes (forms, API, admin, imports) marks
the countries it touched, in the same transaction as the change. After commit a re-check is
enqueued; if that fails (Redis down), the marks stay in the database and the next run sweeps them.
A blank country code marks the global rules only (funding requests, for instance).

A change to one programme (the programme, its locations, sectors, participants, links or goal
contributions) marks only the areas it works in (its locations' p-codes, old and new) and those of
the programmes it hands over to: the re-check then evaluates the regions of those areas, or only the
areas themselves for flags about pairs and areas (see `coordination/engine/scope.py`), plus the
rules that look at the whole country. Everything else (analyses, events, funding, goals, actors)
marks whole countries.
"""

import contextvars
import logging
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

logger = logging.getLogger(__name__)
GLOBAL_MARK = ""
_deferred: contextvars.ContextVar[bool] = contextvars.ContextVar("nexus_rechecks_deferred", default=False)


def mark_dirty(marks: Iterable[str | tuple[str, str] | None]) -> None:
    """Mark whole countries (ISO-2 codes; blank or None for the global rules) or areas ((code, p-code))."""
    from coordination.models import DirtyCountry

    rows = {mark if isinstance(mark, tuple) else (mark or GLOBAL_MARK, "") for mark in marks}
    if not rows:
        return
    now = timezone.now()
    DirtyCountry.objects.bulk_create(
        [DirtyCountry(country_code=code, region=region, marked_at=now) for code, region in sorted(rows)],
        update_conflicts=True,
        unique_fields=["country_code", "region"],
        update_fields=["marked_at"],
    )
    if not _deferred.get():
        _schedule_once()


def _schedule_once() -> None:
    """One re-check per transaction, however many rows it changed."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(callback is enqueue_recheck for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(enqueue_recheck)


def enqueue_recheck() -> None:
    """Start the incremental re-check; a write must never fail because background work can't start."""
    from coordination.engine.runner import RunBusy
    from coordination.tasks import recheck_dirty_countries, run_recheck

    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            run_recheck()
        except RunBusy:
            logger.info("flag re-check deferred: another run is writing; the marks stay for it")
        except Exception:
            logger.exception("in-process flag re-check failed; the marks stay for the next run")
        return
    try:
        # ignore_result: nobody waits for it, and subscribing to its result would retry for 20 s with Redis down.
        recheck_dirty_countries.apply_async(
            countdown=getattr(settings, "FLAG_RECHECK_DELAY_SECONDS", 5), ignore_result=True
        )
    except Exception:
        logger.warning("could not enqueue a flag re-check (broker down?); the next run sweeps the marks")


@contextmanager
def deferred_rechecks(*, enqueue: bool = True):
    """For bulk writes (demo data, imports): record marks, enqueue one re-check at the end (none with
    `enqueue=False`: the marks then wait for the next run, as when the broker is down)."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
    if enqueue:
        transaction.on_commit(enqueue_recheck)


# -- which countries a change touches -----------------------------------------------------------
def countries_of_programmes(programme_ids) -> set[str]:
    from programmes.models import ProgrammeLocation

    rows = ProgrammeLocation.objects.filter(programme_id__in=programme_ids).order_by()
    return set(rows.values_list("area__country_code", flat=True).distinct())


def areas_of_programmes(programme_ids) -> set[tuple[str, str]]:
    """(country, p-code) of every location of these programmes."""
    from programmes.models import ProgrammeLocation

    rows = ProgrammeLocation.objects.filter(programme_id__in=programme_ids).order_by()
    return set(rows.values_list("area__country_code", "area__pcode"))


def area_mark(area_id) -> set[tuple[str, str]]:
    from reference.models import Area

    return set(Area.objects.filter(pk=area_id).order_by().values_list("country_code", "pcode"))


def _programme_areas(programme) -> set[tuple[str, str]]:
    """Where a programme works, and where the programmes it hands over to work: their no-exit-strategy
    flags read its pillars through a confirmed sequenced link."""
    from programmes.choices import LinkStatus, LinkType
    from programmes.models import ProgrammeLink

    links = ProgrammeLink.objects.filter(status=LinkStatus.CONFIRMED, link_type=LinkType.SEQUENCED).order_by()
    partners = {
        *links.filter(from_programme_id=programme.pk).values_list("to_programme_id", flat=True),
        *links.filter(to_programme_id=programme.pk).values_list("from_programme_id", flat=True),
    }
    return areas_of_programmes([programme.pk, *partners])


def countries_of_areas(area_ids) -> set[str]:
    from reference.models import Area

    return set(Area.objects.filter(pk__in=area_ids).order_by().values_list("country_code", flat=True).distinct())


def _goal_countries(goal_id) -> set[str]:
    from coordination.models import SharedGoal

    return countries_of_areas(SharedGoal.areas.through.objects.filter(sharedgoal_id=goal_id).values("area_id"))


def _analysis_countries(analysis_id) -> set[str]:
    from analyses.models import Analysis

    return countries_of_areas(Analysis.scope_areas.through.objects.filter(analysis_id=analysis_id).values("area_id"))


def _agreement_countries(agreement_id) -> set[str]:
    """Its own countries, else its funded programmes', else (a sub-grant) its parent's, as the rules count it."""
    from funding.models import FundingAgreement

    seen = set()
    while agreement_id is not None and agreement_id not in seen:
        seen.add(agreement_id)
        direct = FundingAgreement.countries.through.objects.filter(fundingagreement_id=agreement_id)
        funded = FundingAgreement.funded_programmes.through.objects.filter(fundingagreement_id=agreement_id)
        codes = countries_of_areas(direct.values("area_id")) | countries_of_programmes(funded.values("programme_id"))
        if codes:
            return codes
        agreement_id = FundingAgreement.objects.filter(pk=agreement_id).values_list("parent_id", flat=True).first()
    return set()


def _actor_countries(actor) -> set[str]:
    """An actor's localness, principles or parent feed rules wherever it works or is funded."""
    from funding.models import FundingAgreement
    from programmes.models import Programme, ProgrammeParticipant

    operating = actor.countries.through.objects.filter(actor_id=actor.pk).values("area_id")
    reported = Programme.objects.filter(reporting_actor_id=actor.pk).values("pk")
    joined = ProgrammeParticipant.objects.filter(actor_id=actor.pk).values("programme_id")
    agreements = FundingAgreement.objects.filter(Q(donor_id=actor.pk) | Q(recipient_id=actor.pk)).values("pk")
    funded_areas = FundingAgreement.countries.through.objects.filter(fundingagreement_id__in=agreements)
    return (
        countries_of_areas(operating)
        | countries_of_programmes(reported)
        | countries_of_programmes(joined)
        | countries_of_areas(funded_areas.values("area_id"))
        | {GLOBAL_MARK}
    )


# What a change marks: country codes (the whole country; "" for the global rules) or (country, p-code) pairs.
AFFECTED = {
    "programmes.Programme": _programme_areas,
    # The location's own area (old or new) and the programme's other areas: its flags there may move.
    "programmes.ProgrammeLocation": lambda o: area_mark(o.area_id) | areas_of_programmes([o.programme_id]),
    "programmes.ProgrammeSector": lambda o: areas_of_programmes([o.programme_id]),
    "programmes.ProgrammeParticipant": lambda o: areas_of_programmes([o.programme_id]),
    "programmes.ProgrammeLink": lambda o: areas_of_programmes([o.from_programme_id, o.to_programme_id]),
    "coordination.SharedGoal": lambda o: _goal_countries(o.pk) | {GLOBAL_MARK},
    "coordination.GoalCommitment": lambda o: {GLOBAL_MARK},
    "coordination.GoalProgress": lambda o: {GLOBAL_MARK},
    "coordination.Contribution": lambda o: areas_of_programmes([o.programme_id]) | {GLOBAL_MARK},
    "analyses.Analysis": lambda o: _analysis_countries(o.pk),
    "analyses.ContextEvent": lambda o: countries_of_areas([o.area_id]),
    "funding.FundingAgreement": lambda o: _agreement_countries(o.pk) | {GLOBAL_MARK},
    "funding.Tranche": lambda o: _agreement_countries(o.agreement_id),
    "funding.FundingRequest": lambda o: {GLOBAL_MARK},
    "funding.FundingRequestEvent": lambda o: {GLOBAL_MARK},
    "actors.Actor": _actor_countries,
}
M2M_FIELDS = [
    ("coordination.SharedGoal", "areas"),
    ("analyses.Analysis", "scope_areas"),
    ("funding.FundingAgreement", "countries"),
    ("funding.FundingAgreement", "funded_programmes"),
]


def _countries_of(model, pks) -> set[str]:
    if model._meta.label == "reference.Area":
        return countries_of_areas(pks)
    if model._meta.label == "programmes.Programme":
        return countries_of_programmes(pks)
    return set()


def _on_change(sender, instance, **kwargs):
    if kwargs.get("raw"):  # loaddata: fixtures are not user changes
        return
    mark_dirty(AFFECTED[sender._meta.label](instance))


def _on_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    # pre_clear: the rows are still there, so the countries they pointed at can be read.
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # area.shared_goals.add(goal): the area (or programme) says where
        codes = _countries_of(type(instance), [instance.pk]) | {GLOBAL_MARK}
    else:
        codes = AFFECTED[type(instance)._meta.label](instance) | _countries_of(model, pk_set or [])
    mark_dirty(codes)


def connect() -> None:
    from django.apps import apps

    for label in AFFECTED:
        model = apps.get_model(label)
        post_save.connect(_on_change, sender=model, dispatch_uid=f"dirty-save-{label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"dirty-delete-{label}")
    for label, field_name in M2M_FIELDS:
        through = apps.get_model(label)._meta.get_field(field_name).remote_field.through
        m2m_changed.connect(_on_m2m, sender=through, dispatch_uid=f"dirty-m2m-{label}-{field_name}")
