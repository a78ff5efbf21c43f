"""The bench's yardstick: the organization list page produced with as little as possible.

Same filter set and so the same query as /api/v1/organizations/, then `values()` of the list's own
columns, the exact count and a plain JSON dump: no authentication, throttling, serializer,
annotations or renderer. The ratio of the API's throughput to this view's is the framework's
overhead. Served only when settings.REGISTRY_BENCH_VIEWS is on (environment BENCH_VIEWS=1), which
the benchmark's server sets and production never does.
"""

import json

from django.http import HttpResponse, JsonResponse

from registry.filtersets import OrganizationFilterSet
from registry.models import Organization

COLUMNS = (
    "id",
    "uscc",
    "name",
    "org_type",
    "registered_by_id",
    "registration_level",
    "domicile_id",
    "registered_on",
    "status",
    "status_date",
    "status_reason",
    "legal_representative",
    "supervising_unit",
    "business_scope",
    "field",
    "address",
    "phone",
    "is_hub",
    "is_support",
    "is_community_foundation",
    "is_demo",
    "created",
    "last_updated",
)


def minimal_organization_list(request):
    params = request.GET.copy()
    page = int(params.pop("page", ["1"])[0])
    size = int(params.pop("page_size", ["50"])[0])
    filterset = OrganizationFilterSet(params, queryset=Organization.objects.all())
    if not filterset.is_valid():
        return JsonResponse(filterset.errors, status=400)
    queryset = filterset.qs
    start = (page - 1) * size
    body = {
        "count": queryset.count(),
        "results": list(queryset.values(*COLUMNS)[start : start + size]),
    }
    return HttpResponse(json.dumps(body, default=str, ensure_ascii=False), content_type="application/json")
