from django.urls import path

from programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.ProgrammeListView.as_view(), name="list"),
    path("new/", views.ProgrammeCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ProgrammeDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ProgrammeUpdateView.as_view(), name="update"),
    path("actors/", views.actor_picker, name="actor_picker"),
    path("pillars/", views.pillar_suggestion_view, name="pillar_suggestion"),
]
