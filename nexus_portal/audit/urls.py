from django.urls import path

from nexus_portal.audit import views

app_name = "audit"

urlpatterns = [
    path("<slug:app_label>/<slug:model_name>/<int:pk>/", views.history, name="history"),
]
