"""/api/docs/: Swagger UI (vendored by drf-spectacular-sidecar) under the site-wide Content Security Policy.

drf-spectacular's default view puts its start-up script and a <style> inline, which `script-src 'self'`
and `style-src 'self'` refuse. The "split" view serves that script from this same URL (?script) instead,
and our template (templates/api/swagger_ui.html) takes the page styles from static/css/swagger_ui.css.
Swagger UI itself then runs under the same policy as every other page (checked in headless Chromium,
including "Try it out": tests/security/test_csp_in_the_browser.py), so it needs no exception.
"""

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerUIView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
