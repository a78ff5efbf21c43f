from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.views import RegistryViewSet, status_action
from platforms import services
from platforms.api.serializers import (
    CoverageQuerySerializer,
    CoverageSerializer,
    FilingSupportSerializer,
    FundingTotalsSerializer,
    IncubationSerializer,
    PlatformFundingSerializer,
    PlatformRatingSerializer,
    PlatformSerializer,
    StandardisationAssessmentSerializer,
)
from platforms.filtersets import (
    FilingSupportFilterSet,
    IncubationFilterSet,
    PlatformFilterSet,
    PlatformFundingFilterSet,
    PlatformRatingFilterSet,
    StandardisationAssessmentFilterSet,
)
from platforms.models import FilingSupport, Incubation, PlatformFunding, PlatformRating, StandardisationAssessment
from platforms.selectors import filings_per_platform, funding_totals, platform_list, township_coverage
from registry.choices import DivisionLevel
from registry.models import Division


def strict_query(request, serializer_class):
    """Validate a query string against a serializer: unknown parameters and bad values are 400s."""
    unknown = sorted(set(request.query_params) - set(serializer_class().fields))
    if unknown:
        raise ValidationError({name: [_("Unknown query parameter.")] for name in unknown})
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


class PlatformViewSet(RegistryViewSet):
    queryset = platform_list()
    serializer_class = PlatformSerializer
    filterset_class = PlatformFilterSet

    close = status_action("close", services.platform_close, target="platform")
    reopen = status_action("reopen", services.platform_reopen, target="platform", reinstate=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="Date of the coverage (default today)."),
            OpenApiParameter("district", str, description="A district code: only that district's townships."),
        ],
        responses=CoverageSerializer,
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def coverage(self, request):
        """Townships that no township-level platform open on `as_of` sits in or serves, per district."""
        query = strict_query(request, CoverageQuerySerializer)
        as_of = query.get("as_of") or timezone.localdate()
        district = query.get("district")
        if (
            district
            and not Division.objects.filter(
                code=district, level=DivisionLevel.DISTRICT, successor__isnull=True
            ).exists()
        ):
            raise ValidationError(
                {"district": [_("%(code)s is not the current code of a district.") % {"code": district}]}
            )
        rows = township_coverage(as_of, district)
        filings, unsupported = filings_per_platform(as_of, district)
        uncovered = [township for row in rows for township in row.uncovered]
        townships = sum(row.townships for row in rows)
        body = {
            "as_of": as_of,
            "district": district or None,
            "townships": townships,
            "covered": townships - len(uncovered),
            "served_by_neighbour": sum(row.served_by_neighbour for row in rows),
            "full_coverage": not uncovered,
            "uncovered": uncovered,
            "zones": sum(row.zones for row in rows),
            "zones_with_platform": sum(row.zones_with_platform for row in rows),
            "filings_by_platform": filings,
            "filings_without_platform": unsupported,
            "districts": rows,
        }
        return Response(CoverageSerializer(body).data)


class StandardisationAssessmentViewSet(RegistryViewSet):
    queryset = StandardisationAssessment.objects.select_related("platform__division")
    serializer_class = StandardisationAssessmentSerializer
    filterset_class = StandardisationAssessmentFilterSet


class PlatformRatingViewSet(RegistryViewSet):
    queryset = PlatformRating.objects.select_related("platform__division")
    serializer_class = PlatformRatingSerializer
    filterset_class = PlatformRatingFilterSet


class PlatformFundingViewSet(RegistryViewSet):
    queryset = PlatformFunding.objects.select_related("platform__division")
    serializer_class = PlatformFundingSerializer
    filterset_class = PlatformFundingFilterSet

    @extend_schema(responses=FundingTotalsSerializer, filters=True)
    @action(detail=False, methods=["get"], pagination_class=None)
    def totals(self, request):
        """Funding summed per year and source, over the records the same filters as the list select."""
        rows = funding_totals(self.filter_queryset(self.get_queryset()))
        body = {"results": rows, "total": sum((row.amount for row in rows), start=0)}
        return Response(FundingTotalsSerializer(body).data)


class FilingSupportViewSet(RegistryViewSet):
    queryset = FilingSupport.objects.select_related("platform__division", "filing__township").order_by("filing_id")
    serializer_class = FilingSupportSerializer
    filterset_class = FilingSupportFilterSet


class IncubationViewSet(RegistryViewSet):
    queryset = Incubation.objects.select_related("platform__division", "organization", "filing")
    serializer_class = IncubationSerializer
    filterset_class = IncubationFilterSet
