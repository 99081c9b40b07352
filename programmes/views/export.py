"""Downloads of the programme list as it is filtered on the page (IATI XML; HXL lives beside it)."""

from nexus_portal.querysets import VIEW
from programmes.interop.iati_export import streaming_response
from programmes.models import Programme
from programmes.views.listing import ProgrammeListView


class ProgrammeIatiExportView(ProgrammeListView):
    """The list page's programmes (same restriction, filters and order) as IATI 2.03 activity XML."""

    http_method_names = ["get", "head"]

    def base_queryset(self):
        # The list's query without its display columns (flag counts, locations): the export fetches its own.
        return Programme.objects.restrict(self.request.user, VIEW)

    def get(self, request, *args, **kwargs):
        return streaming_response(self.get_queryset(), user=request.user)
