from nexus_portal.api.tokens import ApiToken

__all__ = ["ApiToken"]
