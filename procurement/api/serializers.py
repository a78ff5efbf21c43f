from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import FactDateField, RegistryPrimaryKeyRelatedField, RegistrySerializer
from procurement.choices import YEAR_MAX, YEAR_MIN, FundingSource
from procurement.models import (
    DemandResponse,
    Department,
    ProjectCap,
    PurchasedServiceProject,
    ServiceDemand,
    TransferredFunction,
)
from ratings.api.serializers import GradeField
from registry.api.serializers import DivisionCodeField
from registry.choices import DivisionLevel
from registry.models import Organization

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class DepartmentSerializer(RegistrySerializer):
    division = DivisionCodeField(levels=[DivisionLevel.CITY, DivisionLevel.DISTRICT], required=False)

    class Meta:
        model = Department
        fields = ["id", "name", "division", "is_demo", "created", "last_updated"]
        read_only_fields = ["id", "is_demo", "created", "last_updated"]


class ProjectCapSerializer(RegistrySerializer):
    class Meta:
        model = ProjectCap
        fields = ["id", "effective_from", "amount", "policy", "note", "last_updated"]
        read_only_fields = fields


class PurchasedServiceProjectSerializer(RegistrySerializer):
    purchaser_name = serializers.CharField(
        source="purchaser.name", read_only=True, label=_("purchasing department name")
    )
    cap = serializers.DecimalField(
        read_only=True,
        allow_null=True,
        label=_("cap of the year (yuan)"),
        help_text=_("Per-project cap of the year; null when the project is not paid from the city special fund."),
        **AMOUNT,
    )
    over_cap = serializers.SerializerMethodField(
        label=_("over the cap"), help_text=_("The amount exceeds the cap (an exception is recorded).")
    )
    provider_name = serializers.CharField(
        source="provider.name", read_only=True, allow_null=True, label=_("provider name")
    )
    provider_uscc = serializers.CharField(
        source="provider.uscc", read_only=True, allow_null=True, label=_("provider's unified social credit code")
    )
    demand = serializers.SerializerMethodField(
        label=_("service demand (id)"), help_text=_("The service demand the project came from, if any.")
    )

    # Exports show the grade at award by its label (4A), as the ratings do (core.exports.tables.shown_as).
    export_as = {"grade_at_award": GradeField(allow_null=True)}

    class Meta:
        model = PurchasedServiceProject
        fields = [
            "id",
            "title",
            "description",
            "purchaser",
            "purchaser_name",
            "year",
            "amount",
            "funding_source",
            "cap",
            "over_cap",
            "status",
            "announced_on",
            "provider",
            "provider_name",
            "provider_uscc",
            "awarded_on",
            "grade_at_award",
            "below_priority_flag",
            "delivered_on",
            "cancelled_on",
            "cancellation_reason",
            "cap_exception_approved_by",
            "cap_exception_reason",
            "cap_exception_approved_on",
            "demand",
            "is_demo",
            "created",
            "last_updated",
        ]
        read_only_fields = [
            "id",
            "status",
            "provider",
            "awarded_on",
            "grade_at_award",
            "below_priority_flag",
            "delivered_on",
            "cancelled_on",
            "cancellation_reason",
            "is_demo",
            "created",
            "last_updated",
        ]

    def get_over_cap(self, project) -> bool | None:
        cap = getattr(project, "cap", None)
        return None if cap is None else project.amount > cap

    def get_demand(self, project) -> int | None:
        try:
            return project.demand_response.demand_id
        except DemandResponse.DoesNotExist:
            return None


class ProjectAwardSerializer(serializers.Serializer):
    """Body of `award`: the provider, the award date, and optionally the contract amount and a note."""

    provider = RegistryPrimaryKeyRelatedField(queryset=Organization.objects.all(), label=_("provider"))
    date = FactDateField(label=_("award date"))
    amount = serializers.DecimalField(required=False, min_value=0, label=_("amount (yuan)"), **AMOUNT)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, label=_("note"))


class ProjectDeliverSerializer(serializers.Serializer):
    """Body of `deliver`: the date of delivery (acceptance) and an optional note."""

    date = FactDateField(label=_("delivery date"))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, label=_("note"))


class AcceptSerializer(serializers.Serializer):
    """Body of `accept`: the date the department accepted the response."""

    date = FactDateField(label=_("date of acceptance"))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, label=_("note"))


class ServiceDemandSerializer(RegistrySerializer):
    department_name = serializers.CharField(source="department.name", read_only=True, label=_("department name"))
    response_count = serializers.IntegerField(read_only=True, label=_("responses"))

    class Meta:
        model = ServiceDemand
        fields = [
            "id",
            "department",
            "department_name",
            "title",
            "description",
            "published_on",
            "status",
            "closed_on",
            "close_reason",
            "response_count",
            "is_demo",
            "created",
            "last_updated",
        ]
        read_only_fields = ["id", "status", "closed_on", "close_reason", "is_demo", "created", "last_updated"]


class DemandResponseSerializer(RegistrySerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("organization name"))
    project = RegistryPrimaryKeyRelatedField(
        queryset=PurchasedServiceProject.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = DemandResponse
        fields = [
            "id",
            "demand",
            "organization",
            "organization_name",
            "responded_on",
            "note",
            "accepted",
            "accepted_on",
            "project",
            "created",
            "last_updated",
        ]
        read_only_fields = ["id", "accepted", "accepted_on", "created", "last_updated"]

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("demand", "organization"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: [_("A response stays with its demand and organization; record a new response.")]}
                    )
        return attrs


class TransferredFunctionSerializer(RegistrySerializer):
    department_name = serializers.CharField(source="department.name", read_only=True, label=_("department name"))
    receiving_organizations = RegistryPrimaryKeyRelatedField(
        queryset=Organization.objects.all(), many=True, required=False, label=_("receiving organizations")
    )
    receiving_organization_names = serializers.SerializerMethodField(label=_("receiving organization names"))

    class Meta:
        model = TransferredFunction
        fields = [
            "id",
            "batch",
            "item_number",
            "name",
            "department",
            "department_name",
            "category",
            "receiving_organizations",
            "receiving_organization_names",
            "note",
            "is_demo",
            "created",
            "last_updated",
        ]
        read_only_fields = ["id", "is_demo", "created", "last_updated"]

    def get_receiving_organization_names(self, function) -> list[str]:
        return [organization.name for organization in function.receiving_organizations.all()]


class TotalsQuerySerializer(serializers.Serializer):
    """Query of `procurement-totals/`: a range of years (the "近四年" of `as_of` unless given), a
    department and a funding source."""

    as_of = FactDateField(required=False)
    year_from = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)
    year_until = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)
    department = RegistryPrimaryKeyRelatedField(queryset=Department.objects.all(), required=False)
    funding_source = serializers.ChoiceField(choices=FundingSource.choices, required=False)

    def validate(self, attrs):
        if "year_from" in attrs and "year_until" in attrs and attrs["year_from"] > attrs["year_until"]:
            raise serializers.ValidationError({"year_until": [_("The range ends before it begins.")]})
        return attrs


class TotalSerializer(serializers.Serializer):
    projects = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=20, decimal_places=2)


class YearTotalSerializer(TotalSerializer):
    year = serializers.IntegerField()


class DepartmentTotalSerializer(TotalSerializer):
    department = serializers.IntegerField()
    name = serializers.CharField()
    by_year = YearTotalSerializer(many=True)


class TotalsSerializer(serializers.Serializer):
    year_from = serializers.IntegerField()
    year_until = serializers.IntegerField()
    department = serializers.IntegerField(allow_null=True)
    funding_source = serializers.CharField(allow_null=True)
    counted_statuses = serializers.ListField(child=serializers.CharField())
    by_year = YearTotalSerializer(many=True)
    by_department = DepartmentTotalSerializer(many=True)
    total = TotalSerializer()
