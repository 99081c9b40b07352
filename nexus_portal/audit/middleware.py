"""Each request writes under an audit context: API under /api/, admin under /admin/, the pages otherwise."""

from django.urls import reverse

from nexus_portal.audit.choices import Interface
from nexus_portal.audit.context import audit_context, new_request_id


class AuditContextMiddleware:
    """After AuthenticationMiddleware. The user is read when an entry is written, not here: DRF
    authenticates a token inside the view (and then sets it on the underlying request)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._prefixes = None

    def __call__(self, request):
        with audit_context(
            interface=self.interface_of(request.path_info),
            user=lambda: getattr(request, "user", None),
            request_id=new_request_id(),
            ip=request.META.get("REMOTE_ADDR") or None,
        ):
            return self.get_response(request)

    def interface_of(self, path: str) -> str:
        if self._prefixes is None:
            self._prefixes = ((reverse("api-root"), Interface.API), (reverse("admin:index"), Interface.ADMIN))
        for prefix, interface in self._prefixes:
            if path.startswith(prefix):
                return interface
        return Interface.UI
