from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.access import jurisdiction_of
from core.api.serializers import RegistryPrimaryKeyRelatedField, RegistrySerializer
from core.personal_data import mask_id_number
from registry import extensions, selectors, services
from registry.choices import CreditList, DivisionKind, DivisionLevel, ReportResult, UrbanRuralClass
from registry.models import (
    AdministrativePenalty,
    AnnualReport,
    CommunityOrganization,
    ComprehensivePartyCommittee,
    CreditListEntry,
    Division,
    Organization,
    OrganizationPerson,
    PartyOrganization,
    RegistrationEvent,
)
from registry.models.filings import normalise_filing_number
from registry.validators import normalise_uscc


class DivisionSerializer(RegistrySerializer):
    parent = serializers.CharField(source="parent_id", read_only=True, allow_null=True)
    successor = serializers.CharField(source="successor_id", read_only=True, allow_null=True)
    # Blank for divisions other than those below a district; said so, so the schema admits "".
    kind = serializers.ChoiceField(choices=DivisionKind.choices, read_only=True, allow_blank=True)
    # Blank for divisions other than communities; said so, so the schema admits "".
    urban_rural_class = serializers.ChoiceField(choices=UrbanRuralClass.choices, read_only=True, allow_blank=True)

    class Meta:
        model = Division
        fields = ["code", "name", "level", "kind", "parent", "urban", "urban_rural_class", "successor", "is_demo"]
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


class CurrentListingSerializer(serializers.Serializer):
    """An organization's entry on a credit list in force today (`credit_lists` of an organization)."""

    id = serializers.IntegerField()
    list_kind = serializers.ChoiceField(choices=CreditList.choices)
    listed_on = serializers.DateField()
    reason = serializers.CharField()


class LatestReportSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    result = serializers.ChoiceField(choices=ReportResult.choices, allow_blank=True)


# Read-only fields apps above registry add (ratings: the current grade and what it entitles to).
EXTENDED_SERIALIZERS = extensions.mixins("serializer")


class OrganizationSerializer(*EXTENDED_SERIALIZERS, RegistrySerializer):
    registered_by = DivisionCodeField(levels=[DivisionLevel.CITY, DivisionLevel.DISTRICT])
    domicile = DivisionCodeField(levels=[DivisionLevel.DISTRICT], required=False, allow_null=True)
    uscc = serializers.CharField(max_length=40)
    # Read from annotations and a prefetch (registry.selectors.organizations_with_registry_facts) when
    # the queryset has them, else looked up for the one record.
    party_org = serializers.SerializerMethodField(
        label=_("has a party organization"), help_text=_("Covered by a party organization in being today.")
    )
    latest_annual_report = serializers.SerializerMethodField(
        label=_("latest annual work report"), help_text=_("The newest annual work report (year and result), or null.")
    )
    credit_lists = serializers.SerializerMethodField(
        label=_("credit lists"), help_text=_("The credit-list entries in force today (empty when on neither list).")
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "uscc",
            "name",
            "org_type",
            "registered_by",
            "registration_level",
            "domicile",
            "registered_on",
            "status",
            "status_date",
            "status_reason",
            "legal_representative",
            "supervising_unit",
            "business_scope",
            "registered_funds",
            "field",
            "address",
            "phone",
            "is_hub",
            "is_support",
            "is_community_foundation",
            "charity_recognized_on",
            "public_fundraising_since",
            "under_investigation_since",
            "investigation_reason",
            "public",
            "not_public_reason",
            "is_demo",
            "created",
            "last_updated",
            "party_org",
            "latest_annual_report",
            "credit_lists",
            *(name for mixin in EXTENDED_SERIALIZERS for name in mixin._declared_fields),
        ]
        read_only_fields = [
            "id",
            "registration_level",
            "status",
            "status_date",
            "status_reason",
            "is_demo",
            "created",
            "last_updated",
            "party_org",
            "latest_annual_report",
            "credit_lists",
        ]
        personal_fields = ["phone"]

    def validate_uscc(self, value):
        return normalise_uscc(value)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_party_org(self, organization) -> bool:
        if hasattr(organization, "party_org"):
            return bool(organization.party_org)
        return selectors.has_party_organization(organization)

    @extend_schema_field(LatestReportSerializer(allow_null=True))
    def get_latest_annual_report(self, organization):
        if hasattr(organization, "latest_report_year"):
            year, result = organization.latest_report_year, organization.latest_report_result
        else:
            latest = selectors.latest_annual_reports([organization.pk]).get(organization.pk)
            year, result = (latest.year, latest.result) if latest else (None, None)
        return {"year": year, "result": result} if year is not None else None

    @extend_schema_field(CurrentListingSerializer(many=True))
    def get_credit_lists(self, organization):
        entries = getattr(organization, selectors.CURRENT_CREDIT_ENTRIES, None)
        if entries is None:
            entries = selectors.current_listings([organization.pk]).get(organization.pk, [])
        # Plain dicts, as CurrentListingSerializer renders them: a serializer per row costs more than the row.
        return [
            {"id": e.id, "list_kind": e.list_kind, "listed_on": e.listed_on.isoformat(), "reason": e.reason}
            for e in entries
        ]


class CommunityOrganizationSerializer(RegistrySerializer):
    """A community organization filing. Rows are keyed by `filing_number` for sync: a row without
    one is a new filing and gets a number; the number of a stored filing never changes."""

    filing_number = serializers.CharField(
        max_length=50, required=False, allow_blank=True, help_text=_("Made when absent: 330212001-2023-0007.")
    )
    township = DivisionCodeField(
        levels=[DivisionLevel.TOWNSHIP],
        error_messages={"does_not_exist": _("No township or street has the code {value}.")},
    )
    community = DivisionCodeField(
        levels=[DivisionLevel.COMMUNITY],
        error_messages={"does_not_exist": _("No community has the code {value}.")},
        required=False,
        allow_null=True,
        help_text=_("Absent or null for a filing made at township level (DESIGN §9); then `urban` is required."),
    )
    district = serializers.CharField(source="district_id", read_only=True)
    urban = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text=_("Follows from the community; required for a filing without a community."),
    )

    class Meta:
        model = CommunityOrganization
        fields = [
            "id",
            "filing_number",
            "name",
            "township",
            "community",
            "district",
            "urban",
            "category",
            "field",
            "filed_on",
            "contact_person",
            "contact_phone",
            "member_count",
            "active",
            "last_active_on",
            "status",
            "status_date",
            "status_reason",
            "registered_as",
            "public",
            "not_public_reason",
            "is_demo",
            "created",
            "last_updated",
        ]
        read_only_fields = [
            "id",
            "district",
            "status",
            "status_date",
            "status_reason",
            "is_demo",
            "created",
            "last_updated",
        ]
        personal_fields = ["contact_phone"]
        # The key of a row in bulk sync (create or update keyed by filing number).
        bulk_key = "filing_number"

    # How bulk sync reads a row's number as this serializer does (core.bulk).
    normalise_filing_number = staticmethod(normalise_filing_number)

    def to_internal_value(self, data):
        """A new filing names its community, or (made at township level, DESIGN §9) says `urban`: when a
        body lacks both, that is reported with the other missing fields, not only once they are given."""
        missing_both = (
            self.instance is None
            and isinstance(data, dict)
            and data.get("community") in (None, "")
            and data.get("urban") is None
        )
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if missing_both and isinstance(error.detail, dict):
                message = _(
                    "Give the community; a filing made at township level, without a community, must instead say "
                    "whether it is urban or rural."
                )
                error.detail.setdefault("community", [serializers.ErrorDetail(str(message), code="required")])
            raise

    def validate_filing_number(self, value):
        # The model refuses a changed or taken number (CommunityOrganization.clean, its constraints).
        number = normalise_filing_number(value)
        return number or (self.instance.filing_number if self.instance is not None else "")


class AnnualReportSerializer(RegistrySerializer):
    class Meta:
        model = AnnualReport
        fields = [
            "id",
            "organization",
            "year",
            "submitted_on",
            "result",
            "reviewed_on",
            "remarks",
            "created",
            "last_updated",
        ]
        read_only_fields = ["id", "created", "last_updated"]
        validators = []  # (organization, year) is checked by the model, so the error names the year


class AdministrativePenaltySerializer(RegistrySerializer):
    class Meta:
        model = AdministrativePenalty
        fields = [
            "id",
            "organization",
            "decided_on",
            "kind",
            "amount",
            "authority",
            "decision_number",
            "reason",
            "created",
            "last_updated",
        ]
        read_only_fields = ["id", "created", "last_updated"]


class CreditListEntrySerializer(RegistrySerializer):
    current = serializers.SerializerMethodField(help_text=_("In force today."))
    # Annotated by the list's query when supervision is installed (registry.selectors' hook); else none.
    removal_due_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        default=None,
        label=_("removal due on"),
        help_text=_("When a proposed removal from the list is due; null when none."),
    )

    class Meta:
        model = CreditListEntry
        fields = [
            "id",
            "list_kind",
            "organization",
            "listed_on",
            "reason",
            "ground",
            "counted_from",
            "decision_number",
            "source",
            "transferred_to",
            "removal_due_on",
            "removed_on",
            "removal_reason",
            "current",
            "created",
            "last_updated",
        ]
        read_only_fields = [
            "id",
            "counted_from",
            "source",
            "transferred_to",
            "removal_due_on",
            "removed_on",
            "removal_reason",
            "current",
            "created",
            "last_updated",
        ]
        validators = []  # one open entry per list is checked by the model, naming the list

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_current(self, entry) -> bool:
        return entry.is_current()


class ComprehensivePartyCommitteeSerializer(RegistrySerializer):
    """A comprehensive party committee (社会组织综合党委) of the city or of a district."""

    division = DivisionCodeField(
        levels=[DivisionLevel.CITY, DivisionLevel.DISTRICT],
        help_text=_("The city (330200) or the district that set it up."),
    )

    class Meta:
        model = ComprehensivePartyCommittee
        fields = ["id", "name", "division", "level", "established_on", "is_demo", "created", "last_updated"]
        read_only_fields = ["id", "level", "is_demo", "created", "last_updated"]


class PartyOrganizationSerializer(RegistrySerializer):
    organizations = RegistryPrimaryKeyRelatedField(
        many=True, queryset=Organization.objects.all(), help_text=_("Ids of the organizations covered.")
    )
    committee = RegistryPrimaryKeyRelatedField(
        queryset=ComprehensivePartyCommittee.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Id of the comprehensive party committee holding it (综合党委兜底), or null."),
    )
    committee_level = serializers.CharField(
        source="committee.level", read_only=True, allow_null=True, default=None, help_text=_("city or district")
    )
    comprehensive_committee = serializers.BooleanField(
        read_only=True, help_text=_("Held by a comprehensive party committee (a committee is set).")
    )
    in_being = serializers.SerializerMethodField(help_text=_("Established and not dissolved today."))

    class Meta:
        model = PartyOrganization
        fields = [
            "id",
            "name",
            "kind",
            "organizations",
            "member_count",
            "comprehensive_committee",
            "committee",
            "committee_level",
            "secretary",
            "instructor",
            "established_on",
            "dissolved_on",
            "in_being",
            "is_demo",
            "created",
            "last_updated",
        ]
        read_only_fields = ["id", "in_being", "is_demo", "created", "last_updated"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_in_being(self, party_organization) -> bool:
        return party_organization.is_in_being()

    def create(self, validated_data):
        organizations = validated_data.pop("organizations")
        return services.party_organization_save(
            party_organization=PartyOrganization(**validated_data), organizations=organizations, actor=None
        )

    def update(self, instance, validated_data):
        organizations = validated_data.pop("organizations", None)
        if organizations is None:
            organizations = list(instance.organizations.all())
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return services.party_organization_save(party_organization=instance, organizations=organizations, actor=None)


class OrganizationPersonSerializer(RegistrySerializer):
    """A responsible person of an organization (DESIGN §9). `id_number` is whole for clerks and the
    record's district, masked (330212********1234) for everyone else; `phone` is masked for other
    districts (138****5678)."""

    class Meta:
        model = OrganizationPerson
        fields = [
            "id",
            "organization",
            "role",
            "name",
            "id_number",
            "phone",
            "started_on",
            "ended_on",
            "is_demo",
            "created",
            "last_updated",
        ]
        read_only_fields = ["id", "is_demo", "created", "last_updated"]
        personal_fields = ["phone"]
        # `from` and `until` in the API (Python keywords, so named here after the model's fields).
        renamed = {"started_on": "from", "ended_on": "until"}

    def get_fields(self):
        fields = super().get_fields()
        for model_name, api_name in self.Meta.renamed.items():
            field = fields.pop(model_name)
            field.source = model_name
            fields[api_name] = field
        return fields

    def finish_representation(self, instance, data):
        data = super().finish_representation(instance, data)
        if data.get("id_number") and not self._request_principal().sees_id_numbers_of(jurisdiction_of(instance)):
            data["id_number"] = mask_id_number(data["id_number"])
        return data


class RegistrationEventSerializer(RegistrySerializer):
    """One event of an organization's registration, with the registered facts before and after."""

    class Meta:
        model = RegistrationEvent
        fields = [
            "id",
            "organization",
            "kind",
            "date",
            "approval_number",
            "before",
            "after",
            "reason",
            "is_demo",
            "last_updated",
        ]
        read_only_fields = fields
