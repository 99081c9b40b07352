"""Actors (a directory every signed-in user reads; managers edit theirs) and memberships."""

from rest_framework import exceptions

from actors.access import actor_ids, forget_actor_ids
from actors.api.filtersets import ActorFilterSet, MembershipFilterSet
from actors.api.serializers import ActorSerializer, MembershipSerializer
from actors.choices import MembershipRole
from actors.models import Actor, Membership
from nexus_portal.api.base import RestrictedViewSet


class ActorViewSet(RestrictedViewSet):
    """New organisations are registered by administrators, so only superusers create; nobody deletes here."""

    model = Actor
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet
    ordering_fields = ("name", "acronym", "kind", "localness", "updated_at")
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def optimise(self, queryset):
        return queryset.prefetch_related("countries")

    def may_create(self, user, validated_data) -> bool:
        return user.is_superuser


class MembershipViewSet(RestrictedViewSet):
    model = Membership
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
    ordering_fields = ("created_at", "role")

    def optimise(self, queryset):
        return queryset.select_related("user")

    def may_create(self, user, validated_data) -> bool:
        return user.is_superuser or validated_data["actor"].pk in actor_ids(user, MembershipRole.MANAGER)

    def perform_create(self, serializer):
        super().perform_create(serializer)
        forget_actor_ids(serializer.instance.user)

    def perform_destroy(self, instance):
        if instance.user_id == self.request.user.pk and not self.request.user.is_superuser:
            # A manager removing themselves could leave the actor with nobody to manage it.
            raise exceptions.PermissionDenied("You cannot remove your own membership.")
        instance.delete()
