from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.views import RegistryReadOnlyViewSet, RegistryViewSet, status_action
from procurement import selectors, services
from procurement.api.serializers import (
    AcceptSerializer,
    DemandResponseSerializer,
    DepartmentSerializer,
    ProjectAwardSerializer,
    ProjectCapSerializer,
    ProjectDeliverSerializer,
    PurchasedServiceProjectSerializer,
    ServiceDemandSerializer,
    TotalsQuerySerializer,
    TotalsSerializer,
    TransferredFunctionSerializer,
)
from procurement.choices import FundingSource
from procurement.filtersets import (
    DemandResponseFilterSet,
    DepartmentFilterSet,
    ProjectCapFilterSet,
    PurchasedServiceProjectFilterSet,
    ServiceDemandFilterSet,
    TransferredFunctionFilterSet,
)
from procurement.models import DemandResponse, Department, ProjectCap, ServiceDemand, TransferredFunction


class DepartmentViewSet(RegistryViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet


class ProjectCapViewSet(RegistryReadOnlyViewSet):
    """The per-project caps by date (read-only here; clerks keep them in the admin)."""

    queryset = ProjectCap.objects.all()
    serializer_class = ProjectCapSerializer
    filterset_class = ProjectCapFilterSet


class PurchasedServiceProjectViewSet(RegistryViewSet):
    queryset = selectors.project_list()
    serializer_class = PurchasedServiceProjectSerializer
    filterset_class = PurchasedServiceProjectFilterSet

    award = status_action("award", services.project_award, target="project", body=ProjectAwardSerializer)
    deliver = status_action("deliver", services.project_deliver, target="project", body=ProjectDeliverSerializer)
    cancel = status_action("cancel", services.project_cancel, target="project")
    reinstate = status_action("reinstate", services.project_reinstate, target="project", reinstate=True)


class ServiceDemandViewSet(RegistryViewSet):
    queryset = (
        ServiceDemand.objects.select_related("department")
        .annotate(response_count=Count("responses"))
        .order_by("-published_on", "-id")
    )
    serializer_class = ServiceDemandSerializer
    filterset_class = ServiceDemandFilterSet

    close = status_action("close", services.demand_close, target="demand")
    reinstate = status_action("reinstate", services.demand_reinstate, target="demand", reinstate=True)


class DemandResponseViewSet(RegistryViewSet):
    queryset = DemandResponse.objects.select_related("organization", "demand__department")
    serializer_class = DemandResponseSerializer
    filterset_class = DemandResponseFilterSet

    accept = status_action("accept", services.demand_response_accept, target="response", body=AcceptSerializer)


class TransferredFunctionViewSet(RegistryViewSet):
    queryset = TransferredFunction.objects.select_related("department").prefetch_related("receiving_organizations")
    serializer_class = TransferredFunctionSerializer
    filterset_class = TransferredFunctionFilterSet


class ProcurementTotalsView(APIView):
    """Purchased projects (awarded or delivered) counted and summed per year and per department over
    a range of years: the "近四年" of `as_of` (today by default; 2019–2022 for the reply's 2023-06-15), as
    `stats/` counts them, unless `year_from`/`year_until` say otherwise."""

    allowed_parameters = frozenset({"as_of", "year_from", "year_until", "department", "funding_source", "format"})

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of", OpenApiTypes.DATE, description="Date whose four preceding calendar years are the default range"
            ),
            OpenApiParameter("year_from", int, description="First year (inclusive), default the date's year − 4"),
            OpenApiParameter("year_until", int, description="Last year (inclusive), default the date's year − 1"),
            OpenApiParameter("department", int, description="Purchasing department (id)"),
            OpenApiParameter("funding_source", str, enum=FundingSource.values, description="Funding source"),
        ],
        responses=TotalsSerializer,
    )
    def get(self, request):
        unknown = sorted(set(request.query_params) - self.allowed_parameters)
        if unknown:
            raise ValidationError({name: [_("Unknown query parameter.")] for name in unknown})
        query = TotalsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        totals = selectors.procurement_totals(
            as_of=data.get("as_of"),
            year_from=data.get("year_from"),
            year_until=data.get("year_until"),
            department=data.get("department"),
            funding_source=data.get("funding_source"),
        )
        return Response(TotalsSerializer(totals).data)
