"""Programme links between actors: propose, answer (confirm or decline), remove.

Proposals wait for the other programme's editors; only confirmed links count for the rules.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from nexus_portal.access import get_restricted_or_404
from nexus_portal.querysets import CHANGE, DELETE
from nexus_portal.views_base import RestrictedListView
from programmes.choices import LinkStatus
from programmes.forms_links import LinkProposeForm, search_programmes
from programmes.models import Programme, ProgrammeLink
from programmes.services_links import answerable_links, link_confirm, link_decline, link_propose, link_remove

TABS = {
    "incoming": gettext_lazy("Waiting for your answer"),
    "sent": gettext_lazy("Proposed by you"),
    "confirmed": gettext_lazy("Confirmed links"),
}


def _own(user, side: str) -> Q:
    return Q(**{f"{side}__in": Programme.objects.restrict(user, CHANGE).values("pk")})


class LinkListView(RestrictedListView):
    """ "Link proposals for your programmes": what waits for you, what you sent, what holds."""

    model = ProgrammeLink
    template_name = "programmes/links/list.html"
    context_object_name = "links"

    @property
    def tab(self) -> str:
        show = self.request.GET.get("show", "")
        return show if show in TABS else "incoming"

    def base_queryset(self):
        user = self.request.user
        links = ProgrammeLink.objects.restrict(user).select_related(
            "from_programme__reporting_actor", "to_programme__reporting_actor", "proposed_by"
        )
        if self.tab == "incoming":
            return links.filter(pk__in=answerable_links(user).values("pk"))
        if self.tab == "sent":
            return links.filter(_own(user, "from_programme"), status__in=[LinkStatus.PROPOSED, LinkStatus.DECLINED])
        return links.filter(_own(user, "from_programme") | _own(user, "to_programme"), status=LinkStatus.CONFIRMED)

    def ordering_fields(self) -> list[str]:
        return ["-updated_at", "pk"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tabs"] = [{"key": key, "label": label, "current": key == self.tab} for key, label in TABS.items()]
        context["tab"] = self.tab
        context["waiting"] = answerable_links(self.request.user).count()
        return context


class LinkProposeView(LoginRequiredMixin, FormView):
    form_class = LinkProposeForm
    template_name = "programmes/links/propose.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        # ?from=<id> from a programme's page; the other keys come back from a search without JavaScript.
        query = self.request.GET
        initial = {
            key: query[key] for key in ("from_programme", "q", "to_programme", "link_type", "note") if key in query
        }
        if query.get("from", "").isdigit():
            initial["from_programme"] = query["from"]
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            link = link_propose(
                user=self.request.user,
                from_programme=data["from_programme"],
                to_programme=data["to_programme"],
                link_type=data["link_type"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if link.status == LinkStatus.CONFIRMED:
            messages.success(self.request, _("Both programmes are yours, so the link is confirmed."))
            return HttpResponseRedirect(reverse("links:list") + "?show=confirmed")
        messages.success(self.request, _("Link proposed. The other programme's editors will confirm or decline it."))
        return HttpResponseRedirect(reverse("links:list") + "?show=sent")


class ProgrammeSearchView(LoginRequiredMixin, View):
    """The <option>s of the "other programme" select, for htmx as the user types."""

    def get(self, request):
        from_id = request.GET.get("from_programme", "")
        matches = search_programmes(
            user=request.user, query=request.GET.get("q", ""), exclude_id=from_id if from_id.isdigit() else None
        )
        return render(request, "programmes/links/_programme_options.html", {"matches": matches})


class LinkAnswerView(LoginRequiredMixin, View):
    """Confirm or decline a proposal: only the other programme's editors find it (404 for others)."""

    answer = None

    def post(self, request, pk):
        link = get_restricted_or_404(answerable_links(request.user), request.user, CHANGE, pk=pk)
        if self.answer == "confirm":
            link_confirm(user=request.user, link=link)
            messages.success(request, _("Link confirmed: it now counts for the coordination rules."))
        else:
            link_decline(user=request.user, link=link)
            messages.success(request, _("Link declined."))
        return HttpResponseRedirect(reverse("links:list"))


class LinkRemoveView(LoginRequiredMixin, View):
    """A confirmation page, then the removal; editors of either programme may remove."""

    template_name = "programmes/links/remove.html"

    def get_link(self):
        queryset = ProgrammeLink.objects.select_related(
            "from_programme__reporting_actor", "to_programme__reporting_actor"
        )
        return get_restricted_or_404(queryset, self.request.user, DELETE, pk=self.kwargs["pk"])

    def next_url(self) -> str:
        candidate = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(candidate, {self.request.get_host()}, self.request.is_secure()):
            return candidate
        return reverse("links:list") + "?show=confirmed"

    def get(self, request, pk):
        return render(request, self.template_name, {"link": self.get_link(), "next": self.next_url()})

    def post(self, request, pk):
        link_remove(user=request.user, link=self.get_link())
        messages.success(request, _("Link removed."))
        return HttpResponseRedirect(self.next_url())
