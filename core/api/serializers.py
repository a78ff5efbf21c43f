import copy
from collections.abc import Mapping

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, RelatedField
from rest_framework.serializers import LIST_SERIALIZER_KWARGS, LIST_SERIALIZER_KWARGS_REMOVE

from core.access import jurisdiction_of, principal_of
from core.api.planned_lists import PlannedListSerializer
from core.models import ChangeRecord, ExportLog
from core.services import instance_save, mask_personal
from core.validators import EARLIEST_FACT_DATE, TEXT_MAX_LENGTH, years_from_today


class FactDateField(serializers.DateField):
    """Every date the API takes: from 1949-10-01 to a year from today (`years_ahead` for a planned date),
    the range the models hold too (core.validators.date_out_of_range), checked here so the schema states
    it and the error comes with the field's other errors."""

    default_error_messages = {"out_of_range": _("Enter a date from {earliest} to {latest}.")}

    def __init__(self, *args, years_ahead: int = 1, **kwargs):
        self.years_ahead = years_ahead
        super().__init__(*args, **kwargs)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        latest = years_from_today(self.years_ahead)
        if not EARLIEST_FACT_DATE <= day <= latest:
            self.fail("out_of_range", earliest=EARLIEST_FACT_DATE.isoformat(), latest=latest.isoformat())
        return day


def is_whole_number(data) -> bool:
    """An integer, or a string of ASCII digits: never a bool, a float (1313.9 read as 1313) or "１３"."""
    if isinstance(data, bool):
        return False
    if isinstance(data, int):
        return True
    return isinstance(data, str) and data.isascii() and data.isdigit()


class RegistryPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """DRF's, plus: an integer id is a whole number (`1313.9` and `true` are refused, never truncated to
    1313 or read as 1; found by hand), and an id beyond the database's integers (SQLite raises
    OverflowError) is "not found"."""

    def to_internal_value(self, data):
        if self.pk_field is None and not is_whole_number(data):
            if isinstance(self.get_queryset().model._meta.pk, models.IntegerField):
                self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            return super().to_internal_value(data)
        except OverflowError:
            self.fail("does_not_exist", pk_value=data)


def _fresh_field(field: serializers.Field) -> serializers.Field:
    """A copy of an unbound template field that binding (`Field.bind`, per serializer instance) cannot
    reach back into: a plain field is shallow-copied (binding sets attributes of the copy alone; its
    arguments, validators and choices are read, never changed, as in DRF's own deep copy, which
    shares the validators too); a field that holds bound fields (a nested serializer, a list of
    them, a many-related field's child) is deep-copied as DRF does."""
    if isinstance(field, serializers.BaseSerializer | ManyRelatedField):
        return copy.deepcopy(field)
    return copy.copy(field)


class RegistrySerializer(serializers.ModelSerializer):
    """Base of every model serializer.

    Writes go through `core.services.instance_save` (full model validation, history, jurisdiction);
    fields named in `Meta.personal_fields` are masked for readers outside the record's district.
    Every date is a FactDateField; the model's `planned_date_fields` maps a date that may lie further
    ahead to its years from today. Every text has a limit: a CharField its column's, a TextField
    TEXT_MAX_LENGTH or its entry in the model's `text_limits` (the models hold the same bounds:
    core.validators.bounded_field_errors).
    """

    serializer_related_field = RegistryPrimaryKeyRelatedField
    # Lists render their rows by a plan (core/api/planned_lists.py) in place of to_representation; a
    # subclass with a to_representation of its own says False, and lists then call it for each row.
    renders_rows_by_plan = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "to_representation" in cls.__dict__ and cls.renders_rows_by_plan:
            raise TypeError(f"{cls.__name__} has its own to_representation: set renders_rows_by_plan = False")

    def _request_principal(self):
        request = self.context.get("request")
        return principal_of(getattr(request, "user", None))

    @classmethod
    def many_init(cls, *args, **kwargs):
        """DRF's many_init, with PlannedListSerializer (core/api/planned_lists.py: the same output, rendered by a
        plan made once per page) unless Meta names a list serializer class."""
        list_kwargs = {}
        for key in LIST_SERIALIZER_KWARGS_REMOVE:
            value = kwargs.pop(key, None)
            if value is not None:
                list_kwargs[key] = value
        list_kwargs["child"] = cls(*args, **kwargs)
        list_kwargs.update({key: value for key, value in kwargs.items() if key in LIST_SERIALIZER_KWARGS})
        list_class = getattr(getattr(cls, "Meta", None), "list_serializer_class", PlannedListSerializer)
        return list_class(*args, **list_kwargs)

    def get_fields(self):
        """DRF builds a model serializer's fields from the model again for every instance (every
        request). They depend on the class alone, so they are built once per class and copied for
        each instance (bench/README.md: the deep copy DRF makes of declared fields cost about 0.8 ms
        a list page)."""
        cls = type(self)
        template = cls.__dict__.get("_fields_template")
        if template is None:
            template = super().get_fields()
            cls._fields_template = template
        return {name: _fresh_field(field) for name, field in template.items()}

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        meta = getattr(self, "Meta", None)
        if field_class is serializers.DateField:
            field_class = FactDateField
            planned = {**getattr(meta.model, "planned_date_fields", {}), **getattr(meta, "planned_date_fields", {})}
            if field_name in planned:
                kwargs["years_ahead"] = planned[field_name]
        if isinstance(model_field, models.TextField) and "choices" not in kwargs:
            limits = {**getattr(meta.model, "text_limits", {}), **getattr(meta, "text_limits", {})}
            kwargs["max_length"] = limits.get(field_name, model_field.max_length or TEXT_MAX_LENGTH)
        if "choices" in kwargs and model_field.blank and not model_field.null:
            kwargs["allow_blank"] = True  # also when not editable, where DRF leaves it out
        return field_class, kwargs

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        allow_blank = kwargs.get("allow_blank")
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank and kwargs.get("read_only") and "choices" in kwargs:
            # DRF drops allow_blank on read-only fields; a blank choice column reads as "" and the
            # OpenAPI schema must admit it (found by fuzzing).
            kwargs["allow_blank"] = True
        return kwargs

    def to_representation(self, instance):
        return self.finish_representation(instance, super().to_representation(instance))

    def finish_representation(self, instance, data):
        personal = getattr(self.Meta, "personal_fields", ())
        if personal:
            principal = self._request_principal()
            # Who sees every record in full needs no record's district (for a filing, a join or a query).
            if not principal.sees_all_personal_data and not principal.sees_personal_data_of(jurisdiction_of(instance)):
                for name in personal:
                    if data.get(name):
                        data[name] = mask_personal(data[name])
        return data

    def draft(self, data) -> tuple[models.Model, bool] | None:
        """The record as the body's related records would make it, before the body is validated: a copy
        of the record (a new one on create) with every foreign key of the body that resolves set on it,
        for the early jurisdiction check (core.api.views.RegistryViewSet.check_jurisdiction). Also says
        whether the draft names every required foreign key, so its owner is known; None when the body
        is not an object (validation says so)."""
        if not isinstance(data, Mapping):
            return None
        model = self.Meta.model
        draft = copy.copy(self.instance) if self.instance is not None else model()
        unresolved = False
        for name, field in self.fields.items():
            if field.read_only or name not in data or not isinstance(field, RelatedField):
                continue
            try:
                model_field = model._meta.get_field(field.source)
            except FieldDoesNotExist:
                continue
            if not (model_field.many_to_one or model_field.one_to_one) or not model_field.concrete:
                continue
            value = data[name]
            if value is None:
                target = None
            else:
                try:
                    target = field.to_internal_value(value)
                except (serializers.ValidationError, DjangoValidationError, TypeError, ValueError, OverflowError):
                    unresolved = True  # not a record: validation will say so
                    continue
            setattr(draft, model_field.name, target)
        required = [
            field for field in model._meta.concrete_fields if field.is_relation and field.editable and not field.null
        ]
        known = (
            not unresolved
            and not model._meta.many_to_many
            and all(getattr(draft, field.attname) is not None for field in required)
        )
        return draft, known

    def _split_many_to_many(self, validated_data):
        many = {}
        for field in self.Meta.model._meta.many_to_many:
            if field.name in validated_data:
                many[field.name] = validated_data.pop(field.name)
        return many

    def create(self, validated_data):
        many = self._split_many_to_many(validated_data)
        instance = self.Meta.model(**validated_data)
        instance_save(instance=instance)
        for name, values in many.items():
            getattr(instance, name).set(values)
        return instance

    def update(self, instance, validated_data):
        many = self._split_many_to_many(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance_save(instance=instance)
        for name, values in many.items():
            getattr(instance, name).set(values)
        return instance


class StatusChangeSerializer(serializers.Serializer):
    """Body of a status action: `{"date": "YYYY-MM-DD", "reason": "..."}`."""

    date = FactDateField(label=_("date"))
    reason = serializers.CharField(label=_("reason"), max_length=2000)


class ReinstateSerializer(serializers.Serializer):
    """Body of `reinstate`: `{"reason": "..."}`."""

    reason = serializers.CharField(label=_("reason"), max_length=2000)


class ChangeRecordSerializer(serializers.ModelSerializer):
    """One entry of `changes/`: `changes` maps each changed field to `[old, new]`."""

    model = serializers.CharField(source="content_type.model", read_only=True)
    user = serializers.CharField(source="actor_name", read_only=True)

    class Meta:
        model = ChangeRecord
        fields = [
            "id",
            "time",
            "model",
            "object_id",
            "object_repr",
            "action",
            "user",
            "source",
            "request_id",
            "changes",
            "message",
        ]
        read_only_fields = fields


class ExportLogSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user_name", read_only=True)

    class Meta:
        model = ExportLog
        fields = [
            "id",
            "time",
            "user",
            "resource",
            "title",
            "file_format",
            "filters",
            "as_of",
            "row_count",
            "sha256",
            "source",
            "request_id",
        ]
        read_only_fields = fields
