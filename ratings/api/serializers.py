from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import RegistrySerializer, StatusChangeSerializer
from ratings import services
from ratings.choices import DEFAULT_MAX_SCORE, EvaluationStatus, Grade, RevocationGround
from ratings.models import Evaluation, Honour
from ratings.selectors import (
    CURRENT_GRADE,
    GRADE_VALID_UNTIL,
    current_evaluation,
    entitlements,
    may_hold_tax_deductible_status,
)


class GradeField(serializers.ChoiceField):
    """A grade 1..5 (shown as 1A–5A); anything else is a 400 that says which grades exist."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _('The grade must be a whole number from 1 (1A) to 5 (5A); "{input}" is not one.')},
        )
        super().__init__(choices=Grade.choices, **kwargs)


class EvaluationSerializer(RegistrySerializer):
    grade = GradeField()
    grade_display = serializers.CharField(source="get_grade_display", read_only=True, label=_("grade (1A–5A)"))
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("organization name"))
    status = serializers.ChoiceField(
        choices=EvaluationStatus.choices, read_only=True, allow_null=True, label=_("status today")
    )

    # A concluded rating's organization, grade and date are facts of the evaluation: they change only
    # by revoking, lowering or concluding a new rating, each with its own history.
    immutable_fields = ("organization", "grade", "concluded_on")

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "organization",
            "organization_name",
            "grade",
            "grade_display",
            "score",
            "max_score",
            "concluded_on",
            "valid_until",
            "status",
            "downgraded_from",
            "revoked_on",
            "revocation_ground",
            "revocation_reason",
            "created",
            "last_updated",
        ]
        read_only_fields = [
            "id",
            "valid_until",
            "status",
            "downgraded_from",
            "revoked_on",
            "revocation_ground",
            "revocation_reason",
            "created",
            "last_updated",
        ]

    def validate(self, attrs):
        if self.instance is not None:
            errors = {}
            for name in self.immutable_fields:
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    errors[name] = [
                        _(
                            "A concluded rating keeps its organization, grade and conclusion date; revoke it, lower it "
                            "(downgrade) or conclude a new rating instead."
                        )
                    ]
            if errors:
                raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        request = self.context["request"]
        return services.evaluation_conclude(
            organization=validated_data["organization"],
            grade=validated_data["grade"],
            concluded_on=validated_data["concluded_on"],
            score=validated_data.get("score"),
            max_score=validated_data.get("max_score", DEFAULT_MAX_SCORE),
            actor=request.user,
        )


class EvaluationRevokeSerializer(StatusChangeSerializer):
    """Body of `revoke`: `{"date": "YYYY-MM-DD", "reason": "...", "ground": "false_materials"}` (ground optional)."""

    ground = serializers.ChoiceField(
        choices=RevocationGround.choices, required=False, default=RevocationGround.OTHER, label=_("ground")
    )


class EvaluationDowngradeSerializer(EvaluationRevokeSerializer):
    """Body of `downgrade`: the revocation's date, reason and ground, and the new lower grade (and score)."""

    grade = GradeField()
    score = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True, min_value=0)
    max_score = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class HonourSerializer(RegistrySerializer):
    organization_name = serializers.CharField(
        source="organization.name", read_only=True, allow_null=True, label=_("organization name")
    )
    community_organization_name = serializers.CharField(
        source="community_organization.name", read_only=True, allow_null=True, label=_("community organization name")
    )

    class Meta:
        model = Honour
        fields = [
            "id",
            "kind",
            "year",
            "issuing_body",
            "title",
            "organization",
            "organization_name",
            "community_organization",
            "community_organization_name",
            "person_name",
            "hundred_best_list",
            "note",
            "withdrawn_on",
            "withdrawal_reason",
            "created",
            "last_updated",
        ]
        read_only_fields = ["id", "created", "last_updated"]


class OrganizationGradeSerializer(serializers.Serializer):
    """The grade fields of an organization, mixed into the organizations serializer (read-only).

    They read the `current_grade`/`grade_valid_until` annotations of `ratings.selectors.with_current_grade`
    (no query per row); a record read without them falls back to one query.
    """

    # How exports read the grade: by its label (4A), not the stored 4 (core.exports.tables.shown_as).
    export_as = {"current_grade": GradeField(allow_null=True)}

    current_grade = serializers.SerializerMethodField(label=_("current grade"))
    grade_valid_until = serializers.SerializerMethodField(label=_("grade valid until"))
    purchase_priority = serializers.SerializerMethodField(label=_("priority for purchased services"))
    transferred_function_priority = serializers.SerializerMethodField(
        label=_("priority for transferred government functions")
    )
    award_priority = serializers.SerializerMethodField(label=_("priority for government awards"))
    tax_deductible_eligible = serializers.SerializerMethodField(label=_("may hold tax-deductible donation status"))
    simplified_inspection = serializers.SerializerMethodField(label=_("simplified annual inspection"))

    @staticmethod
    def _grade_of(organization) -> tuple:
        if not hasattr(organization, CURRENT_GRADE):
            evaluation = current_evaluation(organization)
            setattr(organization, CURRENT_GRADE, evaluation.grade if evaluation else None)
            setattr(organization, GRADE_VALID_UNTIL, evaluation.valid_until if evaluation else None)
        return getattr(organization, CURRENT_GRADE), getattr(organization, GRADE_VALID_UNTIL)

    @extend_schema_field(serializers.IntegerField(allow_null=True, min_value=1, max_value=5))
    def get_current_grade(self, organization):
        return self._grade_of(organization)[0]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_grade_valid_until(self, organization):
        until = self._grade_of(organization)[1]
        return until.isoformat() if until else None

    def _entitlement(self, organization, name: str) -> bool:
        charitable = may_hold_tax_deductible_status(organization)
        grade = self._grade_of(organization)[0]
        # Five fields a row read the same rights, a function of (grade, charitable) alone: worked out once
        # per pair and serializer (a list page, an export).
        known = self.__dict__.setdefault("_entitlements_by_grade", {})
        rights = known.get((grade, charitable))
        if rights is None:
            rights = known[(grade, charitable)] = entitlements(grade, charitable=charitable)
        return rights[name]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_purchase_priority(self, organization):
        return self._entitlement(organization, "purchase_priority")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_transferred_function_priority(self, organization):
        return self._entitlement(organization, "transferred_function_priority")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_award_priority(self, organization):
        return self._entitlement(organization, "award_priority")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_tax_deductible_eligible(self, organization):
        return self._entitlement(organization, "tax_deductible_eligible")

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_simplified_inspection(self, organization):
        return self._entitlement(organization, "simplified_inspection")
