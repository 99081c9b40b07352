"""Coordination pages: shared goals (urls_goals), flags and the dashboard (urls_flags)."""

from coordination import urls_flags, urls_goals

app_name = "coordination"
urlpatterns = [*urls_goals.urlpatterns, *urls_flags.urlpatterns]
