from django.urls import path

from actors import views

app_name = "actors"
urlpatterns = [
    path("", views.index, name="index"),
    path("duplicates/", views.DuplicateListView.as_view(), name="duplicates"),
    path("merge/<int:keep>/<int:duplicate>/", views.MergeView.as_view(), name="merge"),
    path("not-duplicate/<int:first>/<int:second>/", views.NotDuplicateView.as_view(), name="not_duplicate"),
    path("merges/", views.MergeHistoryView.as_view(), name="merges"),
]
