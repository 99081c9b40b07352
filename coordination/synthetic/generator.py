"""Run the phases in order, in one transaction, and mark the touched countries for a flag re-check."""

import time
from collections.abc import Callable
from datetime import date

from django.db import connection, transaction

from actors.models import Actor
from analyses.models import Analysis, ContextEvent
from coordination.dirty import GLOBAL_MARK, deferred_rechecks, mark_dirty
from coordination.models import Contribution, DirtyCountry, GoalCommitment, GoalProgress, SharedGoal
from coordination.synthetic.actors import build_actors
from coordination.synthetic.analyses import build_analyses
from coordination.synthetic.context import MARKER, Progress, Scale, Synth
from coordination.synthetic.funding import build_funding
from coordination.synthetic.goals import build_goals, build_links
from coordination.synthetic.places import available_countries, choose_countries, load_countries
from coordination.synthetic.programmes import build_programmes
from coordination.synthetic.requests import build_requests
from funding.models import FundingAgreement, FundingRequest, FundingRequestEvent, Tranche
from programmes.models import Programme, ProgrammeLink, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from reference.models import Area, Sector

# Tables the generator fills, and the reference tables the rules join them with.
ANALYSED = (
    Actor, Actor.countries.through, Programme, ProgrammeLocation, ProgrammeSector, ProgrammeParticipant,
    ProgrammeLink, SharedGoal, SharedGoal.areas.through, GoalCommitment, Contribution, GoalProgress, Analysis,
    Analysis.scope_areas.through, Analysis.author_actors.through, Analysis.shared_with_actors.through, ContextEvent,
    FundingAgreement, FundingAgreement.funded_programmes.through, FundingAgreement.countries.through, Tranche,
    FundingRequest, FundingRequestEvent, DirtyCountry, Area, Sector,
)  # fmt: skip


class MissingReferenceData(Exception):
    """The reference data (areas, sectors) is not loaded."""


class AlreadyGenerated(Exception):
    """Synthetic rows exist already; a second set would collide with their identifiers."""


class TooManyCountries(Exception):
    """More countries were asked for than the reference data has admin-2 areas for."""


def generate(
    *, programmes: int, countries: int, seed: int, as_of: date, write: Callable[[str], None], recheck: bool = True
) -> Synth:
    """Build the whole data set; returns the generator state (its progress holds the row counts).

    The touched countries are marked dirty; with `recheck` a re-check is enqueued after the commit
    (in-process without a broker), else the marks wait for the next run (a benchmark's full run, say).
    """
    available = available_countries()
    sectors = {
        (vocabulary, code): pk for pk, vocabulary, code in Sector.objects.values_list("pk", "vocabulary", "code")
    }
    if not available or not sectors:
        raise MissingReferenceData("no admin-2 areas or no sectors")
    if countries > len(available):
        raise TooManyCountries(
            f"asked for {countries} countries; the reference data has admin-2 areas for {len(available)}"
        )
    if (
        Programme.objects.filter(iati_identifier__startswith=MARKER).exists()
        or Actor.objects.filter(iati_identifier__startswith=MARKER).exists()
    ):
        raise AlreadyGenerated(MARKER)
    synth = Synth(scale=Scale(programmes, countries), seed=seed, as_of=as_of, progress=Progress(write))
    synth.sectors = sectors
    codes = choose_countries(synth.rng, countries, available)
    write(f"countries    {', '.join(codes)}")
    with transaction.atomic(), deferred_rechecks(enqueue=recheck):
        chosen, names = load_countries(synth.rng, codes)
        synth.use_countries(chosen)
        synth.area_names = names
        synth.actors = build_actors(synth)
        synth.programmes = build_programmes(synth)
        build_links(synth)
        build_goals(synth)
        build_analyses(synth)
        build_funding(synth)
        build_requests(synth)
        # bulk_create sends no signals: mark every country once, and the global rules.
        mark_dirty([*codes, GLOBAL_MARK])
        refresh_statistics(synth)
        synth.generated_seconds = synth.progress.elapsed  # before the commit starts the re-check
    return synth


def refresh_statistics(synth: Synth) -> None:
    """ANALYZE what was written. Until autovacuum gets round to it the planner believes the tables
    are nearly empty and picks nested loops: one rule-engine query went from 55 s to 0.1 s per country.
    Run inside the transaction (PostgreSQL samples the transaction's own new rows), so the re-check
    that starts at the commit already has good plans."""
    started = time.perf_counter()
    tables = [connection.ops.quote_name(model._meta.db_table) for model in ANALYSED]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
    synth.progress.done("statistics", started, tables_analysed=len(tables))
