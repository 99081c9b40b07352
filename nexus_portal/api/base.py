"""The API's shared behaviour: the same visibility as the pages, writes only where the user may edit,
one JSON shape for every error, validation by the models' own rules.

A record the user may not see answers 404, like a missing one. Writes go through `full_clean()` (the
same messages as the forms) and a token marked read-only can never write.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, permissions, serializers, viewsets

from nexus_portal.querysets import CHANGE, DELETE, VIEW

SAFE = ("GET", "HEAD", "OPTIONS")


class WritesNeedAWritableToken(permissions.BasePermission):
    message = "This token is read-only."

    def has_permission(self, request, view):
        token = request.auth
        return request.method in SAFE or token is None or not getattr(token, "read_only", False)


class RestrictedViewSet(viewsets.ModelViewSet):
    """List and read what restrict(user, "view") allows; change and delete what restrict(user, "change") allows.

    Subclasses set `model`, `serializer_class`, `filterset_class` and `optimise(queryset)` (select/prefetch,
    so list queries stay constant), and implement `may_create(user, validated_data)` for POST.
    """

    model = None
    permission_classes = [permissions.IsAuthenticated, WritesNeedAWritableToken]
    ordering_fields: tuple = ("pk",)

    def optimise(self, queryset):
        return queryset

    def get_queryset(self):
        action = {"PUT": CHANGE, "PATCH": CHANGE, "DELETE": DELETE}.get(self.request.method, VIEW)
        return self.optimise(self.model.objects.restrict(self.request.user, action)).order_by("pk")

    def may_create(self, user, validated_data) -> bool:
        return False

    def perform_create(self, serializer):
        if not self.may_create(self.request.user, serializer.validated_data):
            raise exceptions.PermissionDenied("You may not create this record for that organisation.")
        serializer.save()


class ValidatingSerializer(serializers.ModelSerializer):
    """Runs the model's full_clean() before saving: one set of rules for forms, API and imports."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        many_to_many = {
            name
            for name, field in self.fields.items()
            if isinstance(field, serializers.ManyRelatedField | serializers.ListSerializer)
        }
        instance = self.instance or self.Meta.model()
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(instance, name, value)
        try:
            instance.full_clean(exclude=list(many_to_many))
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None
        return attrs


class RejectUnknownFields:
    """Serializer mixin: a write payload naming a field the endpoint does not take is a 400 naming it,
    not silently dropped (a typo would otherwise look saved)."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data.keys()) - writable)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)
