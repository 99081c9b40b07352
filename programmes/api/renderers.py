"""Renderers for programme downloads over the API."""

from rest_framework.renderers import BaseRenderer, JSONRenderer


class IatiXmlRenderer(BaseRenderer):
    """Declares application/xml for the IATI export. The export itself is a StreamingHttpResponse that
    no renderer touches; errors are JSON, with the one error shape of the API (see the viewset)."""

    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data, renderer_context=renderer_context)
