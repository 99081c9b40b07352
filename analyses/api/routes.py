from analyses.api.views import AnalysisViewSet, ContextEventViewSet

ROUTES = [
    ("analyses", AnalysisViewSet, "api-analysis"),
    ("context-events", ContextEventViewSet, "api-context-event"),
]
