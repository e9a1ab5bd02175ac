"""Error bodies of the API: every error carries a machine-readable ``code`` and a ``detail`` for a person."""
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from approvals.errors import WorkflowError

WORKFLOW_STATUS = {
    WorkflowError.NOT_ALLOWED_IN_STATE: status.HTTP_409_CONFLICT,
    WorkflowError.FORBIDDEN: status.HTTP_403_FORBIDDEN,
    WorkflowError.INVALID: status.HTTP_400_BAD_REQUEST,
    WorkflowError.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    WorkflowError.EXCEEDS_LICENCE: status.HTTP_409_CONFLICT,
    WorkflowError.LICENCE_NOT_ACTIVE: status.HTTP_409_CONFLICT,
}
FIELDS_NEED_ATTENTION = "Some fields need attention."


class RequestBodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than the server accepts."
    default_code = "too_large"


def _code_of(exc) -> str:
    if isinstance(exc, Http404):
        return "not_found"
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            return codes
    return "error"


def flat_field_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as ``{"lines.0.quantity": [...]}``, the keys the workflow services use."""
    if isinstance(errors, str):
        return {prefix: [str(errors)]}
    if isinstance(errors, dict):
        items = errors.items()
    elif isinstance(errors, list) and any(isinstance(item, dict | list) for item in errors):
        items = ((str(index), item) for index, item in enumerate(errors))
    else:
        return {prefix: [str(message) for message in errors]} if errors else {}
    flat: dict[str, list[str]] = {}
    for key, value in items:
        # A nested serializer's own errors belong to the field that holds it ("lines", not "lines.non_field_errors").
        if not prefix:
            name = str(key)
        elif key == api_settings.NON_FIELD_ERRORS_KEY:
            name = prefix
        else:
            name = f"{prefix}.{key}"
        flat.update(flat_field_errors(value, name))
    return flat


def api_exception_handler(exc, context):
    """Workflow refusals map to 409/403/400/404; DRF's own errors get the same ``code`` + ``detail`` shape.

    Validation errors keep DRF's ``{"field": ["message"]}`` entries next to ``code`` and ``detail``.
    """
    if isinstance(exc, WorkflowError):
        body = {**exc.field_errors, "code": exc.code, "detail": exc.message}
        return Response(body, status=WORKFLOW_STATUS.get(exc.code, status.HTTP_400_BAD_REQUEST))
    if isinstance(exc, RequestDataTooBig):
        # Django's DATA_UPLOAD_MAX_MEMORY_SIZE check, hit when DRF reads the body; Django alone would say 400.
        exc = RequestBodyTooLarge()
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        data = flat_field_errors(data if isinstance(data, dict) else {"non_field_errors": data})
        messages = data.get("non_field_errors")
        detail = messages[0] if isinstance(messages, list) and messages and isinstance(messages[0], str) \
            else FIELDS_NEED_ATTENTION
        response.data = {**data, "code": "invalid", "detail": str(detail)}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"code": _code_of(exc), "detail": str(data["detail"])}
    return response
