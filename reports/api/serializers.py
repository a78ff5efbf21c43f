from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registry.choices import DivisionLevel
from registry.models import Division


class StatsQuerySerializer(serializers.Serializer):
    """The query of `GET stats/`: `as_of` (default today), `district`, `compare=published`, `format`."""

    as_of = serializers.DateField(required=False, label=_("as of"))
    district = serializers.CharField(required=False, label=_("district (code)"))
    compare = serializers.ChoiceField(choices=["published"], required=False, label=_("compare"))
    format = serializers.ChoiceField(choices=["json", "api", "csv", "xlsx"], required=False)

    def validate_district(self, value: str) -> str:
        division = Division.objects.filter(code=value.strip()).select_related("successor").first()
        if division is None or division.level != DivisionLevel.DISTRICT:
            raise serializers.ValidationError(_("Enter the code of a district or county of Ningbo."))
        if division.is_historical:
            raise serializers.ValidationError(
                _("%(code)s is a historical code; use the current code %(current)s.")
                % {"code": division.code, "current": division.current.code}
            )
        return division.code

    def validate(self, attrs):
        attrs.setdefault("as_of", timezone.localdate())
        return attrs


# The response of `GET stats/`, described for the OpenAPI schema (the view builds it from
# reports.selectors; these serializers only document its shape).


class StatsByTypeSerializer(serializers.Serializer):
    social_group = serializers.IntegerField()
    social_service = serializers.IntegerField()
    foundation = serializers.IntegerField()


class StatsCityLevelSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_type = StatsByTypeSerializer()


class OrganizationStatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_type = StatsByTypeSerializer()
    city_level = StatsCityLevelSerializer()
    community_foundations = serializers.IntegerField()
    districts_with_community_foundation = serializers.IntegerField()


class CommunityOrganizationStatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    urban = serializers.IntegerField()
    rural = serializers.IntegerField()
    township_level = serializers.IntegerField(help_text="Filings made at township level, without a community.")
    urban_communities = serializers.IntegerField()
    rural_communities = serializers.IntegerField()
    per_urban_community = serializers.FloatField(allow_null=True)
    per_rural_community = serializers.FloatField(allow_null=True)
    active = serializers.IntegerField()
    active_rate = serializers.FloatField(allow_null=True)


class CommitteeLevelStatsSerializer(serializers.Serializer):
    organizations = serializers.IntegerField()
    party_organizations = serializers.IntegerField()
    members = serializers.IntegerField()


class CommitteeLevelsSerializer(serializers.Serializer):
    city = CommitteeLevelStatsSerializer(help_text=_("the city's comprehensive party committee"))
    district = CommitteeLevelStatsSerializer(help_text=_("the districts' and counties' committees together"))


class CommitteeStatsSerializer(CommitteeLevelStatsSerializer):
    by_level = CommitteeLevelsSerializer()


class PartyStatsSerializer(serializers.Serializer):
    party_organizations = serializers.IntegerField()
    members = serializers.IntegerField()
    comprehensive_committee = CommitteeStatsSerializer()


class StatsPlatformKindsSerializer(serializers.Serializer):
    hub = serializers.IntegerField()
    support = serializers.IntegerField()
    innovation_park = serializers.IntegerField()


class StatsPlatformLevelsSerializer(serializers.Serializer):
    city = serializers.IntegerField()
    district = serializers.IntegerField()
    township = serializers.IntegerField()


class PlatformStatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_kind = StatsPlatformKindsSerializer()
    standardized_township_centres = serializers.IntegerField()
    by_level = StatsPlatformLevelsSerializer()
    city_innovation_parks = serializers.IntegerField()
    townships = serializers.IntegerField()
    townships_without_platform = serializers.IntegerField()
    zones = serializers.IntegerField(help_text=_("functional zones (功能区): not townships, counted apart"))
    zones_with_platform = serializers.IntegerField()
    welfare_lottery_city = serializers.DecimalField(max_digits=16, decimal_places=2)


class StatsGradesSerializer(serializers.Serializer):
    def get_fields(self):
        return {str(grade): serializers.IntegerField(label=f"{grade}A") for grade in range(5, 0, -1)}


class RatingStatsSerializer(serializers.Serializer):
    rated = serializers.IntegerField()
    rated_3a_plus = serializers.IntegerField()
    by_grade = StatsGradesSerializer()


class HonourStatsSerializer(serializers.Serializer):
    national_advanced = serializers.IntegerField()
    provincial_brand = serializers.IntegerField()
    provincial_leader = serializers.IntegerField()
    role_model = serializers.IntegerField()
    city_three_hundred_best = serializers.IntegerField()


class StatsYearTotalSerializer(serializers.Serializer):
    projects = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)


class StatsFourYearsSerializer(serializers.Serializer):
    years = serializers.CharField(help_text="The four calendar years before the date's: 2019–2022 for 2023-06-15.")
    counts = serializers.ChoiceField(
        choices=["city_special_fund", "district_purchases"],
        help_text="What is counted: for the city, projects paid from the city special fund (the reply's figure); "
        "with `district`, the projects that district's departments purchased.",
    )
    projects = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    growth = serializers.FloatField(allow_null=True)


class FunctionStatsSerializer(serializers.Serializer):
    items = serializers.IntegerField()
    batches = serializers.IntegerField()


class ProcurementStatsSerializer(serializers.Serializer):
    last_four_years = StatsFourYearsSerializer()
    by_year = serializers.DictField(child=StatsYearTotalSerializer(), help_text="Keyed by year.")
    by_funding_source = serializers.DictField(
        child=StatsYearTotalSerializer(),
        help_text="The same years and scope (the whole city, or the district's departments), by funding source.",
    )
    project_cap = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    transferred_functions = FunctionStatsSerializer()


class PublishedComparisonSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    district = serializers.CharField(allow_null=True)
    value = serializers.JSONField(help_text="A number, or a string with two decimals for amounts in yuan.")
    unit = serializers.CharField()
    precision = serializers.FloatField()
    reference_date = serializers.DateField()
    comparison = serializers.CharField()
    approximate = serializers.BooleanField()
    registry_value = serializers.JSONField(allow_null=True)
    difference = serializers.JSONField(allow_null=True)
    faithful = serializers.BooleanField(allow_null=True)
    sentence = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class StatsSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    district = serializers.CharField(allow_null=True)
    organizations = OrganizationStatsSerializer()
    community_organizations = CommunityOrganizationStatsSerializer()
    ratings = RatingStatsSerializer()
    honours = HonourStatsSerializer()
    party = PartyStatsSerializer()
    platforms = PlatformStatsSerializer()
    procurement = ProcurementStatsSerializer()
    published = PublishedComparisonSerializer(many=True, required=False, help_text="With compare=published.")
