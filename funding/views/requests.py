"""Funding requests: list, detail with the decision history as a timeline, create, and decide."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from actors.access import actor_ids
from actors.choices import MembershipRole
from funding.filtersets import RequestFilterSet
from funding.forms import DecisionForm, RequestForm
from funding.models import FundingRequest
from funding.services import deciding_unit, may_decide
from nexus_portal.access import get_restricted_or_404
from nexus_portal.querysets import CHANGE
from nexus_portal.views_base import OnceOnlyCreateView, RestrictedDetailView, RestrictedListView


class RequestListView(RestrictedListView):
    model = FundingRequest
    filterset_class = RequestFilterSet
    template_name = "funding/request_list.html"
    context_object_name = "funding_requests"
    orderings = {"title": "title", "submitted": "submitted_on", "status": "status", "decided": "decision_date"}
    default_ordering = "-submitted_on"

    def base_queryset(self):
        return super().base_queryset().select_related("applicant", "submitted_to", "redirected_to")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        editor_of = actor_ids(self.request.user, MembershipRole.EDITOR)
        for funding_request in context["funding_requests"]:
            unit = deciding_unit(funding_request)
            funding_request.current_unit = unit
            funding_request.yours_to_decide = unit is not None and unit.pk in editor_of
        query = self.request.GET.copy()
        for key in ("page", "sort"):
            query.pop(key, None)
        context.update(
            filter_query=query.urlencode(),
            filtered=any(value for key, value in self.request.GET.items() if key not in ("page", "sort")),
            may_create=bool(editor_of),
        )
        return context


class RequestDetailView(RestrictedDetailView):
    model = FundingRequest
    template_name = "funding/request_detail.html"
    context_object_name = "funding_request"

    def get_queryset(self):
        return FundingRequest.objects.select_related("applicant", "submitted_to", "redirected_to", "programme")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        funding_request = self.object
        context.update(
            events=funding_request.events.select_related("unit", "redirected_to", "user").order_by("date", "pk"),
            current_unit=deciding_unit(funding_request),
            may_decide=may_decide(self.request.user, funding_request),
        )
        return context


class RequestCreateView(OnceOnlyCreateView):
    model = FundingRequest
    form_class = RequestForm
    template_name = "funding/request_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not actor_ids(request.user, MembershipRole.EDITOR):
            raise PermissionDenied(_("Only editors of an organisation can send funding requests."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class RequestDecideView(LoginRequiredMixin, FormView):
    """The unit the request is with approves, declines or redirects it. Anyone else: 404."""

    form_class = DecisionForm
    template_name = "funding/request_decide.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.funding_request = get_restricted_or_404(
            FundingRequest.objects.select_related("applicant", "submitted_to", "redirected_to", "programme"),
            request.user,
            CHANGE,
            pk=kwargs["pk"],
        )
        current = deciding_unit(self.funding_request)
        if current is None:
            messages.info(request, _("This request has already been decided."))
            return HttpResponseRedirect(self.funding_request.get_absolute_url())
        if not may_decide(request.user, self.funding_request):
            if not self._handled_by_users_unit():
                raise Http404("No FundingRequest matches the given query.")
            messages.info(request, _("This request has moved on to %(unit)s.") % {"unit": current})
            return HttpResponseRedirect(self.funding_request.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def _handled_by_users_unit(self) -> bool:
        """A unit that decided earlier (a redirect, say) is told where the request went, not shown a 404."""
        editor_of = actor_ids(self.request.user, MembershipRole.EDITOR)
        return self.funding_request.events.filter(unit_id__in=editor_of).exists()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.funding_request, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "funding_request": self.funding_request,
            "current_unit": deciding_unit(self.funding_request),
        }

    def form_valid(self, form):
        try:
            event = form.save()
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(self.request, " ".join(error.messages))
                return HttpResponseRedirect(self.funding_request.get_absolute_url())
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, DONE_MESSAGES[event.status])
        return HttpResponseRedirect(self.funding_request.get_absolute_url())


DONE_MESSAGES = {
    "approved": gettext_lazy("The request is approved. The applicant sees it on the request page."),
    "declined": gettext_lazy("The request is declined. The applicant sees your reason on the request page."),
    "redirected": gettext_lazy("The request is redirected. The unit you chose decides next."),
}
