"""The analyses library: what exists where (for every signed-in user), and the content for its readers.

Every row carries coverage metadata (kind, areas, dates, status, sensitivity, authors). The title is
selected only as `shown_title`, which is empty unless the user may read the analysis, so a template
cannot leak it by accident: `title` itself is deferred on these rows and never rendered. Named
(TLP:RED) analyses show metadata only, also to the people they name, who get a link to open them.
"""

from datetime import timedelta

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from actors.access import actor_ids
from actors.choices import MembershipRole
from actors.models import Actor
from analyses.choices import AnalysisStatus, Sensitivity
from analyses.filtersets import AnalysisFilterSet, live
from analyses.models import Analysis
from nexus_portal.views_base import RestrictedListView
from reference.models import Area

REVIEW_SOON_DAYS = 30
REVIEWS_SHOWN = 10
METADATA_FIELDS = ("pk", "kind", "conducted_on", "review_due", "status", "sensitivity", "supersedes")


def library_rows(user):
    """Coverage rows for signed-in users, public published ones for everybody else, marked readable or not."""
    if user.is_authenticated:
        rows = Analysis.objects.coverage_for(user)
    else:
        rows = Analysis.objects.restrict(user).only(*METADATA_FIELDS)
    readable = Analysis.objects.restrict(user).values("pk")
    return (
        rows.annotate(
            readable=Case(When(pk__in=readable, then=Value(True)), default=Value(False), output_field=BooleanField()),
            is_superseded=Exists(Analysis.objects.filter(supersedes=OuterRef("pk"))),
        )
        # Named (TLP:RED) titles stay off lists even for the named people: they open the page itself.
        .annotate(
            shown_title=Case(
                When(Q(readable=True) & ~Q(sensitivity=Sensitivity.NAMED), then=F("title")), default=Value("")
            )
        )
        .prefetch_related(
            Prefetch("scope_areas", queryset=Area.objects.only("pk", "pcode", "name", "level", "path")),
            Prefetch("author_actors", queryset=Actor.objects.only("pk", "name", "acronym")),
        )
    )


def reviews_due(user, *, today):
    """Published, current versions by the user's organisations whose review is due within 30 days or overdue."""
    authored = Analysis.author_actors.through.objects.filter(actor_id__in=actor_ids(user)).values("analysis_id")
    return (
        live(Analysis.objects.restrict(user))
        .filter(pk__in=authored, review_due__lte=today + timedelta(days=REVIEW_SOON_DAYS))
        .order_by("review_due", "pk")
        .only("pk", "title", "kind", "review_due", "sensitivity")
    )


class AnalysisLibraryView(RestrictedListView):
    model = Analysis
    filterset_class = AnalysisFilterSet
    template_name = "analyses/analysis_list.html"
    context_object_name = "analyses"
    orderings = {"kind": "kind", "conducted": "conducted_on", "review": "review_due", "status": "status"}
    default_ordering = "-conducted_on"

    def dispatch(self, request, *args, **kwargs):
        # Public published analyses are for everyone: skip the login requirement, library_rows decides.
        return super(LoginRequiredMixin, self).dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return library_rows(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        query = self.request.GET.copy()
        for key in ("page", "sort"):
            query.pop(key, None)
        context.update(
            today=today,
            filter_query=query.urlencode(),
            filtered=any(value for key, value in self.request.GET.items() if key not in ("page", "sort")),
            may_create=bool(actor_ids(user, MembershipRole.EDITOR)),
            statuses=AnalysisStatus,
        )
        if user.is_authenticated:
            due = reviews_due(user, today=today)
            context["reviews_due"] = list(due[:REVIEWS_SHOWN])
            context["reviews_due_count"] = due.count()
        return context
