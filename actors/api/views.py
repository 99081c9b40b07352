"""Actors (a directory every signed-in user reads; managers edit theirs) and memberships; possible duplicates,
merging a duplicate into an actor, and the merge history (same rules as the pages, see actors.merge)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from actors import merge as merging
from actors.access import actor_ids, forget_actor_ids
from actors.api.filtersets import ActorFilterSet, MembershipFilterSet
from actors.api.serializers import (
    ActorMergeSerializer,
    ActorSerializer,
    DuplicatePairSerializer,
    MembershipSerializer,
    MergeRequestSerializer,
)
from actors.choices import MembershipRole
from actors.dedup import CandidateList, candidate_rows
from actors.models import Actor, ActorMerge, Membership
from nexus_portal.api.base import RestrictedViewSet, WritesNeedAWritableToken


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

    @extend_schema(request=MergeRequestSerializer, responses={201: ActorMergeSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge another actor (`duplicate`) into this one: every reference moves here, then it is deleted.

        Administrators may; a manager of this actor may when every member of the duplicate already manages
        this actor. A pair the user has nothing to do with answers 404.
        """
        keep = self.get_object()
        serializer = MergeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        duplicate = serializer.validated_data["duplicate"]
        if not merging.may_view_pair(request.user, keep, duplicate):
            raise exceptions.NotFound()
        try:
            record = merging.actor_merge(user=request.user, keep=keep, duplicate=duplicate)
        except DjangoPermissionDenied as denied:
            raise exceptions.PermissionDenied(str(denied)) from None
        except DjangoValidationError as refused:
            raise serializers.ValidationError({"duplicate": refused.messages}) from None
        body = ActorMergeSerializer(record, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


class ActorDuplicateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Pairs of actors that are likely the same organisation, best first. Reviewers and administrators see
    every pair, managers the pairs of the actors they manage; others get 403."""

    serializer_class = DuplicatePairSerializer
    permission_classes = [IsAuthenticated, WritesNeedAWritableToken]
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        if not merging.may_see_duplicates(user):
            raise exceptions.PermissionDenied("Only reviewers and managers of an organisation see possible duplicates.")
        return CandidateList(candidate_rows(actor_ids=merging.duplicate_scope(user)))


class ActorMergeViewSet(RestrictedViewSet):
    """The merge history: every signed-in user reads it; merges are made with POST /api/actors/{id}/merge/."""

    model = ActorMerge
    serializer_class = ActorMergeSerializer
    filterset_fields = ("kept",)
    ordering_fields = ("pk", "created_at")
    http_method_names = ["get", "head", "options"]

    def optimise(self, queryset):
        return queryset.select_related("kept")


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
