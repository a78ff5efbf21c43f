"""The verification API's own serializers: every public field named here, nothing copied from the
internal serializers (DESIGN §11; docs/decisions/0320-public-register-privacy.md)."""

from rest_framework import serializers

from ratings.choices import Grade
from registry.choices import CreditList, OrgStatus, OrgType, ReportResult


class PublicDivisionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PublicHonourSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField()
    title = serializers.CharField(allow_blank=True)


class PublicListingSerializer(serializers.Serializer):
    list_kind = serializers.ChoiceField(choices=CreditList.choices)
    label = serializers.CharField()
    listed_on = serializers.DateField()
    ground = serializers.CharField()


class PublicAnnualReportSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    result = serializers.ChoiceField(choices=ReportResult.choices)
    label = serializers.CharField()


class PublicEventSerializer(serializers.Serializer):
    date = serializers.DateField()
    event = serializers.CharField()
    label = serializers.CharField()


class PublicOrganizationSummarySerializer(serializers.Serializer):
    """A search result: who it is, whether it stands, its grade today."""

    uscc = serializers.CharField()
    name = serializers.CharField()
    org_type = serializers.ChoiceField(choices=OrgType.choices)
    status = serializers.ChoiceField(choices=OrgStatus.choices)
    status_date = serializers.DateField(allow_null=True)
    grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True, source="current_grade")
    grade_valid_until = serializers.DateField(allow_null=True)


class PublicOrganizationSerializer(serializers.Serializer):
    """The facts of the organization's public page (public.selectors.organization_facts)."""

    uscc = serializers.CharField()
    name = serializers.CharField()
    org_type = serializers.ChoiceField(choices=OrgType.choices)
    org_type_label = serializers.CharField()
    registered_by = PublicDivisionSerializer()
    domicile = PublicDivisionSerializer(allow_null=True)
    registered_on = serializers.DateField()
    status = serializers.ChoiceField(choices=OrgStatus.choices)
    status_label = serializers.CharField()
    status_date = serializers.DateField(allow_null=True)
    legal_representative = serializers.CharField(allow_blank=True)
    business_scope = serializers.CharField(allow_blank=True)
    supervising_unit = serializers.CharField(allow_blank=True)
    grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    grade_label = serializers.CharField(allow_blank=True)
    grade_valid_from = serializers.DateField(allow_null=True)
    grade_valid_until = serializers.DateField(allow_null=True)
    certificate = serializers.IntegerField(allow_null=True, help_text="The rating's id: /public/certificates/<id>/.")
    honours = PublicHonourSerializer(many=True)
    credit_lists = PublicListingSerializer(many=True)
    annual_reports = PublicAnnualReportSerializer(many=True)
    registration_events = PublicEventSerializer(many=True)
