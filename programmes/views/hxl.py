"""HXL 3W spreadsheets on the pages: upload → preview → confirm (or cancel), and the list as a download.

The preview is built in the background (hxl_jobs.preview_job); while it is, the page polls itself with
htmx. Once confirmed the job runs like any import and its page is the shared job page
(programmes:import_detail). A job belongs to the user who started it: others get a 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from nexus_portal.access import get_restricted_or_404
from nexus_portal.querysets import CHANGE, VIEW
from programmes.filtersets import country_choices
from programmes.interop import hxl_export, hxl_import, hxl_jobs, hxl_read
from programmes.interop.jobs import may_import
from programmes.models import Programme
from programmes.models_imports import ImportChannel, ImportJob, ImportKind, ImportStatus
from programmes.views.listing import ProgrammeListView

ACTION_LABELS = {
    hxl_import.CREATE: gettext_lazy("Create programme"),
    hxl_import.UPDATE: gettext_lazy("Update programme"),
    hxl_import.UNCHANGED: gettext_lazy("No change"),
    hxl_import.ERROR: gettext_lazy("Error: not imported"),
}
COLUMN_NOTES = {
    hxl_read.NOT_USED: gettext_lazy("not used"),
    hxl_read.DUPLICATE: gettext_lazy("not used: an earlier column has this hashtag"),
    hxl_read.NO_HASHTAG: gettext_lazy("not used: no hashtag"),
}


class HxlUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("3W spreadsheet"),
        help_text=gettext_lazy("A CSV (.csv) or Excel (.xlsx) file with a row of HXL hashtags under its headers."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    country = forms.ChoiceField(
        label=gettext_lazy("Country"),
        required=False,
        help_text=gettext_lazy(
            "Where area names are looked up. Leave it empty when the sheet has p-codes or a #country column."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country")), *country_choices()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            hxl_jobs.check_file(upload)
        except ValidationError as error:
            raise ValidationError(error.message_dict.get("file", error.messages)) from None
        return upload


class HxlUploadView(LoginRequiredMixin, FormView):
    form_class = HxlUploadForm
    template_name = "programmes/hxl/upload.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_import(request.user):
            return render(request, "programmes/hxl/not_allowed.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "max_mb": hxl_read.max_upload_bytes() // (1024 * 1024),
            "max_rows": hxl_read.max_rows(),
            "tags": [(hashtag, hxl_read.FIELD_LABELS[name]) for hashtag, name in TAG_HELP],
        }

    def form_valid(self, form):
        try:
            job = hxl_jobs.hxl_job_create(
                user=self.request.user,
                uploaded_file=form.cleaned_data["file"],
                channel=ImportChannel.UI,
                options={"country": form.cleaned_data.get("country") or ""},
            )
        except ValidationError as error:
            for message in getattr(error, "message_dict", {}).get("file", []) or error.messages:
                form.add_error("file", message)
            return self.form_invalid(form)
        except PermissionDenied:
            return render(self.request, "programmes/hxl/not_allowed.html", status=403)
        return HttpResponseRedirect(reverse("programmes:hxl_job", args=[job.pk]))


TAG_HELP = [
    ("#org+impl", hxl_read.ORG_IMPL),
    ("#org+impl+code", hxl_read.ORG_IMPL_CODE),
    ("#org+funding", hxl_read.ORG_FUNDING),
    ("#activity", hxl_read.TITLE),
    ("#activity+code", hxl_read.ACTIVITY_CODE),
    ("#sector", hxl_read.SECTOR),
    ("#subsector", hxl_read.SUBSECTOR),
    ("#country+code", hxl_read.COUNTRY),
    ("#adm1+code / #adm1+name", hxl_read.ADM1_CODE),
    ("#adm2+code / #adm2+name", hxl_read.ADM2_CODE),
    ("#date+start", hxl_read.START),
    ("#date+end", hxl_read.END),
    ("#status", hxl_read.STATUS),
    ("#value+budget", hxl_read.BUDGET),
    ("#currency", hxl_read.CURRENCY),
]


def _hxl_job(request, pk: int, action: str = VIEW) -> ImportJob:
    return get_restricted_or_404(ImportJob.objects.filter(kind=ImportKind.HXL), request.user, action, pk=pk)


@login_required
def hxl_job_view(request, pk: int):
    """The preview (or why there is none); a confirmed job is shown on the shared job page."""
    job = _hxl_job(request, pk)
    if job.status not in (*hxl_jobs.WAITING, ImportStatus.CANCELLED) and not (
        job.status == ImportStatus.FAILED and job.started_at is None
    ):
        return redirect("programmes:import_detail", pk=job.pk)
    preview = job.preview or {}
    context = {
        "job": job,
        "preview": preview,
        "columns": [_column(column) for column in preview.get("columns", [])],
        "rows": [_row(row) for row in preview.get("rows", [])],
        "counts": preview.get("counts", {}),
        "waiting": job.status == ImportStatus.PREVIEWING,
        "can_confirm": job.status == ImportStatus.PREVIEW_READY and preview.get("counts", {}).get("programmes"),
    }
    htmx = getattr(request, "htmx", None)
    template = "programmes/hxl/_job.html" if htmx and not htmx.history_restore_request else "programmes/hxl/job.html"
    return render(request, template, context)


def _column(column: dict) -> dict:
    name = column.get("field")
    note = column.get("note", "")
    return {
        **column,
        "maps_to": "" if note or not name else hxl_read.FIELD_LABELS.get(name, name),
        "note_text": COLUMN_NOTES.get(note, ""),
    }


def _row(row: dict) -> dict:
    programme = row.get("programme")
    return {
        **row,
        "action_label": ACTION_LABELS.get(row.get("action"), row.get("action")),
        "programme_url": Programme(pk=programme["id"]).get_absolute_url() if programme else "",
    }


@login_required
@require_POST
def hxl_confirm(request, pk: int):
    job = _hxl_job(request, pk, CHANGE)
    try:
        hxl_jobs.hxl_job_confirm(user=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programmes:hxl_job", pk=job.pk)
    messages.success(request, _("Import confirmed. It runs in the background; this page shows its progress."))
    return redirect("programmes:import_detail", pk=job.pk)


@login_required
@require_POST
def hxl_cancel(request, pk: int):
    job = _hxl_job(request, pk, CHANGE)
    try:
        hxl_jobs.hxl_job_cancel(user=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programmes:hxl_job", pk=job.pk)
    messages.info(request, _("Import cancelled. Nothing was imported."))
    return redirect("programmes:imports")


class ProgrammeHxlExportView(ProgrammeListView):
    """The list page's programmes (same restriction, filters and order) as an HXL 3W sheet."""

    http_method_names = ["get", "head"]
    file_format = "csv"

    def base_queryset(self):
        # Without the list's display columns (flag counts, locations): the export fetches its own.
        return Programme.objects.restrict(self.request.user, VIEW)

    def get(self, request, *args, **kwargs):
        return hxl_export.programmes_response(self.get_queryset(), file_format=self.file_format)
