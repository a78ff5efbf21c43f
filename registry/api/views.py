import datetime
import functools

from django.db import connection
from django.db.models import Prefetch, QuerySet
from rest_framework.exceptions import ValidationError

from core.access import principal_of
from core.api.views import RegistryReadOnlyViewSet, RegistryViewSet, status_action
from core.asof import requested_day
from core.bulk.api import BulkSyncMixin
from core.bulk.engine import BulkSync, plain_errors
from core.compiled import compile_subqueries_once
from registry import extensions, selectors, services
from registry.api.serializers import (
    AdministrativePenaltySerializer,
    AnnualReportSerializer,
    CommunityOrganizationSerializer,
    ComprehensivePartyCommitteeSerializer,
    CreditListEntrySerializer,
    DivisionSerializer,
    OrganizationPersonSerializer,
    OrganizationSerializer,
    PartyOrganizationSerializer,
    RegistrationEventSerializer,
)
from registry.filtersets import (
    AdministrativePenaltyFilterSet,
    AnnualReportFilterSet,
    CommunityOrganizationFilterSet,
    ComprehensivePartyCommitteeFilterSet,
    CreditListEntryFilterSet,
    DivisionFilterSet,
    OrganizationFilterSet,
    OrganizationPersonFilterSet,
    PartyOrganizationFilterSet,
    RegistrationEventFilterSet,
)
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


class DivisionViewSet(RegistryReadOnlyViewSet):
    queryset = Division.objects.all()
    serializer_class = DivisionSerializer
    filterset_class = DivisionFilterSet


class OrganizationViewSet(BulkSyncMixin, RegistryViewSet):
    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    bulk_key = "uscc"

    def get_queryset(self):
        # The list's annotations depend on the day alone (today, or the day of `as_of`): built once per
        # process and day, cloned here.
        return annotated_organizations(requested_day(getattr(self, "request", None))).all()

    deregister = status_action("deregister", services.organization_deregister, target="organization")
    revoke = status_action("revoke", services.organization_revoke, target="organization")
    reinstate = status_action("reinstate", services.organization_reinstate, target="organization", reinstate=True)


@functools.lru_cache(maxsize=8)  # today and the days lists are read as of
def annotated_organizations(day: datetime.date) -> QuerySet:
    """Organizations with what their list and detail show on `day` (registry facts, and what apps above
    registry add: the current grade).
    A template, never evaluated: callers clone it with `.all()` (building it costs about 1.5 ms of
    Python a request; bench/README.md), and its subqueries are compiled once (core.compiled)."""
    facts = selectors.organizations_with_registry_facts(OrganizationViewSet.queryset.all(), day)
    return compile_subqueries_once(extensions.annotate_organizations(facts, day))


class CommunityOrganizationViewSet(BulkSyncMixin, RegistryViewSet):
    # The township is joined for the district that holds the record (masking of contact_phone).
    queryset = CommunityOrganization.objects.select_related("township")
    serializer_class = CommunityOrganizationSerializer
    filterset_class = CommunityOrganizationFilterSet
    bulk_key = "filing_number"  # rows without one are new filings and get a number

    def get_queryset(self):
        queryset = super().get_queryset()
        request = getattr(self, "request", None)
        if request is not None and principal_of(request.user).sees_all_personal_data:
            return queryset.select_related(None)  # no masking, so no district to look up
        return queryset

    cancel = status_action("cancel", services.filing_cancel, target="filing")
    reinstate = status_action("reinstate", services.filing_reinstate, target="filing", reinstate=True)


class AnnualReportBulkSync(BulkSync):
    """Annual reports are keyed by (organization, year): a row naming both updates that report, any
    other row creates one. The key is read as the serializer reads the two fields."""

    def _read_key(self, row) -> bool:
        if not isinstance(row.data, dict):
            return super()._read_key(row)
        raw = {name: row.data.get(name) for name in ("organization", "year")}
        if any(value is None or value == "" for value in raw.values()):
            return False
        errors, values = {}, {}
        for name, value in raw.items():
            try:
                values[name] = self.serializer.fields[name].run_validation(value)
            except ValidationError as error:
                errors[name] = plain_errors(error.detail)
        if errors:
            row.errors = errors
            return True
        row.key = (values["organization"].pk, values["year"])
        return True

    def _existing_by_key(self, keys: set) -> dict:
        if not keys:
            return {}
        queryset = self.queryset.filter(
            organization_id__in={org for org, _year in keys}, year__in={year for _org, year in keys}
        ).select_related("organization")
        if connection.features.has_select_for_update:
            of = ("self",) if connection.features.has_select_for_update_of else ()
            queryset = queryset.select_for_update(of=of)
        return {(report.organization_id, report.year): report for report in queryset}


class AnnualReportViewSet(BulkSyncMixin, RegistryViewSet):
    """`annual-reports/`: annual work reports (年度工作报告); `bulk/` files up to 1,000 at once."""

    queryset = AnnualReport.objects.order_by("id")
    bulk_key = "organization"  # with the year: AnnualReportBulkSync
    bulk_sync_class = AnnualReportBulkSync
    serializer_class = AnnualReportSerializer
    filterset_class = AnnualReportFilterSet


class AdministrativePenaltyViewSet(RegistryViewSet):
    queryset = AdministrativePenalty.objects.order_by("id")
    serializer_class = AdministrativePenaltySerializer
    filterset_class = AdministrativePenaltyFilterSet


class CreditListEntryViewSet(RegistryViewSet):
    queryset = CreditListEntry.objects.order_by("id")
    serializer_class = CreditListEntrySerializer

    def get_queryset(self):
        return selectors.with_removal_due(super().get_queryset())

    filterset_class = CreditListEntryFilterSet

    remove = status_action("remove", services.credit_entry_remove, target="entry")
    reinstate = status_action("reinstate", services.credit_entry_reinstate, target="entry", reinstate=True)


class ComprehensivePartyCommitteeViewSet(RegistryViewSet):
    queryset = ComprehensivePartyCommittee.objects.order_by("division_id")
    serializer_class = ComprehensivePartyCommitteeSerializer
    filterset_class = ComprehensivePartyCommitteeFilterSet


class PartyOrganizationViewSet(RegistryViewSet):
    queryset = (
        PartyOrganization.objects.select_related("committee")
        .prefetch_related(Prefetch("organizations", queryset=Organization.objects.only("id", "registered_by")))
        .order_by("id")
    )
    serializer_class = PartyOrganizationSerializer
    filterset_class = PartyOrganizationFilterSet


class OrganizationPersonViewSet(RegistryViewSet):
    """`organization-people/`: the responsible people of organizations (DESIGN §9)."""

    # The organization is joined for the district that holds the record (masking).
    queryset = OrganizationPerson.objects.select_related("organization").order_by("id")
    serializer_class = OrganizationPersonSerializer
    filterset_class = OrganizationPersonFilterSet


class RegistrationEventViewSet(RegistryReadOnlyViewSet):
    """`registration-events/`: read-only; written by registry.events from every change of a registered fact."""

    queryset = RegistrationEvent.objects.order_by("id")
    serializer_class = RegistrationEventSerializer
    filterset_class = RegistrationEventFilterSet
