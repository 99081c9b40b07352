from django.urls import path
from django.views.generic import RedirectView

from funding import views

app_name = "funding"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="funding:agreement_list"), name="index"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/new/", views.AgreementCreateView.as_view(), name="agreement_create"),
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.AgreementUpdateView.as_view(), name="agreement_edit"),
    path("requests/", views.RequestListView.as_view(), name="request_list"),
    path("requests/new/", views.RequestCreateView.as_view(), name="request_create"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/decide/", views.RequestDecideView.as_view(), name="request_decide"),
]
