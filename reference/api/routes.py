from reference.api.views import AreaViewSet, CodeListItemViewSet, SectorViewSet

ROUTES = [
    ("areas", AreaViewSet, "area"),
    ("sectors", SectorViewSet, "sector"),
    ("codelists", CodeListItemViewSet, "codelist"),
]
