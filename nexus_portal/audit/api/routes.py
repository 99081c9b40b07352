from nexus_portal.audit.api.views import HistoryViewSet

ROUTES = [("history", HistoryViewSet, "history")]
