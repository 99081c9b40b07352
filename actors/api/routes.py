from actors.api.views import ActorViewSet, MembershipViewSet

ROUTES = [
    ("actors", ActorViewSet, "actor"),
    ("memberships", MembershipViewSet, "membership"),
]
