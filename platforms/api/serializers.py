from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import RegistryPrimaryKeyRelatedField, RegistrySerializer
from platforms import services
from platforms.choices import AssessmentResult, FundingSource, PlatformGrade, PlatformLevel
from platforms.models import (
    FilingSupport,
    Incubation,
    Platform,
    PlatformFunding,
    PlatformRating,
    StandardisationAssessment,
)
from registry.api.serializers import DivisionCodeField
from registry.choices import DivisionLevel
from registry.models import CommunityOrganization, Organization


class PlatformSerializer(RegistrySerializer):
    """A platform; `standardized` and the latest assessment and rating come from the annotations of
    `platforms.selectors.platform_list` (the viewset's queryset), `served_townships` from its prefetch.
    Writes go through `platforms.services.platform_save`, which validates the served townships and
    records their change in the history."""

    division = DivisionCodeField(levels=PlatformLevel.values)
    # Any division code is read, so that a district or a township of another district is refused by
    # the model's rules with a message that says why, naming `served_townships`.
    served_townships = DivisionCodeField(
        levels=DivisionLevel.values,
        many=True,
        required=False,
        label=_("other townships served"),
        help_text=_(
            "Codes of the other townships of its district that a township-level platform also serves "
            "(a cluster or joint platform); empty for the others."
        ),
    )
    division_name = serializers.CharField(source="division.name", read_only=True, label=_("division name"))
    district = serializers.SerializerMethodField(label=_("district"))
    operator = RegistryPrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, label=_("operating organization")
    )
    operator_name = serializers.CharField(
        source="operator.name", read_only=True, default=None, allow_null=True, label=_("operating organization name")
    )
    standardized = serializers.BooleanField(read_only=True, label=_("standardised"))
    latest_assessment_result = serializers.ChoiceField(
        choices=AssessmentResult.choices, read_only=True, allow_null=True, label=_("latest assessment result")
    )
    latest_assessment_on = serializers.DateField(read_only=True, allow_null=True, label=_("latest assessment date"))
    latest_rating = serializers.ChoiceField(
        choices=PlatformGrade.choices, read_only=True, allow_null=True, label=_("latest rating")
    )
    latest_rating_year = serializers.IntegerField(read_only=True, allow_null=True, label=_("latest rating year"))

    class Meta:
        model = Platform
        fields = [
            "id",
            "name",
            "kind",
            "level",
            "division",
            "division_name",
            "district",
            "operator",
            "operator_name",
            "party_service_centre",
            "opened_on",
            "closed_on",
            "address",
            "floor_area",
            "staff_count",
            "served_townships",
            "standardized",
            "latest_assessment_result",
            "latest_assessment_on",
            "latest_rating",
            "latest_rating_year",
            "is_demo",
            "created",
            "last_updated",
        ]
        read_only_fields = ["id", "is_demo", "created", "last_updated"]
        # The model's own constraints speak (full_clean), with their messages, rather than DRF's.
        validators = []

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_district(self, platform) -> str | None:
        return platform.division.district_code()

    def create(self, validated_data):
        townships = validated_data.pop("served_townships", None)
        return services.platform_save(platform=Platform(**validated_data), served_townships=townships)

    def update(self, instance, validated_data):
        townships = validated_data.pop("served_townships", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.platform_save(platform=instance, served_townships=townships)


class PlatformRecordSerializer(RegistrySerializer):
    """Base of the records about a platform: the platform by id, with its name and district shown."""

    platform = RegistryPrimaryKeyRelatedField(queryset=Platform.objects.all())
    platform_name = serializers.CharField(source="platform.name", read_only=True, label=_("platform name"))
    district = serializers.SerializerMethodField(label=_("district"))

    record_fields = ["id", "platform", "platform_name", "district"]
    stamp_fields = ["created", "last_updated"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_district(self, record) -> str | None:
        return record.platform.division.district_code()


class StandardisationAssessmentSerializer(PlatformRecordSerializer):
    class Meta:
        model = StandardisationAssessment
        fields = [
            *PlatformRecordSerializer.record_fields,
            "standard",
            "year",
            "result",
            "assessed_on",
            "assessor",
            "notes",
            *PlatformRecordSerializer.stamp_fields,
        ]
        read_only_fields = ["id", "created", "last_updated"]
        validators = []


class PlatformRatingSerializer(PlatformRecordSerializer):
    class Meta:
        model = PlatformRating
        fields = [
            *PlatformRecordSerializer.record_fields,
            "year",
            "grade",
            "assessor",
            "notes",
            *PlatformRecordSerializer.stamp_fields,
        ]
        read_only_fields = ["id", "created", "last_updated"]
        validators = []


class PlatformFundingSerializer(PlatformRecordSerializer):
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        label=_("amount (yuan)"),
        error_messages={"min_value": _("The amount must be more than zero.")},
    )

    class Meta:
        model = PlatformFunding
        fields = [
            *PlatformRecordSerializer.record_fields,
            "year",
            "source",
            "amount",
            "notes",
            *PlatformRecordSerializer.stamp_fields,
        ]
        read_only_fields = ["id", "created", "last_updated"]
        validators = []


class IncubationSerializer(PlatformRecordSerializer):
    """An incubation names an organization or a filing (exactly one: 400 otherwise)."""

    organization = RegistryPrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    organization_name = serializers.CharField(
        source="organization.name", read_only=True, allow_null=True, default=None, label=_("organization name")
    )
    filing = RegistryPrimaryKeyRelatedField(
        queryset=CommunityOrganization.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Id of the community organization filing incubated (instead of an organization)."),
    )
    filing_name = serializers.CharField(
        source="filing.name", read_only=True, allow_null=True, default=None, label=_("filing name")
    )

    class Meta:
        model = Incubation
        fields = [
            *PlatformRecordSerializer.record_fields,
            "organization",
            "organization_name",
            "filing",
            "filing_name",
            "incubated_from",
            "incubated_until",
            "notes",
            *PlatformRecordSerializer.stamp_fields,
        ]
        read_only_fields = ["id", "created", "last_updated"]
        validators = []


class FilingSupportSerializer(RegistrySerializer):
    """The platform a clerk or the filing's district set to support a filing, instead of its township's
    default. Changing the platform re-points it; the default is not stored."""

    filing = RegistryPrimaryKeyRelatedField(queryset=CommunityOrganization.objects.all())
    filing_name = serializers.CharField(source="filing.name", read_only=True, label=_("filing name"))
    platform = RegistryPrimaryKeyRelatedField(queryset=Platform.objects.all())
    platform_name = serializers.CharField(source="platform.name", read_only=True, label=_("platform name"))

    class Meta:
        model = FilingSupport
        fields = ["id", "filing", "filing_name", "platform", "platform_name", "notes", "created", "last_updated"]
        read_only_fields = ["id", "created", "last_updated"]


class PlatformFilingsSerializer(serializers.Serializer):
    platform = serializers.IntegerField(source="platform.pk")
    name = serializers.CharField(source="platform.name")
    level = serializers.CharField(source="platform.level")
    division = serializers.CharField(source="platform.division_id")
    filings = serializers.IntegerField(help_text=_("filings in being it supports on the date"))
    assigned = serializers.IntegerField(help_text=_("of which set to it by a clerk or district, not by default"))


class FundingTotalSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    source = serializers.ChoiceField(choices=FundingSource.choices)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    records = serializers.IntegerField(help_text=_("funding records summed"))
    platforms = serializers.IntegerField(help_text=_("platforms funded"))


class FundingTotalsSerializer(serializers.Serializer):
    results = FundingTotalSerializer(many=True)
    total = serializers.DecimalField(max_digits=18, decimal_places=2)


class CoverageQuerySerializer(serializers.Serializer):
    """Query of `platforms/coverage/`: `as_of` (date, default today) and `district` (a current district code)."""

    as_of = serializers.DateField(required=False, label=_("as of"))
    district = serializers.CharField(required=False, label=_("district (code)"))


class TownshipSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    district = serializers.CharField(source="parent_id")


SERVED_BY_NEIGHBOUR_HELP = _(
    "covered townships without an open platform of their own, "
    "covered by a platform of another township that serves them"
)


ZONES_HELP = _("functional zones (功能区, 政企合一单位): not townships, so neither in `townships` nor in full coverage")


class DistrictCoverageSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    townships = serializers.IntegerField()
    covered = serializers.IntegerField()
    served_by_neighbour = serializers.IntegerField(help_text=SERVED_BY_NEIGHBOUR_HELP)
    uncovered = TownshipSerializer(many=True)
    zones = serializers.IntegerField(help_text=ZONES_HELP)
    zones_with_platform = serializers.IntegerField()


class CoverageSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    district = serializers.CharField(allow_null=True)
    townships = serializers.IntegerField()
    covered = serializers.IntegerField()
    served_by_neighbour = serializers.IntegerField(help_text=SERVED_BY_NEIGHBOUR_HELP)
    full_coverage = serializers.BooleanField()
    uncovered = TownshipSerializer(many=True)
    zones = serializers.IntegerField(help_text=ZONES_HELP)
    zones_with_platform = serializers.IntegerField()
    filings_by_platform = PlatformFilingsSerializer(many=True)
    filings_without_platform = serializers.IntegerField(help_text=_("filings in being that no open platform supports"))
    districts = DistrictCoverageSerializer(many=True)
