from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from core.api.serializers import ReinstateSerializer, StatusChangeSerializer
from core.api.views import RegistryReadOnlyViewSet, RegistryViewSet
from registry import services
from registry.api.serializers import DivisionSerializer, OrganizationSerializer
from registry.filtersets import DivisionFilterSet, OrganizationFilterSet
from registry.models import Division, Organization


class DivisionViewSet(RegistryReadOnlyViewSet):
    queryset = Division.objects.all()
    serializer_class = DivisionSerializer
    filterset_class = DivisionFilterSet


class OrganizationViewSet(RegistryViewSet):
    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet

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
