from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.access import jurisdiction_of, principal_of
from core.models import ChangeRecord, ExportLog
from core.services import instance_save, mask_personal


class RegistrySerializer(serializers.ModelSerializer):
    """Base of every model serializer.

    Writes go through `core.services.instance_save` (full model validation, history, jurisdiction);
    fields named in `Meta.personal_fields` are masked for readers outside the record's district.
    """

    def _request_principal(self):
        request = self.context.get("request")
        return principal_of(getattr(request, "user", None))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        personal = getattr(self.Meta, "personal_fields", ())
        if personal:
            principal = self._request_principal()
            if not principal.sees_personal_data_of(jurisdiction_of(instance)):
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
        fields = ["id", "time", "user", "resource", "file_format", "filters", "row_count", "source", "request_id"]
        read_only_fields = fields
