"""The flag inbox as an HXL-tagged download (CSV or XLSX), with the inbox's restriction, filters and order.

The rows are built in programmes/interop/hxl_export.py, beside the programmes' 3W export.
"""

from coordination.views.flags import FlagListView
from programmes.interop.hxl_export import flags_response


class FlagHxlExportView(FlagListView):
    http_method_names = ["get", "head"]
    file_format = "csv"

    def get(self, request, *args, **kwargs):
        return flags_response(self.get_queryset(), file_format=self.file_format, build_url=request.build_absolute_uri)
