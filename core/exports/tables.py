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
import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import get_override
from drf_spectacular.types import OpenApiTypes
from rest_framework import relations, serializers
from rest_framework.relations import PrimaryKeyRelatedField
from rest_framework.utils.encoders import JSONEncoder

from core.api.planned_lists import render_planned, render_rows, row_plan
from core.exports.resources import record_code_field

YES = _("Yes")
NO = _("No")
# Prefix of the annotations that carry the names of records shown by their codes.
NAME_ANNOTATION = "_export_name_of_"


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


def nested_serializer(field: serializers.Field) -> serializers.Serializer | None:
    """The serializer that shapes a nested value: a nested serializer field, or the one a
    SerializerMethodField declares for the OpenAPI schema (`@extend_schema_field(SomeSerializer(...))`)."""
    if isinstance(field, serializers.ListSerializer):
        return field.child
    if isinstance(field, serializers.Serializer):
        return field
    if isinstance(field, serializers.SerializerMethodField) and field.parent is not None:
        method = getattr(field.parent, field.method_name, None)
        declared = get_override(method, "field") if method is not None else None
        if isinstance(declared, type) and issubclass(declared, serializers.Serializer):
            declared = declared()
        if isinstance(declared, serializers.ListSerializer):
            return declared.child
        if isinstance(declared, serializers.Serializer):
            return declared
    return None


# A method field's declared OpenAPI type, as the field whose values it gives.
_DECLARED_TYPES = {
    OpenApiTypes.DATE: serializers.DateField,
    OpenApiTypes.DATETIME: serializers.DateTimeField,
    OpenApiTypes.BOOL: serializers.BooleanField,
}


def shown_as(serializer: serializers.Serializer, name: str, field: serializers.Field) -> serializers.Field:
    """The field whose kind says how a column's values read in a file: the serializer's `export_as` for
    the column (a grade stored as 4 shows as its label 4A), else, for a method field, the field or type
    it declares for the OpenAPI schema (a date as a date cell), else the field itself."""
    declared = getattr(serializer, "export_as", {}).get(name)
    if declared is not None:
        return declared
    if isinstance(field, serializers.SerializerMethodField) and field.parent is not None:
        method = getattr(field.parent, field.method_name, None)
        override = get_override(method, "field") if method is not None else None
        if isinstance(override, serializers.Field) and not isinstance(
            override, (serializers.Serializer, serializers.ListSerializer)
        ):
            return override
        if override in _DECLARED_TYPES:
            return _DECLARED_TYPES[override]()
    return field


def label_column_of(field: serializers.Field, choices: set[str]) -> bool:
    """Whether `field` is the label of a choice column among `choices` (`get_grade_display` beside
    `grade`): the file already shows that choice by its label, so the column would say it twice."""
    source = getattr(field, "source", None) or ""
    return source.startswith("get_") and source.endswith("_display") and source[4:-8] in choices


@dataclasses.dataclass
class CodeLookup:
    """A related record shown by its code (credit code, filing number) instead of its database id, looked
    up for a chunk of rows at a time."""

    model: type
    code: str
    attname: str
    codes: dict = dataclasses.field(default_factory=dict)

    def prepare(self, instances: Sequence) -> None:
        ids = {getattr(instance, self.attname, None) for instance in instances} - {None}
        self.codes = dict(self.model._base_manager.filter(pk__in=ids).values_list("pk", self.code)) if ids else {}


def code_lookup(serializer: serializers.Serializer, field: serializers.Field) -> CodeLookup | None:
    if not isinstance(field, PrimaryKeyRelatedField):
        return None
    model_field = model_field_for(serializer, field)
    if model_field is None or not model_field.many_to_one:
        return None
    code = record_code_field(model_field.related_model)
    if not code or code == model_field.related_model._meta.pk.name:
        return None
    return CodeLookup(model=model_field.related_model, code=code, attname=model_field.attname)


def named_relation(serializer: serializers.Serializer, field: serializers.Field):
    """The foreign key of a column that shows a record by its code when that record has a name people
    read beside it (the related model's `export_name_field`: a division's 鄞州区 beside 330212), else None."""
    if not isinstance(field, (relations.RelatedField, serializers.CharField)):
        return None
    model_field = model_field_for(serializer, field)
    if model_field is None or not model_field.many_to_one:
        return None
    if not getattr(model_field.related_model, "export_name_field", None):
        return None
    return model_field


@dataclasses.dataclass(frozen=True)
class NameColumn:
    """The name of the record a code column shows (所在区县名称 beside 所在区县), read from an annotation
    of the list's queryset (a join: no query of its own)."""

    name: str
    header: Any
    path: str  # to the name, from the list's model: "domicile__name"

    @property
    def annotation(self) -> str:
        return NAME_ANNOTATION + self.name

    def header_text(self) -> str:
        return capfirst(str(self.header))


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    field: serializers.Field
    header: Any
    nested: serializers.Serializer | None = None
    codes: CodeLookup | None = None
    shown: serializers.Field | None = None  # `shown_as`; the field itself when None

    @property
    def kind(self) -> serializers.Field:
        return self.field if self.shown is None else self.shown

    def header_text(self) -> str:
        return capfirst(str(self.header))

    def readable(self, value, formatters: dict | None = None):
        """The value as a person reads it: a label, 是/否, a date, a number, or text (None when empty).
        `formatters`: `self.formatters()`, made once by the caller (else here, for this value)."""
        if self.codes is not None and value is not None:
            return self.codes.codes.get(value, value)
        formatters = formatters or self.formatters()
        if isinstance(value, dict):
            return self.readable_record(value, formatters)
        if isinstance(value, (list, tuple)) and value and all(isinstance(item, dict) for item in value):
            return "；".join(filter(None, (self.readable_record(item, formatters) for item in value)))
        return formatters[None](value)

    def formatters(self) -> dict:
        """`value_formatter` of the column's kind (under None) and of each field of its nested records (by
        name). Made in the export's language; once per export by `converter`, not once per value (their
        labels are translated when they are made: 86,000 gettext calls in the organizations' XLSX)."""
        fields = self.nested.fields if self.nested is not None else {}
        return {None: value_formatter(self.kind), **{name: value_formatter(field) for name, field in fields.items()}}

    def converter(self):
        """`self.readable` as one function per column, worked out once per export: a plain column's
        values go straight through its kind's formatter (`value_formatter`, labels translated once,
        not per cell); a column that may hold nested records or related records' codes reads each
        value through `self.readable`. Call it in the export's language."""
        if self.codes is not None or self.nested is not None or not isinstance(self.kind, PLAIN_KINDS):
            return functools.partial(self.readable, formatters=self.formatters())
        return value_formatter(self.kind)

    def direct(self, render):
        """For a plain model column (`core.api.planned_lists.row_plan`), a function from the stored value straight
        to the readable one: equal to `self.converter()(render(value))`, where `render` is the column's
        JSON rendering, without writing and reading back its text. None where that saves nothing. Call it
        in the export's language."""
        if self.codes is not None or self.shown is not None:
            return None
        kind = type(self.field)
        convert = self.converter()

        def by_json(value):
            return convert(render(value))

        if kind is serializers.CharField:
            return lambda value: (value or None) if type(value) is str else by_json(value)
        # DateField, and a subclass that only checks input (core.api.serializers.FactDateField).
        if (
            issubclass(kind, serializers.DateField)
            and kind.to_representation is serializers.DateField.to_representation
        ):
            return lambda value: value if type(value) is datetime.date else by_json(value)
        if kind is serializers.DateTimeField:
            local = timezone.get_current_timezone()

            def local_time(value):
                if type(value) is datetime.datetime and value.tzinfo is not None:
                    return value.astimezone(local).replace(tzinfo=None, microsecond=0)
                return by_json(value)

            return local_time
        if kind in (serializers.BooleanField, serializers.ChoiceField):
            return _once_per_value(by_json)  # a handful of values, thousands of rows
        return None

    def readable_record(self, record: dict, formatters: dict | None = None) -> str | None:
        """A nested record on one line, its values made readable by the nested serializer's fields (ids left out)."""
        formatters = formatters or self.formatters()
        parts = []
        for name, value in record.items():
            if name in {"id", "pk"} or value is None or value == "":
                continue
            shown = formatters[name](value) if name is not None and name in formatters else value
            if isinstance(shown, datetime.datetime):
                shown = shown.strftime("%Y-%m-%d %H:%M:%S")
            elif isinstance(shown, datetime.date):
                shown = shown.isoformat()
            parts.append(str(shown))
        return " ".join(parts) or None


def _once_per_value(convert):
    """`convert`, worked out once per distinct (hashable) value."""
    done = {}

    def memo(value):
        try:
            return done[value]
        except KeyError:
            result = done[value] = convert(value)
            return result
        except TypeError:  # unhashable
            return convert(value)

    return memo


def _as_datetime(value) -> datetime.datetime | None:
    """A timestamp as the bureau reads it: local time, to the second, without the offset."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_aware(value):
        local = timezone.get_current_timezone()
        # Rendered in local time already (the API's timestamps are): only the offset to drop.
        if value.utcoffset() != local.utcoffset(value.replace(tzinfo=None)):
            value = value.astimezone(local)
        value = value.replace(tzinfo=None)
    return value.replace(microsecond=0)


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


# Kinds of fields whose values are never nested records: `Column.converter` formats them directly.
PLAIN_KINDS = (
    serializers.BooleanField,
    serializers.ChoiceField,
    serializers.CharField,
    serializers.DateTimeField,
    serializers.DateField,
    serializers.IntegerField,
    serializers.DecimalField,
    relations.RelatedField,
)


def value_formatter(field: serializers.Field):
    """The one rule by which an export writes a value of `field` as people read it (None when empty):
    choices as their labels, booleans as 是/否, dates and timestamps as dates (local time, to the
    second), decimals and numbers as numbers, lists joined with 、, anything else as text. Labels are
    translated when it is made: make it in the export's language. The COPY path writes the same
    text in SQL (core/exports/copy.py; tests/exports/test_copy.py holds the two to the same bytes)."""
    yes, no = str(YES), str(NO)

    def general(value):
        if _empty(value):
            return None
        if isinstance(value, datetime.datetime):
            return _as_datetime(value)
        if isinstance(value, bool):
            return yes if value else no
        if isinstance(value, (int, float, decimal.Decimal, datetime.date)):
            return value
        if isinstance(value, (list, tuple, set)):
            return "、".join(str(item) for item in value if item is not None) or None
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False, cls=JSONEncoder)
        return str(value)

    if isinstance(field, serializers.BooleanField):
        return lambda value: None if _empty(value) else (yes if value else no)
    if isinstance(field, serializers.MultipleChoiceField):
        return lambda value: None if _empty(value) else "、".join(str(field.choices.get(item, item)) for item in value)
    if isinstance(field, serializers.ChoiceField):
        labels = {key: str(label) for key, label in field.choices.items()}
        return lambda value: None if _empty(value) else labels.get(value, str(value))
    if isinstance(field, serializers.DateTimeField):
        return lambda value: None if _empty(value) else _as_datetime(value)
    if isinstance(field, serializers.DateField):

        def date(value):
            if _empty(value):
                return None
            if type(value) is str:
                return datetime.date.fromisoformat(value)
            return _as_datetime(value) if isinstance(value, datetime.datetime) else value

        return date
    if isinstance(field, serializers.DecimalField):

        def number(value):
            if _empty(value):
                return None
            return _as_datetime(value) if isinstance(value, datetime.datetime) else decimal.Decimal(value)

        return number
    return general


def readable_value(field: serializers.Field, value):
    """One value of `field` as people read it (`value_formatter`)."""
    return value_formatter(field)(value)


class ExportTable:
    """The columns of a serializer (or the subset `fields`, in that order) and the readable rows."""

    def __init__(self, serializer: serializers.Serializer, fields: Sequence[str] | None = None):
        self.serializer = serializer
        readable = {name: field for name, field in serializer.fields.items() if not field.write_only}
        choices = {name for name, field in readable.items() if isinstance(field, serializers.ChoiceField)}
        names = list(fields) if fields else [name for name in readable if not label_column_of(readable[name], choices)]
        unknown = [name for name in names if name not in readable]
        if unknown:
            raise ImproperlyConfigured(
                f"export_fields of {type(serializer).__name__} name fields it does not read: {', '.join(unknown)}"
            )
        self.columns = [self._column(serializer, name, readable[name]) for name in names]
        self.name_columns = self._name_columns(serializer, readable)
        self._plan = None  # made with the first rows, in the export's language
        self._converters = None

    @staticmethod
    def _column(serializer, name: str, field) -> Column:
        shown = shown_as(serializer, name, field)
        return Column(
            name,
            field,
            field_header(serializer, name, field),
            nested=nested_serializer(field),
            codes=code_lookup(serializer, field),
            shown=None if shown is field else shown,
        )

    def _name_columns(self, serializer, readable: dict) -> dict[int, NameColumn]:
        """By the index of a code column, the name column that follows it, unless the list shows that
        name already (`purchaser_name` beside `purchaser`)."""
        shown = {getattr(field, "source", None) for field in readable.values()}
        found = {}
        for index, column in enumerate(self.columns):
            relation = named_relation(serializer, column.field)
            if relation is None:
                continue
            name_field = relation.related_model.export_name_field
            if f"{relation.name}.{name_field}" in shown:
                continue
            header = format_lazy(_("{column} name"), column=column.header)
            found[index] = NameColumn(f"{column.name}_name", header, f"{relation.name}__{name_field}")
        return found

    @property
    def output_columns(self) -> list:
        """The columns of the file, in order: each code column followed by its name column, if any."""
        columns = []
        for index, column in enumerate(self.columns):
            columns.append(column)
            if index in self.name_columns:
                columns.append(self.name_columns[index])
        return columns

    def headers(self) -> list[str]:
        return [column.header_text() for column in self.output_columns]

    def prepare(self, queryset: QuerySet) -> QuerySet:
        """The list's queryset with what the file reads beside the serializer: the names of records
        shown by their codes, joined in."""
        names = {column.annotation: F(column.path) for column in self.name_columns.values()}
        return queryset.annotate(**names) if names else queryset

    def rows(self, instances: Iterable, *, chunk_size: int) -> Iterator[list]:
        """The rows of `instances`, a chunk at a time (related records' codes: one query per chunk)."""
        lookups = [column.codes for column in self.columns if column.codes is not None]
        chunk: list = []
        for instance in instances:
            chunk.append(instance)
            if len(chunk) >= chunk_size:
                yield from self._chunk_rows(chunk, lookups)
                chunk = []
        if chunk:
            yield from self._chunk_rows(chunk, lookups)

    def _make_plan(self) -> None:
        """How each row is read: plain model columns straight to readable values (`Column.direct`), the
        other fields as the JSON list renders them, then made readable (`Column.converter`)."""
        columns = {column.name: column for column in self.columns}
        direct = set()

        def direct_of(field, render):
            column = columns.get(field.field_name)
            read = column.direct(render) if column is not None else None
            if read is not None:
                direct.add(column.name)
            return read

        self._plan = row_plan(self.serializer, direct=direct_of)
        self._converters = [
            (column.name, None if column.name in direct else column.converter()) for column in self.columns
        ]

    def _chunk_rows(self, chunk: list, lookups: list[CodeLookup]) -> Iterator[list]:
        for lookup in lookups:
            lookup.prepare(chunk)
        if self._converters is None:
            self._make_plan()
        # The chunk rendered by one plan (core/api/planned_lists.py), as the JSON list renders a page.
        if self._plan is None:
            records = render_rows(self.serializer, chunk)
        else:
            records = render_planned(self.serializer, self._plan, chunk)
        converters = self._converters
        if not self.name_columns:
            for data in records:
                yield [data.get(name) if convert is None else convert(data.get(name)) for name, convert in converters]
            return
        names = [(index, column.annotation) for index, column in sorted(self.name_columns.items(), reverse=True)]
        for instance, data in zip(chunk, records, strict=True):
            row = [data.get(name) if convert is None else convert(data.get(name)) for name, convert in converters]
            for index, annotation in names:  # from the right, so each index still points at its code
                row.insert(index + 1, getattr(instance, annotation, None) or None)
            yield row
