from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import ReinstateSerializer, StatusChangeSerializer
from core.api.views import RegistryReadOnlyViewSet, RegistryViewSet
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

    def _run(self, request, body_class, call):
        project = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            return self.respond_with(call(project, body.validated_data))

    @extend_schema(request=ProjectAwardSerializer, responses=PurchasedServiceProjectSerializer)
    @action(detail=True, methods=["post"])
    def award(self, request, pk=None):
        def call(project, data):
            return services.project_award(
                project=project,
                provider=data["provider"],
                on=data["date"],
                amount=data.get("amount"),
                reason=data.get("reason", ""),
                actor=request.user,
            )

        return self._run(request, ProjectAwardSerializer, call)

    @extend_schema(request=ProjectDeliverSerializer, responses=PurchasedServiceProjectSerializer)
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        def call(project, data):
            return services.project_deliver(
                project=project, on=data["date"], reason=data.get("reason", ""), actor=request.user
            )

        return self._run(request, ProjectDeliverSerializer, call)

    @extend_schema(request=StatusChangeSerializer, responses=PurchasedServiceProjectSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.run_status_action(request, services.project_cancel, target="project")

    @extend_schema(request=ReinstateSerializer, responses=PurchasedServiceProjectSerializer)
    @action(detail=True, methods=["post"], clerk_only_action=True)
    def reinstate(self, request, pk=None):
        return self.run_status_action(request, services.project_reinstate, target="project", reinstate=True)


class ServiceDemandViewSet(RegistryViewSet):
    queryset = (
        ServiceDemand.objects.select_related("department")
        .annotate(response_count=Count("responses"))
        .order_by("-published_on", "-id")
    )
    serializer_class = ServiceDemandSerializer
    filterset_class = ServiceDemandFilterSet

    @extend_schema(request=StatusChangeSerializer, responses=ServiceDemandSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self.run_status_action(request, services.demand_close, target="demand")

    @extend_schema(request=ReinstateSerializer, responses=ServiceDemandSerializer)
    @action(detail=True, methods=["post"], clerk_only_action=True)
    def reinstate(self, request, pk=None):
        return self.run_status_action(request, services.demand_reinstate, target="demand", reinstate=True)


class DemandResponseViewSet(RegistryViewSet):
    queryset = DemandResponse.objects.select_related("organization", "demand__department")
    serializer_class = DemandResponseSerializer
    filterset_class = DemandResponseFilterSet

    @extend_schema(request=AcceptSerializer, responses=DemandResponseSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        response = self.get_object()
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            response = services.demand_response_accept(
                response=response,
                on=body.validated_data["date"],
                reason=body.validated_data.get("reason", ""),
                actor=request.user,
            )
            return self.respond_with(response)


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
