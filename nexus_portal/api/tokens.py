"""Named API tokens for partner systems: shown once, stored as a hash, optionally read-only, revocable."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

PREFIX = "nxp_"
LAST_USED_PRECISION = timedelta(minutes=1)  # "last used" is recorded to the minute


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it, e.g. 'NGO database'."))
    key_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(_("read-only"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        app_label = "nexus_portal"
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @classmethod
    def issue(cls, *, user, name: str, read_only: bool = True) -> tuple["ApiToken", str]:
        """Create a token; the plain key is returned once and never stored."""
        key = PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, read_only=read_only, key_hash=hash_key(key)), key


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer nxp_...`. A revoked or unknown token fails the same way."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2 or not header[1].startswith(PREFIX):
            raise exceptions.AuthenticationFailed(_("Malformed token."))
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_key(header[1]), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        # At most one write a minute per token: a partner system paging through the API would otherwise
        # queue every request behind an UPDATE of the same row.
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
