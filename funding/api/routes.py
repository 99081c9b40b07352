from funding.api.views import AgreementViewSet, RequestViewSet, TrancheViewSet

ROUTES = [
    ("agreements", AgreementViewSet, "api-agreement"),
    ("tranches", TrancheViewSet, "api-tranche"),
    ("requests", RequestViewSet, "api-request"),
]
