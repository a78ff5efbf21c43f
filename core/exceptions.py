from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from core.access import WriteForbidden


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record changed since you read it (If-Match does not match its ETag).")
    default_code = "precondition_failed"


class DatabaseBusy(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The database is busy with another write; retry in a moment.")
    default_code = "database_busy"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("Too many rows in one request.")
    default_code = "payload_too_large"


def registry_exception_handler(exc, context):
    """DRF's handler, plus: model validation is a 400 by field, a jurisdiction refusal a 403, and a
    constraint the database caught (a race past validation) a 400 rather than a 500, and a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE a 413 in JSON."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(
            detail=_("The request body exceeds the limit of %(limit)d bytes.")
            % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    elif isinstance(exc, WriteForbidden):
        detail = {exc.field: [exc.message]} if exc.field else exc.message
        exc = exceptions.PermissionDenied(detail=detail)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, OperationalError) and "locked" in str(exc).lower():
        # SQLite refuses a second writer's lock rather than deadlock (PostgreSQL waits instead).
        exc = DatabaseBusy()
        exc.wait = 1
    elif isinstance(exc, IntegrityError):
        exc = exceptions.ValidationError(
            detail={"non_field_errors": [_("The change conflicts with a stored record (%(error)s).") % {"error": exc}]}
        )
    return exception_handler(exc, context)
