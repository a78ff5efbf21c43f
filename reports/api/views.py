from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exports.renderers import CSVRenderer, ExportRenderer, XLSXRenderer
from reports import published, selectors
from reports.api.serializers import StatsQuerySerializer, StatsSerializer
from reports.exports import statistics_export


class StatsView(APIView):
    """The registry's figures on a date (DESIGN §4), for the city or one district; with
    `compare=published`, every figure the bureau published held against the registry on its date.
    `?format=csv|xlsx`: the same figures as a file, one row per figure."""

    query_parameters = frozenset({"as_of", "district", "compare", "format"})

    def get_renderers(self):
        return [*super().get_renderers(), CSVRenderer(), XLSXRenderer()]

    def handle_exception(self, exc):
        # A refused export request (bad parameter, no token) is answered in JSON, not as a file.
        if isinstance(getattr(self.request, "accepted_renderer", None), ExportRenderer):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

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
            OpenApiParameter(
                "format", str, enum=["json", "csv", "xlsx"], description="csv or xlsx: one row per figure, as a file."
            ),
        ],
        responses={200: StatsSerializer},
    )
    def get(self, request, *args, **kwargs):
        query = self.read_query(request)
        compare = query.get("compare") == "published"
        data = selectors.statistics(query["as_of"], query.get("district"))
        if isinstance(request.accepted_renderer, ExportRenderer):
            return statistics_export(request=request, data=data, file_format=request.accepted_renderer.format,
                                     compare=compare)  # fmt: skip
        if compare:
            data["published"] = [
                published.comparison_row(result)
                for result in published.published_comparisons(district=query.get("district"))
            ]
        return Response(data)
