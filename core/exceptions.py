import functools
import re

from django.apps import apps
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError, models
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
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


# SQLite names the columns of a unique constraint, or the name of a check constraint, in its message.
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>[\w.]+(?:, [\w.]+)*)")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (?P<name>\w+)")
_SQLITE_NOT_NULL = re.compile(r"NOT NULL constraint failed: (?P<table>\w+)\.(?P<column>\w+)")
# PostgreSQL's detail of a unique violation: Key (uscc)=(...) already exists.
_POSTGRES_KEY = re.compile(r"Key \((?P<columns>[^)]*)\)=")


@functools.cache
def _constraints_by_name() -> dict:
    return {
        constraint.name: (model, constraint) for model in apps.get_models() for constraint in model._meta.constraints
    }


@functools.cache
def _models_by_table() -> dict:
    # A proxy (an admin worklist) shares its concrete model's table: the concrete model speaks for it.
    return {model._meta.db_table: model for model in apps.get_models() if not model._meta.proxy}


def _field_names(model, columns) -> list[str]:
    by_column = {field.column: field.name for field in model._meta.concrete_fields}
    return [by_column.get(column, column) for column in columns]


def _constraint_detail(model, constraint) -> dict:
    if isinstance(constraint, models.UniqueConstraint):
        fields = list(constraint.fields)
    else:
        condition = getattr(constraint, "condition", None)
        fields = sorted(condition.referenced_base_fields) if isinstance(condition, models.Q) else []
    key = fields[0] if len(fields) == 1 else api_settings.NON_FIELD_ERRORS_KEY
    return {key: [constraint.get_violation_error_message()]}


def _unique_detail(model, fields: list[str]) -> dict:
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and sorted(constraint.fields) == sorted(fields):
            return _constraint_detail(model, constraint)
    key = fields[0] if len(fields) == 1 else api_settings.NON_FIELD_ERRORS_KEY
    return {key: [_("A record with this value already exists.")]}


def integrity_error_detail(error: IntegrityError) -> dict:
    """What a constraint the database caught (a race past validation) says, by field, in the
    constraint's own words: never the database's text, which names tables and values."""
    diag = getattr(error.__cause__, "diag", None)  # PostgreSQL (psycopg)
    text = str(error)
    if diag is not None:
        found = _constraints_by_name().get(diag.constraint_name or "")
        if found:
            return _constraint_detail(*found)
        model = _models_by_table().get(diag.table_name or "")
        key_match = _POSTGRES_KEY.search(diag.message_detail or "")
        if model is not None and key_match:
            return _unique_detail(model, _field_names(model, [c.strip() for c in key_match["columns"].split(",")]))
        if model is not None and diag.column_name:
            return {_field_names(model, [diag.column_name])[0]: [_("This field is required.")]}
    elif match := _SQLITE_CHECK.search(text):
        found = _constraints_by_name().get(match["name"])
        if found:
            return _constraint_detail(*found)
    elif match := _SQLITE_UNIQUE.search(text):
        pairs = [column.rsplit(".", 1) for column in match["columns"].split(", ")]
        model = _models_by_table().get(pairs[0][0]) if len(pairs[0]) == 2 else None
        if model is not None:
            return _unique_detail(model, _field_names(model, [column for _table, column in pairs]))
    elif match := _SQLITE_NOT_NULL.search(text):
        model = _models_by_table().get(match["table"])
        if model is not None:
            return {_field_names(model, [match["column"]])[0]: [_("This field is required.")]}
    return {api_settings.NON_FIELD_ERRORS_KEY: [_("The change conflicts with a stored record.")]}


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
        exc = exceptions.ValidationError(detail=integrity_error_detail(exc))
    return exception_handler(exc, context)
