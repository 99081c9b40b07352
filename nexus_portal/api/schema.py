"""OpenAPI extensions: describe the bearer tokens so the schema documents how to authenticate."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "nexus_portal.api.tokens.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A named API token created at /accounts/tokens/ (read-only unless made writable).",
        }
