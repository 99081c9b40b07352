"""/api/: one router for every app. Each app lists its endpoints in <app>/api/routes.py as ROUTES,
a list of (prefix, viewset, basename), so apps add endpoints without touching this file."""

import importlib

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from nexus_portal.api.docs import SwaggerUIView

APPS = ("reference", "actors", "programmes", "coordination", "analyses", "funding", "nexus_portal.audit")

router = DefaultRouter()
for app in APPS:
    try:
        routes = importlib.import_module(f"{app}.api.routes").ROUTES
    except ModuleNotFoundError as missing:
        if missing.name not in (f"{app}.api", f"{app}.api.routes"):
            raise
        continue
    for prefix, viewset, basename in routes:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerUIView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
