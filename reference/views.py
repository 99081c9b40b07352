"""Search endpoints behind the area and sector pickers (htmx fragments).

Reference data is public (anyone reads it), so these answer without a sign-in too.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from reference.selectors import area_search, describe_areas, sector_search

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100


def search_text(request) -> str:
    return request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]


@require_GET
def area_picker(request):
    query = search_text(request)
    areas = area_search(query=query) if len(query) >= MIN_QUERY_LENGTH else []
    labels = describe_areas(areas)
    results = [{"value": area.pk, "code": area.pcode, "label": labels[area.pk]} for area in areas]
    found = ngettext("%(count)s area found.", "%(count)s areas found.", len(results)) % {"count": len(results)}
    none = _("No area matches “%(query)s”. Try part of the name or the p-code.") % {"query": query}
    return picker_results(request, query, results, found=found, none=none)


@require_GET
def sector_picker(request):
    query = search_text(request)
    sectors = sector_search(query=query) if len(query) >= MIN_QUERY_LENGTH else []
    results = [
        {
            "value": sector.pk,
            "code": sector.code,
            "label": f"{sector.code} {sector.name}",
            "hint": sector.get_vocabulary_display(),
        }
        for sector in sectors
    ]
    found = ngettext("%(count)s sector found.", "%(count)s sectors found.", len(results)) % {"count": len(results)}
    none = _("No sector matches “%(query)s”. Try a DAC code, a cluster code or part of a name.") % {"query": query}
    return picker_results(request, query, results, found=found, none=none)


def picker_results(request, query: str, results: list[dict], *, found: str, none: str):
    """The fragment every picker shows under its search box (also used for actors)."""
    if len(query) < MIN_QUERY_LENGTH:
        status = _("Type at least two characters to search.") if query else ""
    else:
        status = found if results else none
    return render(request, "reference/picker_results.html", {"results": results, "status": status})
