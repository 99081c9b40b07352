"""Norad's coordination dashboard: one country on one date, every metric with its trend and its records."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.views.generic import TemplateView

from actors.access import actor_ids, is_reviewer
from actors.models import Actor
from coordination.forms_flags import DashboardForm, ThreeWFilterForm
from coordination.selectors.dashboard_cards import scorecards
from coordination.selectors.dashboard_charts import chart_data, three_w_matrix
from coordination.selectors.dashboard_summary import dashboard_figures
from coordination.selectors.drilldown import flags_url
from coordination.selectors.scope import dashboard_countries


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "coordination/dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        countries = dashboard_countries()
        context["countries"] = countries
        if not countries:
            return context
        form = DashboardForm(self._form_data(countries), countries=countries)
        context["form"] = form
        if not form.is_valid():
            return context
        country, as_of = form.cleaned_data["country"], form.cleaned_data["as_of"]
        figures = dashboard_figures(user=self.request.user, country_code=country, as_of=as_of)
        three_w_form = ThreeWFilterForm(self.request.GET, families=figures.three_w.families)
        pillar, family = three_w_form.selected()
        context.update(
            figures=figures,
            country_name=dict(countries)[country],
            cards=scorecards(figures),
            charts=chart_data(figures),
            three_w=three_w_matrix(figures, pillar=pillar, family=family),
            three_w_form=three_w_form,
            flag_inbox_url=flags_url(country=country),
            sees_everything=is_reviewer(self.request.user),
        )
        return context

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
