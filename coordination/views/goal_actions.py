"""What people do to a goal: invite and join (commitments), answer invitations, link programmes
(contributions) and report progress. Each page finds its object through `restrict()` (404 when the
user may not act on it) and writes through a service."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from coordination.choices import CommitmentRole
from coordination.forms_goals import ContributionForm, InviteForm, JoinForm, ProgressForm, RespondForm
from coordination.models import Contribution, SharedGoal
from coordination.services_goals import (
    answerable_commitments,
    commitment_accept,
    commitment_decline,
    commitment_invite,
    commitment_join,
    contribution_add,
    contribution_remove,
    progress_report,
)
from nexus_portal.access import get_restricted_or_404
from nexus_portal.querysets import CHANGE, DELETE, VIEW


class ServiceFormView(LoginRequiredMixin, FormView):
    """A form whose valid data goes to one service; the service's ValidationError shows on the form."""

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class GoalFormView(ServiceFormView):
    """A form about one goal; `goal_action` is what the user needs on it ("view" or "change")."""

    goal_action = VIEW
    anchor = ""

    @cached_property
    def goal(self) -> SharedGoal:
        queryset = SharedGoal.objects.select_related("convening_actor")
        return get_restricted_or_404(queryset, self.request.user, self.goal_action, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.goal  # noqa: B018 -- 404 before anything else when the goal is hidden
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "goal": self.goal}

    def get_success_url(self):
        return self.goal.get_absolute_url() + self.anchor


class CommitmentInviteView(GoalFormView):
    goal_action = CHANGE
    form_class = InviteForm
    template_name = "coordination/goals/invite.html"
    anchor = "#commitments"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "goal": self.goal}

    def perform(self, form):
        data = form.cleaned_data
        commitment_invite(
            user=self.request.user, goal=self.goal, actor=data["actor"], role=data["role"], text=data["text"]
        )
        self.success_message = _("%(actor)s is invited. Its editors will see the invitation.") % {
            "actor": data["actor"]
        }


class GoalJoinView(GoalFormView):
    form_class = JoinForm
    template_name = "coordination/goals/join.html"
    anchor = "#commitments"
    success_message = _("Your organisation has committed to the goal.")

    def get_form_kwargs(self):
        may_lead = SharedGoal.objects.restrict(self.request.user, CHANGE).filter(pk=self.goal.pk).exists()
        return {**super().get_form_kwargs(), "user": self.request.user, "goal": self.goal, "may_lead": may_lead}

    def get_initial(self):
        return {"role": CommitmentRole.CONTRIBUTOR}

    def perform(self, form):
        data = form.cleaned_data
        commitment_join(
            user=self.request.user, goal=self.goal, actor=data["actor"], role=data["role"], text=data["text"]
        )


class CommitmentRespondView(ServiceFormView):
    """Accept or decline an invitation, with a text (the two buttons of one form)."""

    form_class = RespondForm
    template_name = "coordination/goals/respond.html"

    @cached_property
    def commitment(self):
        queryset = answerable_commitments(self.request.user).select_related("goal__convening_actor", "actor")
        return get_restricted_or_404(queryset, self.request.user, CHANGE, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.commitment  # noqa: B018 -- 404 for anyone who does not answer for the invited actor
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"text": self.commitment.commitment_text}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "commitment": self.commitment, "goal": self.commitment.goal}

    def perform(self, form):
        accept = self.request.POST.get("answer") == "accept"
        answer = commitment_accept if accept else commitment_decline
        answer(user=self.request.user, commitment=self.commitment, text=form.cleaned_data["text"])
        if accept:
            self.success_message = _("%(actor)s has committed to the goal.") % {"actor": self.commitment.actor}
        else:
            self.success_message = _("You declined the invitation for %(actor)s.") % {"actor": self.commitment.actor}

    def get_success_url(self):
        return self.commitment.goal.get_absolute_url() + "#commitments"


class ContributionAddView(ServiceFormView):
    """ "This programme contributes to…": reached from a goal (?goal=) or from a programme (?programme=)."""

    form_class = ContributionForm
    template_name = "coordination/goals/contribute.html"
    success_message = _("The programme now counts as a contribution to the goal.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {key: self.request.GET[key] for key in ("goal", "programme") if self.request.GET.get(key, "").isdigit()}

    def perform(self, form):
        data = form.cleaned_data
        self.contribution = contribution_add(
            user=self.request.user, goal=data["goal"], programme=data["programme"], description=data["description"]
        )

    def get_success_url(self):
        return self.contribution.goal.get_absolute_url() + "#contributions"


class ContributionRemoveView(LoginRequiredMixin, View):
    """A confirmation page, then the removal (the programme's editors or the goal's owners)."""

    template_name = "coordination/goals/contribution_remove.html"

    def get_contribution(self):
        queryset = Contribution.objects.select_related("goal", "programme__reporting_actor")
        return get_restricted_or_404(queryset, self.request.user, DELETE, pk=self.kwargs["pk"])

    def get(self, request, pk):
        return render(request, self.template_name, {"contribution": self.get_contribution()})

    def post(self, request, pk):
        contribution = self.get_contribution()
        goal = contribution.goal
        contribution_remove(user=request.user, contribution=contribution)
        messages.success(request, _("The programme no longer counts as a contribution to the goal."))
        return HttpResponseRedirect(goal.get_absolute_url() + "#contributions")


class ProgressReportView(GoalFormView):
    goal_action = CHANGE
    form_class = ProgressForm
    template_name = "coordination/goals/progress.html"
    anchor = "#progress"
    success_message = _("Progress recorded.")

    def get_context_data(self, **kwargs):
        reports = self.goal.progress_reports.select_related("reported_by").order_by("-date")
        return {**super().get_context_data(**kwargs), "reports": reports}

    def perform(self, form):
        progress_report(user=self.request.user, goal=self.goal, **form.cleaned_data)
