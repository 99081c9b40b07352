from django.urls import path

from programmes import views
from programmes.views import hxl, imports

app_name = "programmes"
urlpatterns = [
    path("", views.ProgrammeListView.as_view(), name="list"),
    path("export.xml", views.ProgrammeIatiExportView.as_view(), name="export_iati"),
    path("new/", views.ProgrammeCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ProgrammeDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ProgrammeUpdateView.as_view(), name="update"),
    path("actors/", views.actor_picker, name="actor_picker"),
    path("pillars/", views.pillar_suggestion_view, name="pillar_suggestion"),
    path("imports/", imports.ImportListView.as_view(), name="imports"),
    path("imports/new/", imports.ImportCreateView.as_view(), name="import_new"),
    path("imports/<int:pk>/", imports.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    # HXL 3W spreadsheets (programmes/views/hxl.py)
    path("imports/hxl/new/", hxl.HxlUploadView.as_view(), name="hxl_import"),
    path("imports/hxl/<int:pk>/", hxl.hxl_job_view, name="hxl_job"),
    path("imports/hxl/<int:pk>/confirm/", hxl.hxl_confirm, name="hxl_confirm"),
    path("imports/hxl/<int:pk>/cancel/", hxl.hxl_cancel, name="hxl_cancel"),
    path("export.hxl.csv", hxl.ProgrammeHxlExportView.as_view(file_format="csv"), name="export_hxl_csv"),
    path("export.hxl.xlsx", hxl.ProgrammeHxlExportView.as_view(file_format="xlsx"), name="export_hxl_xlsx"),
]
