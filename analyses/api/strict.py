"""Write payloads must not carry fields the endpoint ignores: a typo would otherwise be dropped silently."""

from rest_framework import serializers


class RejectUnknownFields:
    """Mixin for serializers: a key that is not a writable field is a 400 naming that key."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError({name: ["This field is not known."] for name in unknown})
        return super().to_internal_value(data)
