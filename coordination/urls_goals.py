"""Shared goals (collective outcomes) and what hangs off them. Every name starts with "goal"."""

from django.urls import path

from coordination.views import goal_actions, goals

urlpatterns = [
    path("goals/", goals.GoalListView.as_view(), name="goal_list"),
    path("goals/new/", goals.GoalCreateView.as_view(), name="goal_create"),
    path("goals/invitations/", goals.InvitationListView.as_view(), name="goal_invitations"),
    path("goals/contribute/", goal_actions.ContributionAddView.as_view(), name="goal_contribute"),
    path("goals/<int:pk>/", goals.GoalDetailView.as_view(), name="goal_detail"),
    path("goals/<int:pk>/edit/", goals.GoalUpdateView.as_view(), name="goal_edit"),
    path("goals/<int:pk>/invite/", goal_actions.CommitmentInviteView.as_view(), name="goal_invite"),
    path("goals/<int:pk>/join/", goal_actions.GoalJoinView.as_view(), name="goal_join"),
    path("goals/<int:pk>/progress/", goal_actions.ProgressReportView.as_view(), name="goal_progress"),
    path(
        "goals/commitments/<int:pk>/respond/",
        goal_actions.CommitmentRespondView.as_view(),
        name="goal_commitment_respond",
    ),
    path(
        "goals/contributions/<int:pk>/remove/",
        goal_actions.ContributionRemoveView.as_view(),
        name="goal_contribution_remove",
    ),
]
