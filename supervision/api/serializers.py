from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import FactDateField, RegistrySerializer
from supervision.models import ReportDeadline, SupervisionProposal


class ReportDeadlineSerializer(RegistrySerializer):
    class Meta:
        model = ReportDeadline
        fields = ["id", "year", "org_type", "deadline", "created", "last_updated"]
        read_only_fields = ["id", "created", "last_updated"]
        validators = []  # (year, org_type) is checked by the model, naming the field
        planned_date_fields = {"deadline": 2}  # next year's deadline is set ahead


class SupervisionProposalSerializer(RegistrySerializer):
    overdue = serializers.SerializerMethodField(label=_("overdue"), help_text=_("Open and past its due date (today)."))

    class Meta:
        model = SupervisionProposal
        fields = [
            "id",
            "kind",
            "organization",
            "ground",
            "basis",
            "arises_on",
            "due_on",
            "overdue",
            "status",
            "entry",
            "report_year",
            "report",
            "calendar_uncovered",
            "decided_on",
            "decision_number",
            "dismiss_reason",
            "result_entry",
            "created",
            "last_updated",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, proposal) -> bool:
        value = getattr(proposal, "overdue", None)
        return proposal.is_overdue() if value is None else bool(value)


class ConfirmSerializer(serializers.Serializer):
    decision_number = serializers.CharField(max_length=100, label=_("decision number"))
    date = FactDateField(label=_("date of the decision"))


class DismissSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, label=_("reason"))


class BulkConfirmSerializer(ConfirmSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), min_length=1, max_length=1000
    )
