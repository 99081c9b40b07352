from django.urls import path

from analyses import views

app_name = "analyses"
urlpatterns = [
    path("", views.AnalysisLibraryView.as_view(), name="list"),
    path("new/", views.AnalysisCreateView.as_view(), name="create"),
    path("<int:pk>/", views.AnalysisDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.AnalysisUpdateView.as_view(), name="edit"),
    path("<int:pk>/new-version/", views.AnalysisNewVersionView.as_view(), name="new_version"),
    path("<int:pk>/file/", views.analysis_file, name="file"),
]
