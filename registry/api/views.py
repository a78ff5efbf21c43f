import datetime
import functools

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from core.access import principal_of
from core.api.serializers import ReinstateSerializer, StatusChangeSerializer
from core.api.views import RegistryReadOnlyViewSet, RegistryViewSet
from core.bulk import BulkSyncMixin
from ratings.selectors import with_current_grade
from registry import selectors, services
from registry.api.serializers import (
    AnnualInspectionSerializer,
    CommunityOrganizationSerializer,
    CreditListEntrySerializer,
    DivisionSerializer,
    OrganizationSerializer,
    PartyOrganizationSerializer,
)
from registry.filtersets import (
    AnnualInspectionFilterSet,
    CommunityOrganizationFilterSet,
    CreditListEntryFilterSet,
    DivisionFilterSet,
    OrganizationFilterSet,
    PartyOrganizationFilterSet,
)
from registry.models import (
    AnnualInspection,
    CommunityOrganization,
    CreditListEntry,
    Division,
    Organization,
    PartyOrganization,
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
        # The list's annotations depend on the day alone: built once per process and day, cloned here.
        return annotated_organizations(timezone.localdate()).all()

    @extend_schema(request=StatusChangeSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def deregister(self, request, pk=None):
        return self.run_status_action(request, services.organization_deregister, target="organization")

    @extend_schema(request=StatusChangeSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self.run_status_action(request, services.organization_revoke, target="organization")

    @extend_schema(request=ReinstateSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"], clerk_only_action=True)
    def reinstate(self, request, pk=None):
        return self.run_status_action(request, services.organization_reinstate, target="organization", reinstate=True)


@functools.lru_cache(maxsize=2)
def annotated_organizations(day: datetime.date) -> QuerySet:
    """Organizations with what their list and detail show on `day` (registry facts, current grade).
    A template, never evaluated: callers clone it with `.all()` (building it costs about 1.5 ms of
    Python a request; bench/README.md)."""
    return with_current_grade(selectors.organizations_with_registry_facts(OrganizationViewSet.queryset.all(), day), day)


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

    @extend_schema(request=StatusChangeSerializer, responses=CommunityOrganizationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.run_status_action(request, services.filing_cancel, target="filing")

    @extend_schema(request=ReinstateSerializer, responses=CommunityOrganizationSerializer)
    @action(detail=True, methods=["post"], clerk_only_action=True)
    def reinstate(self, request, pk=None):
        return self.run_status_action(request, services.filing_reinstate, target="filing", reinstate=True)


class AnnualInspectionViewSet(RegistryViewSet):
    queryset = AnnualInspection.objects.order_by("id")
    serializer_class = AnnualInspectionSerializer
    filterset_class = AnnualInspectionFilterSet


class CreditListEntryViewSet(RegistryViewSet):
    queryset = CreditListEntry.objects.order_by("id")
    serializer_class = CreditListEntrySerializer
    filterset_class = CreditListEntryFilterSet

    @extend_schema(request=StatusChangeSerializer, responses=CreditListEntrySerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        return self.run_status_action(request, services.credit_entry_remove, target="entry")

    @extend_schema(request=ReinstateSerializer, responses=CreditListEntrySerializer)
    @action(detail=True, methods=["post"], clerk_only_action=True)
    def reinstate(self, request, pk=None):
        return self.run_status_action(request, services.credit_entry_reinstate, target="entry", reinstate=True)


class PartyOrganizationViewSet(RegistryViewSet):
    queryset = PartyOrganization.objects.prefetch_related(
        Prefetch("organizations", queryset=Organization.objects.only("id", "registered_by"))
    ).order_by("id")
    serializer_class = PartyOrganizationSerializer
    filterset_class = PartyOrganizationFilterSet
