"""Import pages: upload an IATI file, follow the job's progress, read its problems, list one's own jobs.

A job belongs to the user who started it: anyone else gets the same 404 as for a missing job. The
work runs in the background (programmes/interop/jobs.py); the detail page polls a small progress
fragment with htmx every two seconds until the job is finished, then reloads once to show the problems.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from django_htmx.http import HttpResponseClientRefresh

from nexus_portal.access import get_restricted_or_404
from nexus_portal.views_base import RestrictedDetailView, RestrictedListView
from programmes.interop.jobs import import_job_create, may_import
from programmes.models_imports import ImportChannel, ImportJob, ImportKind, ProblemLevel

PROBLEMS_PER_PAGE = 50


def job_url(job: ImportJob) -> str:
    """Where a job is followed: HXL spreadsheets have their own preview-and-confirm page."""
    if job.kind == ImportKind.HXL:
        try:
            return reverse("programmes:hxl_job", args=[job.pk])
        except NoReverseMatch:
            pass
    return job.get_absolute_url()


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("IATI activity file"),
        help_text=gettext_lazy(
            "An XML file of IATI activities, version 2.01, 2.02 or 2.03, as published on the IATI Registry or "
            "exported from your own system."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )


class ImportListView(RestrictedListView):
    """My imports: the jobs this user started, newest first."""

    model = ImportJob
    template_name = "programmes/imports/job_list.html"
    context_object_name = "jobs"
    default_ordering = "-created_at"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for job in context["jobs"]:
            job.url = job_url(job)
        return {**context, "may_import": may_import(self.request.user)}


class ImportCreateView(LoginRequiredMixin, FormView):
    form_class = ImportUploadForm
    template_name = "programmes/imports/job_form.html"
    extra_context = {"max_mb": settings.IATI_MAX_UPLOAD_MB}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_import(request.user):
            return render(request, "programmes/imports/not_allowed.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            job = import_job_create(
                user=self.request.user,
                kind=ImportKind.IATI,
                uploaded_file=form.cleaned_data["file"],
                channel=ImportChannel.UI,
            )
        except ValidationError as error:
            for message in getattr(error, "message_dict", {}).get("file", []) or error.messages:
                form.add_error("file", message)
            return self.form_invalid(form)
        messages.success(self.request, _("The file was accepted. The import runs in the background."))
        return HttpResponseRedirect(job.get_absolute_url())


class ImportDetailView(RestrictedDetailView):
    model = ImportJob
    template_name = "programmes/imports/job_detail.html"
    context_object_name = "job"

    def get(self, request, *args, **kwargs):
        job = self.get_object()
        if job_url(job) != job.get_absolute_url():
            return HttpResponseRedirect(job_url(job))
        self.object = job
        return self.render_to_response(self.get_context_data(object=job))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.object
        problems = job.problems.order_by("position", "pk").only("position", "identifier", "level", "message")
        page = Paginator(problems, PROBLEMS_PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(
            problems=page,
            warning_count=job.problems.filter(level=ProblemLevel.WARNING).count() if job.is_finished else None,
        )
        return context


@login_required
def import_progress(request, pk: int):
    """The progress fragment. When a job it was polling has finished, the page reloads to show the results."""
    job = get_restricted_or_404(ImportJob, request.user, "view", pk=pk)
    if job.is_finished and getattr(request, "htmx", False):
        return HttpResponseClientRefresh()
    return render(request, "programmes/imports/_progress.html", {"job": job})
