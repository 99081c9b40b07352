from coordination.api import views

ROUTES = [
    ("goals", views.GoalViewSet, "goal"),
    ("commitments", views.CommitmentViewSet, "commitment"),
    ("contributions", views.ContributionViewSet, "contribution"),
    ("progress", views.ProgressViewSet, "progress"),
    ("flags", views.FlagViewSet, "flag"),
    ("flag-runs", views.FlagRunViewSet, "flag-run"),
    ("dashboard", views.DashboardViewSet, "dashboard"),
]
