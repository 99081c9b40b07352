"""Programme links between actors: propose and confirm (the goals journey owns these pages)."""

from django.urls import path  # noqa: F401

app_name = "links"
urlpatterns: list = []
