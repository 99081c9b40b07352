from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is larger than the portal accepts."
    default_code = "too_large"


def error_handler(exc, context):
    """Every error as {"error": {"status", "code", "message", "fields"}}."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = PayloadTooLarge(f"The request body is too large: the maximum is {limit} bytes.")
    response = exception_handler(exc, context)
    if response is None:
        return None
    fields = {}
    message = ""
    if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, dict):
        fields = {
            name: [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])] for name, msgs in response.data.items()
        }
        message = "Some fields are not valid."
    else:
        detail = response.data.get("detail", response.data) if isinstance(response.data, dict) else response.data
        message = str(detail)
    code = getattr(exc, "default_code", "error")
    response.data = {"error": {"status": response.status_code, "code": code, "message": message, "fields": fields}}
    return response
