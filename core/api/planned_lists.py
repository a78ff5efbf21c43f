"""A faster rendering of list pages with the same output as DRF's.

DRF renders each row by asking every field for its attribute and representation, with checks that
cost more than the work for plain columns. For a page, `PlannedListSerializer` decides once per field
how to render it: a plain model column (text, number, boolean, choice, date, timestamp) is read
straight from the instance and converted as DRF would; every other field (method fields, related
and nested fields, decimals) goes through DRF's own field code. tests/core/test_planned_lists.py holds
the output equal to DRF's. Measured in bench/README.md (list pages of 100 rows).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from rest_framework import fields, relations, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

# Field classes whose to_representation is a plain conversion of the model value.
_STRING = (fields.CharField,)
_PLAIN = {fields.IntegerField: int, fields.BooleanField: bool, fields.FloatField: float}


def _renders_iso_8601(field: fields.Field, setting: str) -> bool:
    """Whether DRF writes the field in ISO 8601: its own `format`, else the API setting named."""
    output_format = getattr(field, "format", fields.empty)
    if output_format is fields.empty:
        from rest_framework.settings import api_settings

        output_format = getattr(api_settings, setting)
    return output_format is not None and output_format.lower() == "iso-8601"


def _datetime_renderer(field: fields.DateTimeField):
    if not _renders_iso_8601(field, "DATETIME_FORMAT") or hasattr(field, "timezone"):
        return None
    current = timezone.get_current_timezone()

    def render(value):
        if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
            return field.to_representation(value)
        text = value.astimezone(current).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return render


def _date_renderer(field: fields.DateField):
    if not _renders_iso_8601(field, "DATE_FORMAT"):
        return None

    def render(value):
        return value.isoformat() if isinstance(value, datetime.date) else field.to_representation(value)

    return render


def _choice_renderer(field: fields.ChoiceField):
    mapping = field.choice_strings_to_values

    def render(value):
        if value in ("", None):
            return value
        return mapping.get(str(value), value)

    return render


def _key_renderer(field: relations.RelatedField):
    def render(value):
        return field.to_representation(PKOnlyObject(pk=value))

    return render


def renderer_for(field: fields.Field, model) -> tuple[str, object] | None:
    """(attribute, function of its value) for plain columns and foreign keys rendered by their key, or
    None when DRF must render the field."""
    if len(field.source_attrs) != 1:
        return None
    source = field.source_attrs[0]
    if isinstance(field, relations.RelatedField):
        # What DRF does for a key-only related field, minus its lookups: the key as stored on the row.
        if isinstance(field, relations.ManyRelatedField) or not field.use_pk_only_optimization():
            return None
        try:
            model_field = model._meta.get_field(source)
        except Exception:
            return None
        if not isinstance(model_field, models.ForeignKey):
            return None
        if model_field.target_field != model_field.related_model._meta.pk:
            return None
        return model_field.attname, _key_renderer(field)
    # Only a concrete column is read straight: a method (`source="get_x_display"`), a property or an
    # annotation goes through DRF, which calls what is callable.
    if source not in _column_names(model):
        return None
    if type(field).get_attribute is not fields.Field.get_attribute:
        return None
    render = _column_renderer(field)
    return (source, render) if render is not None else None


def _method_renderer(field: fields.Field):
    """For a SerializerMethodField, its method bound once: DRF's `get_attribute` gives the instance itself
    (source "*") and `to_representation` looks the method up on the parent for every row."""
    if type(field) is not fields.SerializerMethodField or field.source != "*":
        return None
    return getattr(field.parent, field.method_name)


def _column_names(model) -> frozenset[str]:
    return frozenset(field.name for field in model._meta.concrete_fields if not field.is_relation)


def _column_renderer(field: fields.Field):
    if isinstance(field, serializers.BaseSerializer):
        return None
    if isinstance(field, fields.SerializerMethodField | fields.ModelField | fields.HiddenField):
        return None
    kind = type(field)
    if isinstance(field, fields.ChoiceField):
        return _choice_renderer(field) if kind in (fields.ChoiceField,) else None
    if kind in _STRING:
        return str
    if kind in _PLAIN:
        convert = _PLAIN[kind]
        return convert
    if kind is fields.DateTimeField:
        return _datetime_renderer(field)
    # A subclass that only checks input (core.api.serializers.FactDateField) renders as DateField does.
    if isinstance(field, fields.DateField) and kind.to_representation is fields.DateField.to_representation:
        return _date_renderer(field)
    if isinstance(field, fields.BigIntegerField | fields.DecimalField):
        # No shortcut of their own (a setting may turn them into text): DRF's conversion, minus the lookups.
        return field.to_representation
    return None


def row_plan(child: serializers.Serializer, *, direct=None) -> list | None:
    """How `render_rows` renders each readable field of `child`: (name, attribute, render, field), with
    attribute and render set for plain columns, render alone (a function of the instance) for method
    fields; None when the serializer renders rows its own way.

    `direct(field, render)` may give, for a plain column, a function of the model value to use instead of
    its JSON rendering `render` (exports read values straight from the row: core/exports/tables.py)."""
    if not getattr(child, "renders_rows_by_plan", False):
        return None
    model = getattr(getattr(child, "Meta", None), "model", None)
    plan = []
    for field in child._readable_fields:
        planned = renderer_for(field, model) if model is not None else None
        attr, render = planned if planned is not None else (None, None)
        if planned is not None and direct is not None:
            render = direct(field, render) or render
        if planned is None:
            render = _method_renderer(field)  # attribute None: a function of the whole instance
        plan.append((field.field_name, attr, render, field))
    return plan


def render_planned(child: serializers.Serializer, plan: list, instances) -> list[dict]:
    """The rows of `instances` rendered by `plan` (from `row_plan`), each finished by the serializer."""
    return [child.finish_representation(instance, _row(instance, plan)) for instance in instances]


def render_rows(child: serializers.Serializer, instances) -> list[dict]:
    """`[child.to_representation(instance) for instance in instances]`, rendered by a plan made once."""
    plan = row_plan(child)
    if plan is None:
        return [child.to_representation(item) for item in instances]  # a serializer of its own: DRF's way
    return render_planned(child, plan, instances)


def _row(instance, plan) -> dict:
    row = {}
    for name, attr, render, field in plan:
        if render is not None:
            if attr is None:
                row[name] = render(instance)
                continue
            value = getattr(instance, attr)
            row[name] = None if value is None else render(value)
            continue
        try:
            attribute = field.get_attribute(instance)
        except SkipField:
            continue
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        row[name] = None if check is None else field.to_representation(attribute)
    return row


class PlannedListSerializer(serializers.ListSerializer):
    """ListSerializer that renders its rows by a plan made once per page."""

    def to_representation(self, data):
        iterable = data.all() if isinstance(data, models.manager.BaseManager) else data
        return render_rows(self.child, iterable)
