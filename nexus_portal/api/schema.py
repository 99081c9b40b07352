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


ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error has this shape.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer", "example": 400},
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string", "example": "Some fields are not valid."},
                "fields": {
                    "type": "object",
                    "description": "Messages per field, for validation errors.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["status", "code", "message", "fields"],
        }
    },
    "required": ["error"],
}
ERRORS = {
    "400": "The request is not valid: malformed JSON, unknown fields, or field values that fail validation.",
    "401": "Not signed in, or the token is unknown or revoked.",
    "403": "Signed in, but not allowed: a read-only token writing, or a write the user may not make.",
    "404": "No such record, or one the user may not see (the two look the same).",
    "413": "The request body is larger than the portal accepts.",
}
WRITES = {"post", "put", "patch"}


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: document the one error shape on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = ["401", "403"]
            if "{" in path:
                codes.append("404")
            if method in WRITES:
                codes += ["400", "413"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"description": ERRORS[code], "content": reference})
    return result
