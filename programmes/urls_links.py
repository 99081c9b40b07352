"""Programme links between actors: propose and confirm (the goals journey owns these pages)."""

from django.urls import path

from programmes import views_links

app_name = "links"
urlpatterns = [
    path("", views_links.LinkListView.as_view(), name="list"),
    path("propose/", views_links.LinkProposeView.as_view(), name="propose"),
    path("programmes/", views_links.ProgrammeSearchView.as_view(), name="programme_search"),
    path("<int:pk>/confirm/", views_links.LinkAnswerView.as_view(answer="confirm"), name="confirm"),
    path("<int:pk>/decline/", views_links.LinkAnswerView.as_view(answer="decline"), name="decline"),
    path("<int:pk>/remove/", views_links.LinkRemoveView.as_view(), name="remove"),
]
