"""One analysis's content: detail, file download, create, edit and new version. Only readers reach these
(restrict(user) on every one); anyone else gets the same 404 as for an analysis that does not exist."""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from actors.access import actor_ids
from actors.choices import MembershipRole
from analyses.forms import SENSITIVITY_EXPLANATIONS, AnalysisForm, review_defaults
from analyses.models import Analysis
from analyses.uploads import download_name, file_type_of
from nexus_portal.access import get_restricted_or_404
from nexus_portal.querysets import CHANGE, VIEW
from nexus_portal.views_base import OnceOnlyCreateView, RestrictedDetailView, RestrictedUpdateView

# Fields a new version starts from (the dates start afresh: a new version is a new review).
CARRIED_OVER = (
    "title", "kind", "pillar_h", "pillar_d", "pillar_p", "method", "summary", "key_drivers", "recommendations",
    "status", "sensitivity",
)  # fmt: skip


class AnalysisDetailView(RestrictedDetailView):
    model = Analysis
    template_name = "analyses/analysis_detail.html"
    context_object_name = "analysis"

    def dispatch(self, request, *args, **kwargs):
        # Public published analyses are for everyone; restrict(anonymous) lets only those through.
        return super(LoginRequiredMixin, self).dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Analysis.objects.select_related("created_by").prefetch_related(
            "scope_areas", "author_actors", "shared_with_actors", "shared_with_users"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        analysis, user = self.object, self.request.user
        readable = Analysis.objects.restrict(user, VIEW)
        newer = Analysis.objects.filter(supersedes=analysis).only("pk").first()
        context.update(
            today=timezone.localdate(),
            may_change=Analysis.objects.restrict(user, CHANGE).filter(pk=analysis.pk).exists(),
            sensitivity_explanation=SENSITIVITY_EXPLANATIONS[analysis.sensitivity],
            previous=readable.filter(pk=analysis.supersedes_id).only("pk", "title").first(),
            has_hidden_previous=bool(analysis.supersedes_id),
            newer=readable.filter(pk=newer.pk).only("pk", "title").first() if newer else None,
            has_newer=newer is not None,
            file_type=file_type_of(analysis.attached_file.name) if analysis.attached_file else None,
        )
        return context


@require_GET
def analysis_file(request, pk: int):
    """The attached file, only for readers of the analysis, always as a download (never rendered inline)."""
    analysis = get_restricted_or_404(Analysis, request.user, VIEW, pk=pk)
    if not analysis.attached_file:
        raise Http404("No file")
    file_type = file_type_of(analysis.attached_file.name)
    try:
        handle = analysis.attached_file.open("rb")
    except FileNotFoundError:
        raise Http404("No file") from None
    extension = file_type.extension if file_type else ""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(analysis.attached_file_name, extension),
        content_type=file_type.content_type if file_type else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class AnalysisFormMixin:
    model = Analysis
    form_class = AnalysisForm
    template_name = "analyses/analysis_form.html"
    supersedes = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "supersedes": self.supersedes}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "sensitivity_explanations": SENSITIVITY_EXPLANATIONS,
            "review_defaults": review_defaults(),
            "supersedes": self.supersedes,
        }

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            # Rare: the check passed, then someone else acted first (another new version, say).
            form.add_error(None, error)
            return self.form_invalid(form)

    def form_invalid(self, form):
        if "submission_id" in form.data:
            # A fresh id, so that sending the corrected form is not taken for a repeat.
            form.data = form.data.copy()
            form.data["submission_id"] = uuid.uuid4().hex
        return super().form_invalid(form)


class AnalysisCreateView(AnalysisFormMixin, OnceOnlyCreateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not actor_ids(request.user, MembershipRole.EDITOR):
            raise PermissionDenied(_("Only editors of an organisation can add analyses."))
        return super().dispatch(request, *args, **kwargs)


class AnalysisNewVersionView(AnalysisCreateView):
    """A new analysis pre-filled from an older one that it supersedes; the older one stays."""

    template_name = "analyses/analysis_form.html"

    def get(self, request, *args, **kwargs):
        return self._already_replaced() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._already_replaced() or super().post(request, *args, **kwargs)

    def _already_replaced(self):
        self.supersedes = get_restricted_or_404(Analysis, self.request.user, CHANGE, pk=self.kwargs["pk"])
        newer = Analysis.objects.filter(supersedes=self.supersedes).only("pk").first()
        if newer is None:
            return None
        messages.info(self.request, _("This analysis already has a newer version; change that one instead."))
        readable = Analysis.objects.restrict(self.request.user).filter(pk=newer.pk).exists()
        return HttpResponseRedirect((newer if readable else self.supersedes).get_absolute_url())

    def get_initial(self):
        old, editor_of = self.supersedes, actor_ids(self.request.user, MembershipRole.EDITOR)
        authors = list(old.author_actors.all())
        return {
            **super().get_initial(),
            **{name: getattr(old, name) for name in CARRIED_OVER},
            "conducted_on": timezone.localdate(),
            "scope_areas": list(old.scope_areas.all()),
            "shared_with_actors": list(old.shared_with_actors.all()),
            "shared_with_users": list(old.shared_with_users.all()),
            "own_authors": [actor for actor in authors if actor.pk in editor_of],
            "co_authors": [actor for actor in authors if actor.pk not in editor_of],
        }


class AnalysisUpdateView(AnalysisFormMixin, RestrictedUpdateView):
    pass
