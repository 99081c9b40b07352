"""Reads for the programme pages: list columns, everything on the detail page, pillar suggestions.

Each read has a fixed number of queries whatever the number of rows (tests assert it).
"""

from collections.abc import Iterable

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch

from actors.access import actor_ids
from actors.choices import MembershipRole
from actors.models import Actor
from analyses.choices import AnalysisStatus
from analyses.models import Analysis
from coordination.choices import Severity
from coordination.models import Contribution, Flag
from funding.models import FundingAgreement
from nexus_portal.querysets import CHANGE
from programmes.filtersets import open_flags_for_user
from programmes.models import Programme, ProgrammeLink, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from programmes.pillars import derive_pillars
from programmes.services import DAC_VOCABULARIES
from reference.models import Area, Sector
from reference.selectors import describe_areas

SEVERITY_RANK = Case(
    *(When(severity=severity, then=Value(rank)) for rank, severity in enumerate(reversed(Severity.values))),
    output_field=IntegerField(),
)


def editable_actors(user) -> QuerySet[Actor]:
    """Actors the user may report programmes for: where they are an editor or a manager."""
    return Actor.objects.filter(pk__in=actor_ids(user, MembershipRole.EDITOR)).order_by("name")


def can_change(user, programme: Programme) -> bool:
    return Programme.objects.restrict(user, CHANGE).filter(pk=programme.pk).exists()


def with_list_columns(queryset: QuerySet[Programme], *, user) -> QuerySet[Programme]:
    """Reporting actor, locations and the count of open flags this user may see: three queries a page."""
    open_flags = open_flags_for_user(user).order_by().values("subject_id").annotate(count=Count("pk")).values("count")
    return (
        queryset.select_related("reporting_actor")
        .prefetch_related(Prefetch("locations", queryset=Area.objects.order_by("path")))
        .annotate(open_flag_count=Coalesce(Subquery(open_flags, output_field=IntegerField()), 0))
    )


def pillar_suggestion(*, humanitarian: bool, sector_ids: Iterable) -> list[str]:
    """The pillars the portal would derive for these sectors and humanitarian flag, in H-D-P order."""
    ids = [int(pk) for pk in sector_ids if str(pk).isdigit()]
    codes = Sector.objects.filter(pk__in=ids, vocabulary__in=DAC_VOCABULARIES).values_list("code", flat=True)
    pillars = derive_pillars(humanitarian=humanitarian, dac_codes=list(codes) if ids else [])
    return [pillar for pillar in "HDP" if pillar in pillars]


def url_of(obj) -> str | None:
    """The page of a related object, if its journey has one yet (links appear as pages are added)."""
    try:
        return obj.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        return None


def programme_detail(*, programme: Programme, user) -> dict:
    """Everything the detail page shows about one programme, limited to what this user may see."""
    locations = list(
        Area.objects.filter(pk__in=ProgrammeLocation.objects.filter(programme=programme).values("area_id")).order_by(
            "path"
        )
    )
    labels = describe_areas(locations)
    return {
        "participants": ProgrammeParticipant.objects.filter(programme=programme)
        .select_related("actor")
        .order_by("role", "actor__name"),
        "sector_shares": ProgrammeSector.objects.filter(programme=programme)
        .select_related("sector")
        .order_by("sector__vocabulary", "-percentage", "sector__code"),
        "locations": [{"area": area, "label": labels[area.pk]} for area in locations],
        "links": _links(programme),
        "contributions": [
            {"goal": contribution.goal, "description": contribution.description, "url": url_of(contribution.goal)}
            for contribution in Contribution.objects.filter(programme=programme).select_related("goal")
        ],
        "agreements": [
            {"agreement": agreement, "url": url_of(agreement)}
            for agreement in FundingAgreement.objects.restrict(user)
            .filter(funded_programmes=programme)
            .select_related("donor", "recipient")
        ],
        "analyses": _covering_analyses(locations, user=user),
        "flags": [
            {"flag": flag, "url": url_of(flag)}
            for flag in Flag.objects.restrict(user)
            .open()
            .filter(subject_type__app_label="programmes", subject_type__model="programme", subject_id=programme.pk)
            .annotate(severity_rank=SEVERITY_RANK)
            .order_by("severity_rank", "rule", "pk")
        ],
        "can_change": can_change(user, programme),
    }


def _links(programme: Programme) -> list[dict]:
    links = ProgrammeLink.objects.filter(Q(from_programme=programme) | Q(to_programme=programme)).select_related(
        "from_programme", "to_programme"
    )
    rows = []
    for link in links.order_by("-created_at", "pk"):
        other = link.to_programme if link.from_programme_id == programme.pk else link.from_programme
        rows.append({"link": link, "other": other, "outgoing": link.from_programme_id == programme.pk})
    return rows


def _covering_analyses(locations: list[Area], *, user) -> list[dict]:
    """Current analyses whose scope equals or contains a location: metadata for every signed-in user,
    the title and a link only where this user may read the content."""
    covering_codes = {code for area in locations for code in area.ancestor_pcodes}
    if not covering_codes:
        return []
    scope_through = Analysis.scope_areas.through
    covering = scope_through.objects.filter(area__pcode__in=covering_codes).values("analysis_id")
    analyses = list(
        Analysis.objects.coverage_for(user)
        .filter(pk__in=covering, status=AnalysisStatus.PUBLISHED, superseded_by__isnull=True)
        .prefetch_related(
            Prefetch("author_actors", queryset=Actor.objects.order_by("name")),
            Prefetch("scope_areas", queryset=Area.objects.order_by("path")),
        )
        .order_by("-conducted_on", "pk")
    )
    readable = dict(Analysis.objects.restrict(user).filter(pk__in=[a.pk for a in analyses]).values_list("pk", "title"))
    rows = []
    for analysis in analyses:
        title = readable.get(analysis.pk)
        rows.append({"analysis": analysis, "title": title, "url": url_of(analysis) if title is not None else None})
    return rows
