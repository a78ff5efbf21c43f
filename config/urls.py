from django.conf import settings
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import APIRootView

from core.api import urls as core_api
from core.api.docs import ApiDocsView, ApiRedocView
from platforms.api import urls as platforms_api
from procurement.api import urls as procurement_api
from ratings.api import urls as ratings_api
from registry.api import urls as registry_api
from reports.api import urls as reports_api
from supervision.api import urls as supervision_api


def api_root_links() -> dict[str, str]:
    """Every resource's list, by its prefix, for the API root (each app's router keeps its own)."""
    routers = [
        app.router
        for app in (core_api, registry_api, ratings_api, platforms_api, procurement_api, reports_api, supervision_api)
    ]
    links = {prefix: f"{basename}-list" for router in routers for prefix, _viewset, basename in router.registry}
    return {**links, "stats": "stats", "procurement-totals": "procurement-totals"}


def favicon(request):
    return HttpResponsePermanentRedirect(static("core/favicon.svg"))


class ApiRootView(APIRootView):
    schema = None  # not a resource: left out of the OpenAPI document


api_v1 = [
    path("", include("core.api.urls")),
    path("", include("registry.api.urls")),
    path("", include("ratings.api.urls")),
    path("", include("platforms.api.urls")),
    path("", include("procurement.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("supervision.api.urls")),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index"), name="home"),  # the only site for people
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("api/v1/", ApiRootView.as_view(api_root_dict=api_root_links()), name="api-root"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", ApiRedocView.as_view(url_name="schema"), name="api-redoc"),
]

# The benchmark's yardstick view (bench/views.py): only when BENCH_VIEWS=1, never in production.
if settings.REGISTRY_BENCH_VIEWS:
    urlpatterns.append(path("bench/", include("bench.urls")))
