"""Build the whole demo data set in one transaction, in an order where every builder finds what it needs."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from actors.models import Actor, User
from analyses.models import Analysis, ContextEvent
from coordination.dirty import deferred_rechecks
from coordination.models import Contribution, GoalCommitment, GoalProgress, SharedGoal
from funding.models import FundingAgreement, FundingRequest, FundingRequestEvent, Tranche
from nexus_portal.demo.actors import build_actors
from nexus_portal.demo.analyses import build_analyses
from nexus_portal.demo.cases import build_cases
from nexus_portal.demo.context import DemoContext, load_context
from nexus_portal.demo.funding import build_funding
from nexus_portal.demo.goals import attach_contributions, build_background_goals
from nexus_portal.demo.places import required_pcodes
from nexus_portal.demo.programmes import build_background_links, build_background_programmes
from nexus_portal.demo.users import build_users
from programmes.models import Programme, ProgrammeLink

COUNTED = (
    Actor,
    User,
    Programme,
    ProgrammeLink,
    SharedGoal,
    GoalCommitment,
    Contribution,
    GoalProgress,
    Analysis,
    ContextEvent,
    FundingAgreement,
    Tranche,
    FundingRequest,
    FundingRequestEvent,
)


def load_demo(as_of: date) -> dict[str, int]:
    """Create the demo data relative to `as_of`; returns row counts by model (verbose plural name).

    Raises MissingReferenceData when an area or sector is not loaded; nothing is written then.
    The rule engine re-checks the touched countries once, after the commit, not after every row.
    """
    with transaction.atomic(), deferred_rechecks():
        ctx = load_context(as_of, required_pcodes())
        build_actors(ctx)
        build_users(ctx)
        build_background_programmes(ctx)
        build_cases(ctx)
        build_background_goals(ctx)
        attach_contributions(ctx)
        build_background_links(ctx)
        build_analyses(ctx)
        build_funding(ctx)
        apply_edit_dates(ctx)
    return {str(model._meta.verbose_name_plural): model.objects.count() for model in COUNTED}


def apply_edit_dates(ctx: DemoContext) -> None:
    """Backdate each programme's created/updated times relative to the as-of date.

    updated_at is auto_now, so this must come after every save; bulk_update writes the values as given.
    """
    noon = timezone.make_aware(datetime.combine(ctx.as_of, time(12)))
    programmes = list(Programme.objects.filter(pk__in=ctx.last_edited).only("pk", "start_date"))
    for programme in programmes:
        updated = noon - timedelta(days=ctx.last_edited[programme.pk])
        planned = timezone.make_aware(datetime.combine(programme.start_date, time(9))) - timedelta(days=60)
        programme.updated_at = updated
        programme.created_at = min(updated, planned)
    Programme.objects.bulk_update(programmes, ["created_at", "updated_at"], batch_size=200)
