from programmes.api.views import ProgrammeLinkViewSet, ProgrammeViewSet

ROUTES = [
    ("programmes", ProgrammeViewSet, "programme"),
    ("programme-links", ProgrammeLinkViewSet, "programme-link"),
]
