"""Shared goals: list, detail, create and edit; the invitations waiting for the user's actors."""

from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from coordination.filtersets import GoalFilterSet
from coordination.forms_goals import GoalForm
from coordination.models import GoalCommitment, SharedGoal
from coordination.selectors_goals import goal_detail, goal_list, invitations_for
from coordination.services_goals import actors_user_edits, horizon_warning
from nexus_portal.views_base import OnceOnlyCreateView, RestrictedDetailView, RestrictedListView, RestrictedUpdateView

# (sort key or None, column heading); the keys are the whitelist RestrictedListView accepts.
GOAL_COLUMNS = [
    ("title", _("Goal")),
    (None, _("Areas")),
    (None, _("Pillars")),
    ("convener", _("Convening actor")),
    ("status", _("Status")),
    ("horizon", _("Horizon")),
    (None, _("Progress to target")),
    ("committed", _("Committed actors")),
]


def sortable_columns(columns, current: str) -> list[dict]:
    """Each heading with the sort it links to (ascending first, then descending) and its aria-sort."""
    result = []
    for key, label in columns:
        ascending, descending = key is not None and current == key, key is not None and current == f"-{key}"
        result.append(
            {
                "key": key,
                "label": label,
                "numeric": key == "committed",
                "next": f"-{key}" if ascending else key,  # None: not sortable
                "aria_sort": "ascending" if ascending else "descending" if descending else "",
            }
        )
    return result


class GoalListView(RestrictedListView):
    model = SharedGoal
    filterset_class = GoalFilterSet
    template_name = "coordination/goals/list.html"
    context_object_name = "goals"
    orderings = {
        "title": "title",
        "convener": "convening_actor__name",
        "status": "status",
        "horizon": "horizon_end",
        "committed": "committed",
    }
    default_ordering = "title"

    def base_queryset(self):
        return goal_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = sortable_columns(GOAL_COLUMNS, context["sort"])
        context["can_create"] = actors_user_edits(self.request.user).exists()
        context["filtered"] = bool(self.filterset and self.filterset.is_bound and self.filterset.form.has_changed())
        return context


class GoalDetailView(RestrictedDetailView):
    model = SharedGoal
    template_name = "coordination/goals/detail.html"
    context_object_name = "goal"

    def get_queryset(self):
        return SharedGoal.objects.select_related("convening_actor")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(goal_detail(user=self.request.user, goal=self.object))
        return context


class _GoalFormMixin:
    model = SharedGoal
    form_class = GoalForm
    template_name = "coordination/goals/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def warn_about_horizon(self) -> None:
        warning = horizon_warning(self.object) if getattr(self, "object", None) else None
        if warning:
            messages.warning(self.request, warning)


class GoalCreateView(_GoalFormMixin, OnceOnlyCreateView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = actors_user_edits(self.request.user).exists()
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        self.warn_about_horizon()
        return response


class GoalUpdateView(_GoalFormMixin, RestrictedUpdateView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_create": True}

    def form_valid(self, form):
        response = super().form_valid(form)
        self.warn_about_horizon()
        return response


class InvitationListView(RestrictedListView):
    model = GoalCommitment
    template_name = "coordination/goals/invitations.html"
    context_object_name = "invitations"

    def base_queryset(self):
        return invitations_for(user=self.request.user)

    def ordering_fields(self) -> list[str]:
        return ["-committed_on", "pk"]
