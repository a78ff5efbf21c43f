"""A list as a table for people: one column per serializer field, headers and values in the active language.

Values come from the serializer's own `to_representation`, so an export shows exactly what the JSON
list shows (personal data masked per record by `core.api.serializers.RegistrySerializer`), then made
readable: choice values as their labels, booleans as 是/否, dates and timestamps as dates, numbers as
numbers.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.utils.encoders import JSONEncoder

YES = _("Yes")
NO = _("No")


def model_field_for(serializer: serializers.Serializer, field: serializers.Field):
    """The model field a serializer field reads, if it reads one directly (else None)."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    source = getattr(field, "source", None) or field.field_name
    if model is None or not source or source == "*" or "." in source:
        return None
    try:
        return model._meta.get_field(source)
    except FieldDoesNotExist:
        return None


def field_header(serializer: serializers.Serializer, name: str, field: serializers.Field):
    """The column's header (lazy): the model field's verbose name, else the serializer field's label."""
    model_field = model_field_for(serializer, field)
    verbose = getattr(model_field, "verbose_name", None)
    if verbose:
        return verbose
    return field.label or name


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    field: serializers.Field
    header: Any

    def header_text(self) -> str:
        return capfirst(str(self.header))

    def readable(self, value):
        """The value as a person reads it: a label, 是/否, a date, a number, or text (None when empty)."""
        return readable_value(self.field, value)


def _as_datetime(value) -> datetime.datetime | None:
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    return value.replace(microsecond=0)


def readable_value(field: serializers.Field, value):
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(field, serializers.BooleanField):
        return str(YES if value else NO)
    if isinstance(field, serializers.MultipleChoiceField):
        return "、".join(str(field.choices.get(item, item)) for item in value)
    if isinstance(field, serializers.ChoiceField):
        return str(field.choices.get(value, value))
    if isinstance(field, serializers.DateTimeField) or isinstance(value, datetime.datetime):
        return _as_datetime(value)
    if isinstance(field, serializers.DateField):
        return datetime.date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(field, serializers.DecimalField):
        return decimal.Decimal(value)
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, (int, float, decimal.Decimal, datetime.date)):
        return value
    if isinstance(value, (list, tuple, set)):
        return "、".join(str(item) for item in value if item is not None) or None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, cls=JSONEncoder)
    return str(value)


class ExportTable:
    """The columns of a serializer (or the subset `fields`, in that order) and the readable rows."""

    def __init__(self, serializer: serializers.Serializer, fields: Sequence[str] | None = None):
        self.serializer = serializer
        readable = {name: field for name, field in serializer.fields.items() if not field.write_only}
        names = list(fields) if fields else list(readable)
        unknown = [name for name in names if name not in readable]
        if unknown:
            raise ImproperlyConfigured(
                f"export_fields of {type(serializer).__name__} name fields it does not read: {', '.join(unknown)}"
            )
        self.columns = [Column(name, readable[name], field_header(serializer, name, readable[name])) for name in names]

    def headers(self) -> list[str]:
        return [column.header_text() for column in self.columns]

    def row(self, instance) -> list:
        data = self.serializer.to_representation(instance)
        return [column.readable(data.get(column.name)) for column in self.columns]
