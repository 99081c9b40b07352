from actors.api.views import ActorDuplicateViewSet, ActorMergeViewSet, ActorViewSet, MembershipViewSet

ROUTES = [
    ("actors", ActorViewSet, "actor"),
    ("memberships", MembershipViewSet, "membership"),
    ("actor-duplicates", ActorDuplicateViewSet, "actor-duplicate"),
    ("actor-merges", ActorMergeViewSet, "actor-merge"),
]
