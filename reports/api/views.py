from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.filters import COMMON_QUERY_PARAMETERS
from reports import selectors
from reports.api.serializers import StatsQuerySerializer, StatsSerializer


class StatsView(APIView):
    """The registry's figures on a date (DESIGN §4), for the city or one district; with
    `compare=published`, every figure the bureau published held against the registry on its date."""

    query_parameters = frozenset({"as_of", "district", "compare"}) | COMMON_QUERY_PARAMETERS

    def read_query(self, request) -> dict:
        unknown = sorted(set(request.query_params) - self.query_parameters)
        if unknown:
            raise ValidationError({name: [_("Unknown query parameter.")] for name in unknown})
        query = StatsQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        return query.validated_data

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="Date of the figures (default: today)."),
            OpenApiParameter("district", str, description="District code: that district's records only."),
            OpenApiParameter("compare", str, enum=["published"], description="Add the published figures."),
        ],
        responses={200: StatsSerializer},
    )
    def get(self, request):
        query = self.read_query(request)
        data = selectors.statistics(query["as_of"], query.get("district"))
        if query.get("compare") == "published":
            data["published"] = [
                selectors.comparison_row(result)
                for result in selectors.published_comparisons(district=query.get("district"))
            ]
        return Response(data)
