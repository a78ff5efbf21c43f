"""The verification API (DESIGN §11): anonymous, read-only, throttled per client address, cacheable."""

from __future__ import annotations

from django.http import Http404
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from public import selectors
from public.api.serializers import PublicOrganizationSerializer, PublicOrganizationSummarySerializer
from public.api.throttling import PublicAddressThrottle
from public.caching import cached_publicly


class PublicPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class PublicView(GenericAPIView):
    """No authentication (a token is neither needed nor looked at), JSON only, Chinese labels, and every
    200 cacheable by anyone with its ETag (public.caching)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicAddressThrottle]
    renderer_classes = [JSONRenderer]
    known_parameters: frozenset[str] = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - self.known_parameters - {"format"})
        if unknown:
            raise serializers.ValidationError({name: ["Unknown parameter."] for name in unknown})

    def dispatch(self, request, *args, **kwargs):
        with translation.override("zh-hans"):
            return super().dispatch(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            response.render()
            response = cached_publicly(request, response)
        return response


class PublicOrganizationListView(PublicView):
    pagination_class = PublicPagination
    serializer_class = PublicOrganizationSummarySerializer
    known_parameters = frozenset({"q", "page", "page_size"})

    @extend_schema(
        operation_id="public_organizations_search",
        summary="Search public organizations by name fragment or credit code",
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, required=True, description="A name fragment (≥ 2 characters) or a credit code."
            )
        ],
    )
    def get(self, request):
        try:
            organizations = selectors.search_organizations(request.query_params.get("q", ""))
        except selectors.QueryTooShort:
            raise serializers.ValidationError(
                {"q": [f"至少 {selectors.MIN_QUERY_LENGTH} 个字的名称，或完整的统一社会信用代码。"]}
            ) from None
        page = self.paginate_queryset(organizations)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PublicOrganizationDetailView(PublicView):
    serializer_class = PublicOrganizationSerializer

    @extend_schema(operation_id="public_organizations_retrieve", summary="One public organization by credit code")
    def get(self, request, uscc: str):
        organization = selectors.organization_by_code(uscc)
        if organization is None:
            raise Http404
        return Response(self.get_serializer(selectors.organization_facts(organization)).data)
