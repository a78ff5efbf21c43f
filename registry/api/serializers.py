from rest_framework import serializers

from core.api.serializers import RegistrySerializer
from registry.choices import DivisionLevel
from registry.models import Division, Organization
from registry.validators import normalise_uscc


class DivisionSerializer(RegistrySerializer):
    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True)
    successor = serializers.CharField(source="successor_id", read_only=True, allow_null=True)

    class Meta:
        model = Division
        fields = ["code", "name", "level", "parent", "urban", "urban_rural_class", "successor", "is_demo"]
        read_only_fields = fields


class DivisionCodeField(serializers.SlugRelatedField):
    """A division named by its code (the key, so reading it costs no query)."""

    def __init__(self, levels, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Division.objects.filter(level__in=levels))
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return True

    def to_representation(self, value):
        return value.pk


class OrganizationSerializer(RegistrySerializer):
    registered_by = DivisionCodeField(levels=[DivisionLevel.CITY, DivisionLevel.DISTRICT])
    domicile = DivisionCodeField(levels=[DivisionLevel.DISTRICT], required=False, allow_null=True)
    uscc = serializers.CharField(max_length=40)

    class Meta:
        model = Organization
        fields = [
            "id", "uscc", "name", "org_type", "registered_by", "registration_level", "domicile",
            "registered_on", "status", "status_date", "status_reason", "legal_representative",
            "supervising_unit", "business_scope", "field", "address", "phone", "is_hub", "is_support",
            "is_community_foundation", "is_demo", "created", "last_updated",
        ]
        read_only_fields = [
            "id", "registration_level", "status", "status_date", "status_reason", "is_demo", "created",
            "last_updated",
        ]
        personal_fields = ["phone"]

    def validate_uscc(self, value):
        return normalise_uscc(value)
