from django.db.models import F
from django.utils.translation import gettext_lazy as _

from nexus_portal.pagination import CappedPaginator, table_estimate
from nexus_portal.views_base import RestrictedListView
from programmes.filtersets import ProgrammeFilterSet
from programmes.interop.jobs import may_import
from programmes.models import Programme
from programmes.selectors import editable_actors, with_list_columns

# (heading, [(sort key, link text)], right-aligned). The dates column sorts three ways.
COLUMNS = [
    (_("Title"), [("title", _("Title"))], False),
    (_("Reported by"), [], False),
    (_("Pillars"), [], False),
    (_("Locations"), [], False),
    (_("Status"), [("status", _("Status"))], False),
    (_("Dates"), [("start", _("Start")), ("end", _("End")), ("updated", _("Updated"))], False),
    (_("Open flags"), [], True),
]
# Filters set through links from other pages (explicit ids) that the side form keeps as hidden fields.
ID_FILTERS = ("area_id", "sector_id", "actor", "reporting_actor_id")


class ProgrammeListView(RestrictedListView):
    model = Programme
    filterset_class = ProgrammeFilterSet
    template_name = "programmes/programme_list.html"
    orderings = {
        "title": "title",
        "start": "start_date",
        "end": "end_date",
        "status": "status",
        "updated": "updated_at",
    }
    default_ordering = "title"
    paginator_class = CappedPaginator  # no COUNT(*) over 100,000 programmes: "more than 1,000" / "about …"

    def get_paginator(self, queryset, per_page, **kwargs):
        # Every signed-in user sees every programme, so an unfiltered list is the whole table: its size is
        # PostgreSQL's row estimate ("about 100,000 programmes").
        estimate = None if self.is_filtered() else (lambda: table_estimate(Programme))
        return super().get_paginator(queryset, per_page, estimate=estimate, **kwargs)

    def is_filtered(self) -> bool:
        return any(value for key, value in self.request.GET.items() if key not in ("sort", "page"))

    def base_queryset(self):
        return with_list_columns(super().base_queryset(), user=self.request.user)

    def ordering_fields(self):
        # Programmes without dates go last both ways, on SQLite and PostgreSQL alike.
        first, *rest = super().ordering_fields()
        name = first.removeprefix("-")
        return [F(name).desc(nulls_last=True) if first.startswith("-") else F(name).asc(nulls_last=True), *rest]

    def get_template_names(self):
        # htmx swaps in the results when the filters change; a history restore needs the whole page.
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request:
            return ["programmes/_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            columns=self.columns(context["sort"]),
            filtered=self.is_filtered(),
            can_create=user.is_superuser or editable_actors(user).exists(),
            can_import=may_import(user),
            id_filters=self.id_filters(),
        )
        return context

    def id_filters(self) -> list[dict]:
        """Filters by id that came from a link: kept as hidden fields, shown with a way to drop each."""
        cleaned = getattr(self.filterset.form, "cleaned_data", {}) if self.filterset else {}
        rows = []
        for key in ID_FILTERS:
            if not self.request.GET.get(key):
                continue
            without = self.request.GET.copy()
            without.pop(key)
            without.pop("page", None)
            rows.append(
                {
                    "key": key,
                    "value": self.request.GET[key],
                    "label": self.filterset.filters[key].label,
                    "object": cleaned.get(key),
                    "remove_url": f"?{without.urlencode()}",
                }
            )
        return rows

    def columns(self, sort: str) -> list[dict]:
        """Column headings with the sort each link asks for and the state screen readers announce."""
        current, descending = sort.removeprefix("-"), sort.startswith("-")
        if current not in self.orderings:
            current, descending = self.default_ordering, False
        direction = "descending" if descending else "ascending"
        headings = []
        for label, sorts, numeric in COLUMNS:
            links = [
                {
                    "label": text,
                    "active": key == current,
                    "sort": f"-{key}" if key == current and not descending else key,
                    "direction": direction if key == current else None,
                }
                for key, text in sorts
            ]
            active = any(link["active"] for link in links)
            headings.append(
                {
                    "label": label,
                    "links": links,
                    "single": len(links) == 1,
                    "numeric": numeric,
                    "aria_sort": direction if active else None,
                }
            )
        return headings
