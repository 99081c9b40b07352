"""A record's history page: only for those who may see the record (anyone else gets the record's 404)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from nexus_portal.access import get_restricted_or_404
from nexus_portal.audit.models import AuditEntry
from nexus_portal.audit.presenters import history_groups
from nexus_portal.audit.registry import history_models
from nexus_portal.querysets import VIEW

PER_PAGE = 30


def history_model(app_label: str, model_name: str):
    """The model with a history page named by the URL, or 404 (child rows show on their parent's page)."""
    for model in history_models():
        if (model._meta.app_label, model._meta.model_name) == (app_label, model_name):
            return model
    raise Http404("No history for this kind of record.")


@require_GET
@login_required
def history(request, app_label: str, model_name: str, pk: int):
    model = history_model(app_label, model_name)
    record = get_restricted_or_404(model, request.user, VIEW, pk=pk)
    entries = AuditEntry.objects.for_record(record).select_related("user")
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/history.html",
        {
            "record": record,
            "record_kind": model._meta.verbose_name,
            "record_url": record.get_absolute_url() if hasattr(record, "get_absolute_url") else "",
            "page_obj": page,
            "groups": history_groups(page.object_list, request.user),
        },
    )
