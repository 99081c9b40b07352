from django.urls import path

from reference import views

app_name = "reference"
urlpatterns = [
    path("areas/", views.area_picker, name="areas"),
    path("sectors/", views.sector_picker, name="sectors"),
]
