"""Small security helpers wired in by settings (see docs/security.md)."""

from django.conf import settings
from django.shortcuts import render

LOCKED_OUT_STATUS = 429


def client_ip(request) -> str | None:
    """The client's address for login throttling (django-axes).

    Without a trusted proxy, REMOTE_ADDR: a client-sent X-Forwarded-For is ignored, so nobody escapes a
    lockout by inventing addresses. Behind TRUSTED_PROXY_COUNT proxies (BEHIND_TLS_PROXY), the address the
    outermost of them saw: X-Forwarded-For entries are appended left to right, so it is that many from the
    right; anything further left came from the client and is not trusted.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if not getattr(settings, "BEHIND_TLS_PROXY", False):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 1)
    # Fewer entries than proxies: the request did not come through them all; trust only the socket.
    return forwarded[-count] if len(forwarded) >= count else remote


def lockout_response(request, original_response=None, credentials=None):
    """The page shown while django-axes refuses sign-ins for a username from an address (429)."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(cooloff.total_seconds() / 60)) if cooloff else None
    response = render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=LOCKED_OUT_STATUS)
    if cooloff:
        response["Retry-After"] = str(int(cooloff.total_seconds()))
    return response
