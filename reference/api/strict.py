"""Shared by the reference, actors and programmes APIs: write payloads are parsed strictly.

A typo in a field name would otherwise be dropped silently and the client would think it saved.
Bodies above DATA_UPLOAD_MAX_MEMORY_SIZE are answered 413 in the API's error shape.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions, serializers, status


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The request body is larger than the allowed maximum."


class LimitedBodyMixin:
    """For viewsets: a body above DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 in the error shape.

    Django raises RequestDataTooBig when DRF reads the body; the shared error handler does not know
    it, so without this it would become Django's HTML 400 page.
    """

    def handle_exception(self, exc):
        if isinstance(exc, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            exc = PayloadTooLarge(f"The request body is too large: the maximum is {limit} bytes.")
        return super().handle_exception(exc)


class RejectUnknownFieldsMixin:
    """Raise a 400 naming every key the serializer does not accept for writing."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)
