from programmes.api.imports import ImportJobViewSet
from programmes.api.views import ProgrammeLinkViewSet, ProgrammeViewSet

ROUTES = [
    ("programmes", ProgrammeViewSet, "programme"),
    ("programme-links", ProgrammeLinkViewSet, "programme-link"),
    ("imports", ImportJobViewSet, "import-job"),
]
