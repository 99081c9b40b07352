"""Flag triage and the coordination dashboard. Every name starts with "flag" or "dashboard"."""

from django.urls import path

from coordination.views import dashboard, flags, flags_hxl

urlpatterns = [
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("flags/", flags.FlagListView.as_view(), name="flag_list"),
    path("flags/export.hxl.csv", flags_hxl.FlagHxlExportView.as_view(file_format="csv"), name="flag_export_hxl_csv"),
    path("flags/export.hxl.xlsx", flags_hxl.FlagHxlExportView.as_view(file_format="xlsx"), name="flag_export_hxl_xlsx"),
    path("flags/<int:pk>/", flags.FlagDetailView.as_view(), name="flag_detail"),
    path("flags/<int:pk>/acknowledge/", flags.FlagAcknowledgeView.as_view(), name="flag_acknowledge"),
    path("flags/<int:pk>/assign/", flags.FlagAssignView.as_view(), name="flag_assign"),
    path("flags/<int:pk>/dismiss/", flags.FlagDismissView.as_view(), name="flag_dismiss"),
    path("flags/<int:pk>/reopen/", flags.FlagReopenView.as_view(), name="flag_reopen"),
    path("flags/<int:pk>/note/", flags.FlagNoteView.as_view(), name="flag_note"),
]
