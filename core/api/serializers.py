import copy

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.serializers import LIST_SERIALIZER_KWARGS, LIST_SERIALIZER_KWARGS_REMOVE

from core.access import jurisdiction_of, principal_of
from core.api.fast import PlannedListSerializer
from core.models import ChangeRecord, ExportLog
from core.services import instance_save, mask_personal


class RegistryPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """DRF's, plus: an id beyond the database's integers (SQLite raises OverflowError) is "not found"."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except OverflowError:
            self.fail("does_not_exist", pk_value=data)


class RegistrySerializer(serializers.ModelSerializer):
    """Base of every model serializer.

    Writes go through `core.services.instance_save` (full model validation, history, jurisdiction);
    fields named in `Meta.personal_fields` are masked for readers outside the record's district.
    """

    serializer_related_field = RegistryPrimaryKeyRelatedField

    def _request_principal(self):
        request = self.context.get("request")
        return principal_of(getattr(request, "user", None))

    @classmethod
    def many_init(cls, *args, **kwargs):
        """DRF's many_init, with PlannedListSerializer (core/api/fast.py: the same output, rendered by a
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
        request). They depend on the class alone, so they are built once per class and deep-copied
        for each instance, as DRF copies declared fields (bench/README.md: about 0.7 ms a list page)."""
        cls = type(self)
        template = cls.__dict__.get("_fields_template")
        if template is None:
            template = super().get_fields()
            cls._fields_template = template
        return copy.deepcopy(template)

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
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

    date = serializers.DateField(label=_("date"))
    reason = serializers.CharField(label=_("reason"), max_length=2000)


class ReinstateSerializer(serializers.Serializer):
    """Body of `reinstate`: `{"reason": "..."}`."""

    reason = serializers.CharField(label=_("reason"), max_length=2000)


# Decimals (amounts in yuan) are never floats in the API.
serializers.ModelSerializer.serializer_field_mapping[models.DecimalField] = serializers.DecimalField


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
            "row_count",
            "source",
            "request_id",
        ]
        read_only_fields = fields


# The row rendering PlannedListSerializer may replace: a subclass overriding to_representation opts out.
RegistrySerializer.planned_representation_base = RegistrySerializer.to_representation
