"""Norad's coordination dashboard: one country on one date, every metric with its trend and its records.

The figures are cached per flag run (coordination/selectors/dashboard_summary.py) and so is their HTML:
scorecards and charts per user scope and language, the 3W matrix per language and filter for everyone.
A cached page costs the session, the user, the country's run, the latest flag event and (for partners)
their actors: five small queries, and no template work for the figures.
"""

import hashlib
import zlib

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.generic import TemplateView

from actors.access import actor_ids, is_reviewer
from actors.models import Actor
from coordination.forms_flags import DashboardForm, ThreeWFilterForm
from coordination.selectors.dashboard_cards import scorecards
from coordination.selectors.dashboard_charts import chart_data, three_w_matrix
from coordination.selectors.dashboard_summary import (
    CACHE_SECONDS,
    dashboard_countries_cached,
    dashboard_figures,
    dashboard_version,
    latest_run,
)
from coordination.selectors.drilldown import flags_url

FIGURES_TEMPLATE = "coordination/dashboard/_figures.html"
THREE_W_TEMPLATE = "coordination/dashboard/_three_w.html"
FRAGMENT_TEMPLATES = (
    FIGURES_TEMPLATE,
    THREE_W_TEMPLATE,
    "coordination/dashboard/_scorecard.html",
    "coordination/dashboard/_chart.html",
)
_template_version: str | None = None


def template_version() -> str:
    """A hash of the fragments' templates: a deploy that changes them never serves the old HTML."""
    global _template_version
    if _template_version is None:
        sources = "".join(get_template(name).template.source for name in FRAGMENT_TEMPLATES)
        _template_version = hashlib.sha256(sources.encode()).hexdigest()[:12]
    return _template_version


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "coordination/dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = latest_run()
        countries = dashboard_countries_cached(latest)
        context["countries"] = countries
        if not countries:
            return context
        form = DashboardForm(self._form_data(countries), countries=countries)
        context["form"] = form
        if not form.is_valid():
            return context
        country, as_of = form.cleaned_data["country"], form.cleaned_data["as_of"]
        user = self.request.user
        version = dashboard_version(user=user, country_code=country, as_of=as_of, latest=latest)
        figures = dashboard_figures(user=user, country_code=country, as_of=as_of, version=version)
        three_w_form = ThreeWFilterForm(self.request.GET, families=figures.three_w.families)
        pillar, family = three_w_form.selected()
        context.update(
            figures=figures,
            country_name=dict(countries)[country],
            three_w_form=three_w_form,
            flag_inbox_url=flags_url(country=country),
            sees_everything=is_reviewer(user),
        )
        language = get_language() or "-"
        context["figures_html"] = self._fragment(
            context,
            FIGURES_TEMPLATE,
            version.key("page", language, template_version()),
            lambda: {"cards": scorecards(figures), "charts": chart_data(figures)},
        )
        # Scope-free: the matrix counts programmes, not what the user may see. A filter value the form
        # refused is shown with its error, so that page is not cached.
        three_w_key = version.key("programmes", "three-w", language, pillar or "-", family or "-", template_version())
        context["three_w_html"] = self._fragment(
            context,
            THREE_W_TEMPLATE,
            three_w_key if not three_w_form.errors else None,
            lambda: {"three_w": three_w_matrix(figures, pillar=pillar, family=family)},
        )
        return context

    def _fragment(self, context: dict, template: str, key: str | None, compute) -> str:
        """The fragment's HTML from the cache (zlib: the 3W matrix is ~150 KB of HTML), else rendered and
        stored. What `compute` adds is also left in the page's context (tests read it)."""
        packed = cache.get(key) if key else None
        if packed is not None:
            return mark_safe(zlib.decompress(packed).decode())
        context.update(compute())
        html = render_to_string(template, context, request=self.request)
        if key:
            cache.set(key, zlib.compress(html.encode(), 1), CACHE_SECONDS)
        return mark_safe(html)

    def _form_data(self, countries):
        """The chosen country and date, defaulting to today and to a country of the user's organisations."""
        data = self.request.GET.copy()
        if not data.get("country"):
            data["country"] = self._default_country(countries)
        if not data.get("as_of"):
            data["as_of"] = timezone.localdate().isoformat()
        return data

    def _default_country(self, countries) -> str:
        codes = [code for code, _name in countries]
        own = Actor.countries.through.objects.filter(actor_id__in=actor_ids(self.request.user))
        own_codes = set(own.values_list("area__country_code", flat=True))
        return next((code for code in codes if code in own_codes), codes[0])
