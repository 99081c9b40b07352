"""htmx endpoints of the programme form: actor search and the pillar suggestion."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from actors.models import Actor
from programmes.selectors import pillar_suggestion
from reference.views import MIN_QUERY_LENGTH, picker_results, search_text

PICKER_LIMIT = 20


@login_required
@require_GET
def actor_picker(request):
    query = search_text(request)
    actors = []
    if len(query) >= MIN_QUERY_LENGTH:
        matches = Actor.objects.restrict(request.user).filter(
            Q(name__icontains=query) | Q(acronym__icontains=query) | Q(iati_identifier__istartswith=query)
        )
        actors = list(matches.order_by("name", "pk")[:PICKER_LIMIT])
    results = [
        {"value": actor.pk, "code": actor.iati_identifier, "label": str(actor), "hint": actor.get_kind_display()}
        for actor in actors
    ]
    found = ngettext("%(count)s organisation found.", "%(count)s organisations found.", len(results)) % {
        "count": len(results)
    }
    none = _("No organisation matches “%(query)s”. Ask an administrator to add it.") % {"query": query}
    return picker_results(request, query, results, found=found, none=none)


@login_required
@require_GET
def pillar_suggestion_view(request):
    """The pillars the portal would derive from the sectors and flag currently in the form."""
    sector_ids = [
        value
        for key, value in request.GET.items()
        if key.startswith("sectors-") and key.endswith("-sector") and not request.GET.get(key[:-6] + "DELETE")
    ]
    humanitarian = request.GET.get("humanitarian") in ("on", "true", "1")
    suggested = pillar_suggestion(humanitarian=humanitarian, sector_ids=sector_ids)
    return render(request, "programmes/_pillar_suggestion.html", {"suggested_pillars": suggested})
