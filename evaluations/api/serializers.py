from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import FactDateField, RegistrySerializer
from evaluations.choices import ApplicationStatus
from evaluations.models import EvaluationApplication, EvaluationRound, Objection
from ratings.api.serializers import GradeField
from registry.api.serializers import DivisionCodeField
from registry.choices import DivisionLevel


class EvaluationRoundSerializer(RegistrySerializer):
    authority = DivisionCodeField(
        levels=[DivisionLevel.CITY, DivisionLevel.DISTRICT],
        required=False,
        label=_("registration authority"),
    )

    class Meta:
        model = EvaluationRound
        fields = [
            "id",
            "year",
            "name",
            "authority",
            "max_score",
            "min_score_5a",
            "min_score_4a",
            "min_score_3a",
            "min_score_2a",
            "min_score_1a",
            "applications_from",
            "applications_until",
            "public_notice_days",
            "created",
            "last_updated",
        ]
        read_only_fields = ["id", "created", "last_updated"]

    def validate(self, attrs):
        round_ = self.instance
        if round_ is not None and "authority" in attrs and attrs["authority"].pk != round_.authority_id:
            if round_.applications.exists():
                raise serializers.ValidationError(
                    {"authority": [_("The round has applications: its authority no longer changes.")]}
                )
        return attrs


class EvaluationApplicationSerializer(RegistrySerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("organization name"))
    immutable_fields = ("round", "organization")

    class Meta:
        model = EvaluationApplication
        fields = [
            "id",
            "round",
            "organization",
            "organization_name",
            "applied_on",
            "status",
            "status_date",
            "eligibility_reasons",
            "accepted_on",
            "acceptance_reason",
            "refused_on",
            "refusal_reason",
            "score",
            "scored_on",
            "proposed_grade",
            "grade",
            "grade_reason",
            "notice_from",
            "notice_until",
            "concluded_on",
            "evaluation",
            "withdrawn_on",
            "withdrawal_reason",
            "created",
            "last_updated",
        ]
        read_only_fields = [name for name in fields if name not in {"round", "organization", "applied_on"}]

    def validate(self, attrs):
        if self.instance is not None:
            errors = {
                name: [_("An application stays with its round and organization; withdraw it and apply anew.")]
                for name in self.immutable_fields
                if name in attrs and attrs[name] != getattr(self.instance, name)
            }
            changed = "applied_on" in attrs and attrs["applied_on"] != self.instance.applied_on
            if changed and self.instance.status != ApplicationStatus.APPLIED:
                errors["applied_on"] = [
                    _("The date of application is corrected only before the application is examined.")
                ]
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class ObjectionSerializer(RegistrySerializer):
    overdue = serializers.SerializerMethodField(label=_("review overdue"))

    class Meta:
        model = Objection
        fields = [
            "id",
            "application",
            "filed_on",
            "grounds",
            "decision_due_on",
            "overdue",
            "decision",
            "decided_on",
            "created",
            "last_updated",
        ]
        read_only_fields = ["id", "decision_due_on", "overdue", "decision", "decided_on", "created", "last_updated"]

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("application", "filed_on"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: [_("An objection keeps its application and filing date.")]}
                    )
        return attrs

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, objection) -> bool:
        return objection.overdue


class ApplicationAcceptSerializer(serializers.Serializer):
    """Body of `accept/`: `{"date": "YYYY-MM-DD", "override_reason": "..."}` (the reason only to accept
    despite an eligibility refusal)."""

    date = FactDateField(label=_("date"))
    override_reason = serializers.CharField(
        label=_("reason for accepting despite a refusal"), max_length=2000, required=False, allow_blank=True
    )


class ApplicationRefuseSerializer(serializers.Serializer):
    """Body of `refuse/`: `{"date": ..., "reason": ...}` (the reason optional when a rule refuses)."""

    date = FactDateField(label=_("date"))
    reason = serializers.CharField(label=_("reason"), max_length=2000, required=False, allow_blank=True)


class ApplicationScoreSerializer(serializers.Serializer):
    """Body of `score/`: `{"score": "930", "date": ..., "grade": 4, "grade_reason": "..."}` (grade optional)."""

    score = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0, label=_("score"))
    date = FactDateField(label=_("date"))
    grade = GradeField(required=False, allow_null=True, label=_("grade recorded"))
    grade_reason = serializers.CharField(
        label=_("reason for a lower grade"), max_length=2000, required=False, allow_blank=True
    )


class ApplicationStepSerializer(serializers.Serializer):
    """Body of `publish/` and `conclude/`: `{"date": "YYYY-MM-DD"}`."""

    date = FactDateField(label=_("date"))


class ObjectionDecideSerializer(serializers.Serializer):
    """Body of `objections/{id}/decide/`: `{"date": ..., "decision": "..."}`."""

    date = FactDateField(label=_("date"))
    decision = serializers.CharField(label=_("review decision"), max_length=2000)
